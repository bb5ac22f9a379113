"""The print kit of the service windows' codes: a desk card and a sticker per code, and their list.

A desk card is a sheet of A5 folded across the middle into a tent of two A6
panels that stands on the counter; the upper panel is drawn upside down so that
both read upright once folded, one to the citizen, one to the waiting line. A
sticker goes on the window's glass or the counter. Both carry the window's own
symbol (the site's, from `signs.sign_code`), its id and short URL, the window's
number and name, and the slogan. A window's code is read from arm's length, so
a 50 mm symbol is ample.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from generator.codes import drawing as qr
from generator.codes import signs
from generator.model.records import Archive
from generator.render.formulas import neutralise_formula

WINDOW_SLOGAN = "码上监督 马上办 · 扫码反映问题"
DESK_CARDS_NAME = "window-desk-cards.pdf"
STICKERS_NAME = "window-stickers.pdf"
WINDOW_MANIFEST_NAME = "window-manifest.csv"
PANEL_W, PANEL_H = 148 * mm, 105 * mm  # A6 landscape; the card's sheet is A5 portrait, folded at half height
STICKER_W, STICKER_H = 80 * mm, 110 * mm
SYMBOL = 50 * mm  # symbol with its quiet zone
WINDOW_MANIFEST_COLUMNS = (
    "code_id", "window_id", "hall", "window_no", "window_name", "label", "url", "short_url",
    "desk_card_page", "sticker_page", "first_release",
)  # fmt: skip


@dataclass(frozen=True)
class WindowSign:
    code: signs.SignCode  # its project_id and project_name hold the window's id and name
    hall: str
    window_no: str
    window_name: str

    @property
    def window_line(self) -> str:
        return f"{self.window_no} 号窗口 · {self.window_name}" if self.window_no else self.window_name


def select_window_codes(archive: Archive, code_base: str, only_new: bool) -> tuple[WindowSign, ...]:
    """The newest release's window codes in code-id order; with `only_new`, those it publishes first."""
    windows = {r.window.key: r.window for r in archive.windows}
    newest = archive.newest.release_id
    chosen = []
    for code in archive.window_codes:
        if not code.is_current or (only_new and code.first_release != newest):
            continue
        window = windows[code.window_id.casefold()]
        sign = signs.sign_code(code.code_id, window.window_id, window.name, code.label, code.first_release, code_base)
        chosen.append(WindowSign(sign, window.hall, window.window_no, window.name))
    return tuple(chosen)


def render_window_kit(chosen: tuple[WindowSign, ...]) -> dict[str, str | bytes]:
    """The desk cards and stickers (one page per code, in the order given) and their list."""
    if not chosen:
        return {}
    return {
        DESK_CARDS_NAME: draw_desk_cards(chosen),
        STICKERS_NAME: draw_stickers(chosen),
        WINDOW_MANIFEST_NAME: render_window_manifest(chosen),
    }


def texts_of(chosen: tuple[WindowSign, ...]) -> list[str]:
    """Every text the kit prints, for the font's glyph check."""
    return [WINDOW_SLOGAN] + [s.hall + s.window_line + s.code.label for s in chosen]


def _text(canvas: Canvas, text: str, x: float, y: float, size: float, width: float, centred: bool = False) -> None:
    canvas.setFont(signs.FONT_NAME, signs.fit_size(text, size, width))
    (canvas.drawCentredString if centred else canvas.drawString)(x, y, text)


def _panel(canvas: Canvas, sign: WindowSign) -> None:
    """One A6 panel with its origin at the bottom left: the symbol left, the words right."""
    code = sign.code
    margin = 8 * mm
    signs.draw_symbol(canvas, code, margin, PANEL_H - (PANEL_H - SYMBOL) / 2, SYMBOL / (code.size + 2 * qr.QUIET_ZONE))
    left = margin + SYMBOL + 6 * mm
    width = PANEL_W - left - margin
    canvas.setFillColorRGB(0.7, 0, 0)
    _text(canvas, "码上监督 马上办", left, PANEL_H - 24 * mm, 17, width)
    canvas.setFillColorRGB(0, 0, 0)
    _text(canvas, "扫码反映问题", left, PANEL_H - 33 * mm, 12, width)
    _text(canvas, sign.window_line, left, PANEL_H - 48 * mm, 11, width)
    _text(canvas, sign.hall, left, PANEL_H - 55 * mm, 8.5, width)
    _text(canvas, f"编号 {code.code_id}", left, PANEL_H - 68 * mm, 9, width)
    _text(canvas, code.short_url, left, PANEL_H - 74 * mm, 8, width)
    _text(canvas, WINDOW_SLOGAN, PANEL_W / 2, 7 * mm, 8, PANEL_W - 2 * margin, centred=True)


def draw_desk_cards(chosen: tuple[WindowSign, ...]) -> bytes:
    out = io.BytesIO()
    size = (PANEL_W, 2 * PANEL_H)
    canvas = signs.new_canvas(out, size, "服务窗口台卡（A5 对折成 A6 三角台卡）", f"{len(chosen)} 个窗口二维码")
    for sign in chosen:
        _panel(canvas, sign)  # the lower panel, upright
        canvas.saveState()
        canvas.translate(PANEL_W, 2 * PANEL_H)
        canvas.rotate(180)  # the upper panel, upside down: upright on the tent's other face
        _panel(canvas, sign)
        canvas.restoreState()
        canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        canvas.setDash(2, 2)
        canvas.line(0, PANEL_H, PANEL_W, PANEL_H)  # the fold
        canvas.setDash()
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def draw_stickers(chosen: tuple[WindowSign, ...]) -> bytes:
    out = io.BytesIO()
    canvas = signs.new_canvas(out, (STICKER_W, STICKER_H), "服务窗口二维码贴纸", f"{len(chosen)} 个窗口二维码")
    for sign in chosen:
        code = sign.code
        top = STICKER_H - 6 * mm
        signs.draw_symbol(canvas, code, (STICKER_W - SYMBOL) / 2, top, SYMBOL / (code.size + 2 * qr.QUIET_ZONE))
        width = STICKER_W - 8 * mm
        canvas.setFillColorRGB(0.7, 0, 0)
        _text(canvas, WINDOW_SLOGAN, STICKER_W / 2, top - SYMBOL - 8 * mm, 11, width, centred=True)
        canvas.setFillColorRGB(0, 0, 0)
        _text(canvas, sign.window_line, STICKER_W / 2, top - SYMBOL - 17 * mm, 10, width, centred=True)
        _text(canvas, sign.hall, STICKER_W / 2, top - SYMBOL - 24 * mm, 8, width, centred=True)
        _text(canvas, f"编号 {code.code_id}  {code.short_url}", STICKER_W / 2, 8 * mm, 8, width, centred=True)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def render_window_manifest(chosen: tuple[WindowSign, ...]) -> str:
    """The sign maker's list of window codes, UTF-8 with a BOM for Excel."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(WINDOW_MANIFEST_COLUMNS)
    for page, sign in enumerate(chosen, start=1):
        code = sign.code
        writer.writerow(
            (
                code.code_id,
                code.project_id,
                neutralise_formula(sign.hall),
                neutralise_formula(sign.window_no),
                neutralise_formula(sign.window_name),
                neutralise_formula(code.label),
                code.url,
                code.short_url,
                page,
                page,
                code.first_release,
            )  # fmt: skip
        )
    return "\ufeff" + out.getvalue()
