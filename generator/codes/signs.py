"""Sign artwork: each code's symbol as geometry, the master's layout, and the PDFs drawn with reportlab.

The symbol is the site's own (`codes.make_symbol` on the same URL), so a sign
and the site's code image can never disagree. Sizes are in millimetres with the
origin at the top left, as in SVG; only the PDF drawing flips the y axis.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from generator.codes import drawing as qr
from generator.errors import PortalError

# A code is read from about ten times its width: 5 m from the fence needs a 50 cm symbol.
MASTER_SYMBOL_MIN_MM = 500.0
MODULE_STEP_MM = 0.5  # module sizes a sign maker can set up without rounding
SLOGAN = "扫码查看项目进展 · 扫码监督"
KEEP_CLEAR_NOTE = "请勿遮挡"
SHEET_NOTE = (
    "虚线框内（二维码及四周白边）请勿打孔、铆固、粘贴或遮挡，尤其是三个角上的定位方块；"
    "本页为校样，制作标牌请用 masters/ 中的母版文件。"
)
DEFAULT_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_NAME = "PortalCJK"


class FontUnusable(PortalError):
    """The Chinese font for the PDFs is missing or cannot be embedded."""


@dataclass(frozen=True)
class SignCode:
    """One code as a sign shows it: who it belongs to, where it points, and its dark modules."""

    code_id: str
    project_id: str
    project_name: str
    label: str
    first_release: str
    url: str  # the payload, exactly as the site's code image holds it
    short_url: str  # the same address written for people: host in lower case, no scheme
    version: int
    error: str
    size: int  # modules per side, without the quiet zone
    runs: tuple[tuple[int, int, int], ...]  # (row, first column, length) of each dark run


def sign_code(code_id: str, project_id: str, project_name: str, label: str, first_release: str, base: str) -> SignCode:
    url = base + code_id
    symbol = qr.make_symbol(url)
    if symbol.is_micro:  # make_qr never makes one; a reader app may not know Micro QR
        raise AssertionError(f"{code_id}: Micro QR")
    runs: list[tuple[int, int, int]] = []
    for row, modules in enumerate(symbol.matrix):
        column = 0
        while column < len(modules):
            if modules[column] & 1:
                start = column
                while column < len(modules) and modules[column] & 1:
                    column += 1
                runs.append((row, start, column - start))
            else:
                column += 1
    parts = urlsplit(url)
    return SignCode(
        code_id,
        project_id,
        project_name,
        label,
        first_release,
        url,
        parts.netloc.lower() + parts.path,
        qr.version_of(symbol),
        symbol.error,
        len(symbol.matrix),
        tuple(runs),
    )


def run_path(code: SignCode) -> str:
    """SVG path data, in modules, filling every dark run as one closed rectangle (cutters want fills)."""
    return "".join(f"M{x} {y}h{n}v1h-{n}z" for y, x, n in code.runs)


# Fonts ----------------------------------------------------------------------------------------


def load_font(path: Path) -> str:
    """Register the Chinese font under FONT_NAME (subsets of it are embedded in every PDF)."""
    if not path.is_file():
        raise FontUnusable(
            f"找不到中文字体文件 {path}。请安装 Debian 软件包 fonts-wqy-microhei"
            f"（apt-get install fonts-wqy-microhei），或用 --font 指定一个 TrueType 字体（.ttf/.ttc）。"
        )
    try:
        font = TTFont(FONT_NAME, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError) as exc:
        raise FontUnusable(
            f"字体 {path} 无法嵌入 PDF：{exc}。需要 TrueType 轮廓的字体（如文泉驿微米黑 wqy-microhei.ttc）；"
            f"思源/Noto CJK 的 .ttc/.otf 是 CFF 轮廓，不能用。"
        ) from None
    pdfmetrics.registerFont(font)
    return FONT_NAME


def missing_glyphs(texts: list[str]) -> str:
    """The characters of `texts` the registered font cannot draw, in order of first use."""
    cmap = pdfmetrics.getFont(FONT_NAME).face.charToGlyph
    seen: dict[str, None] = {}
    for text in texts:
        for char in text:
            if not char.isspace() and ord(char) not in cmap:
                seen.setdefault(char)
    return "".join(seen)


def fit_size(text: str, size_mm: float, width_mm: float) -> float:
    """`size_mm`, or smaller so that `text` fits `width_mm`."""
    width = pdfmetrics.stringWidth(text, FONT_NAME, size_mm)
    return size_mm if width <= width_mm else size_mm * width_mm / width


def _wrap(text: str, size_pt: float, width_pt: float, max_lines: int) -> list[str]:
    """Break at any character (Chinese has no spaces); the last line ends in … when cut."""
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, FONT_NAME, size_pt) > width_pt:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and pdfmetrics.stringWidth(last + "…", FONT_NAME, size_pt) > width_pt:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last + "…"]
    return lines


# The master: one code at full sign size ---------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    x: float  # centre
    baseline: float
    size: float


@dataclass(frozen=True)
class MasterLayout:
    width: float
    height: float
    module: float
    symbol_x: float  # top left of the first module (inside the quiet zone)
    symbol_y: float
    lines: tuple[TextLine, ...]


def master_layout(code: SignCode) -> MasterLayout:
    module = math.ceil(MASTER_SYMBOL_MIN_MM / code.size / MODULE_STEP_MM) * MODULE_STEP_MM
    side = (code.size + 2 * qr.QUIET_ZONE) * module
    room = side * 0.88
    name = code.project_name + (f" · {code.label}" if code.label else "")
    texts = (
        (SLOGAN, fit_size(SLOGAN, side * 0.075, room)),
        (name, fit_size(name, side * 0.045, room)),
        (
            f"编号 {code.code_id}　{code.short_url}",
            fit_size(f"编号 {code.code_id}　{code.short_url}", side * 0.038, room),
        ),
    )
    lines, y = [], side
    for text, size in texts:
        y += size * 1.35
        lines.append(TextLine(text, side / 2, round(y, 3), round(size, 3)))
    height = y + side * 0.05
    return MasterLayout(
        round(side, 3),
        round(height, 3),
        module,
        qr.QUIET_ZONE * module,
        qr.QUIET_ZONE * module,
        tuple(lines),
    )


def new_canvas(out: io.BytesIO, size: tuple[float, float], title: str, subject: str) -> Canvas:
    # invariant: fixed creation date and document id, so the same data gives the same bytes.
    canvas = Canvas(out, pagesize=size, invariant=1, initialFontName=FONT_NAME, initialFontSize=10)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setAuthor("码上监督")
    canvas.setCreator("portal signs")
    return canvas


def draw_symbol(canvas: Canvas, code: SignCode, left: float, top: float, module: float) -> None:
    """The quiet zone in white, then every dark run; `left`, `top` in points (PDF y grows upwards)."""
    side = (code.size + 2 * qr.QUIET_ZONE) * module
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(left, top - side, side, side, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # In module units, y downwards as in the matrix: small integers keep the PDF short and quick
    # to write. One path: a rasteriser fills the union, with no hairline seams between rows.
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, left + qr.QUIET_ZONE * module, top - qr.QUIET_ZONE * module)
    path = canvas.beginPath()
    for row, column, length in code.runs:
        path.rect(column, row, length, 1)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_master_pdf(code: SignCode, layout: MasterLayout) -> bytes:
    out = io.BytesIO()
    size = (layout.width * mm, layout.height * mm)
    canvas = new_canvas(out, size, f"{code.code_id} 标牌母版", code.project_name)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(0, 0, size[0], size[1], stroke=0, fill=1)
    draw_symbol(canvas, code, 0, size[1], layout.module * mm)
    canvas.setFillColorRGB(0, 0, 0)
    for line in layout.lines:
        canvas.setFont(FONT_NAME, line.size * mm)
        canvas.drawCentredString(line.x * mm, size[1] - line.baseline * mm, line.text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# Proof sheets: several labelled codes on A4 -------------------------------------------------------

SHEET_COLUMNS, SHEET_ROWS = 2, 3
PER_SHEET = SHEET_COLUMNS * SHEET_ROWS
_MARGIN = 10 * mm
_HEADER = 10 * mm
_CELL_W = (A4[0] - 2 * _MARGIN) / SHEET_COLUMNS
_CELL_H = 85 * mm
_SYMBOL = 50 * mm  # symbol and quiet zone: about 1.4 mm a module, 8 px at 150 dpi
_KEEP_CLEAR = 2.5 * mm  # the dashed outline runs this far outside the quiet zone


def sheet_count(codes: int) -> int:
    return max(1, math.ceil(codes / PER_SHEET))


def draw_proof_sheets(codes: tuple[SignCode, ...], heading: str) -> bytes:
    """A4 pages of PER_SHEET codes each, in the order given; page n holds codes[(n-1)*PER_SHEET:]."""
    out = io.BytesIO()
    canvas = new_canvas(out, A4, f"标牌二维码校样 · {heading}", heading)
    pages = sheet_count(len(codes))
    for page in range(pages):
        _draw_sheet_frame(canvas, heading, page + 1, pages)
        for slot, code in enumerate(codes[page * PER_SHEET : (page + 1) * PER_SHEET]):
            row, column = divmod(slot, SHEET_COLUMNS)
            left = _MARGIN + column * _CELL_W
            top = A4[1] - _MARGIN - _HEADER - row * _CELL_H
            _draw_cell(canvas, code, left, top)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw_sheet_frame(canvas: Canvas, heading: str, page: int, pages: int) -> None:
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(FONT_NAME, 9)
    baseline = A4[1] - _MARGIN - 4 * mm
    canvas.drawString(_MARGIN, baseline, f"码上监督 · 标牌二维码校样 · {heading}")
    canvas.drawRightString(A4[0] - _MARGIN, baseline, f"第 {page} / {pages} 页")
    canvas.setFont(FONT_NAME, 7.5)
    note_top = A4[1] - _MARGIN - _HEADER - SHEET_ROWS * _CELL_H - 3 * mm
    for number, line in enumerate(_wrap(SHEET_NOTE, 7.5, A4[0] - 2 * _MARGIN, 3)):
        canvas.drawString(_MARGIN, note_top - number * 10, line)


def _draw_cell(canvas: Canvas, code: SignCode, left: float, top: float) -> None:
    centre = left + _CELL_W / 2
    symbol_top = top - 6 * mm
    module = _SYMBOL / (code.size + 2 * qr.QUIET_ZONE)
    draw_symbol(canvas, code, centre - _SYMBOL / 2, symbol_top, module)

    # The keep-clear outline: outside the quiet zone, so the proof still scans as the sign will.
    box = _SYMBOL + 2 * _KEEP_CLEAR
    box_left, box_top = centre - box / 2, symbol_top + _KEEP_CLEAR
    canvas.setStrokeColorRGB(0.8, 0, 0)
    canvas.setLineWidth(0.6)
    canvas.setDash(3, 2)
    canvas.rect(box_left, box_top - box, box, box, stroke=1, fill=0)
    canvas.setDash()
    canvas.setFont(FONT_NAME, 7)
    note_width = pdfmetrics.stringWidth(KEEP_CLEAR_NOTE, FONT_NAME, 7) + 2 * mm
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(centre - note_width / 2, box_top - 1.3 * mm, note_width, 3 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(0.8, 0, 0)
    canvas.drawCentredString(centre, box_top - 0.8 * mm, KEEP_CLEAR_NOTE)

    canvas.setFillColorRGB(0, 0, 0)
    width = _CELL_W - 8 * mm
    baseline = box_top - box - 5 * mm
    canvas.setFont(FONT_NAME, 9.5)
    for line in _wrap(code.project_name, 9.5, width, 2):
        canvas.drawCentredString(centre, baseline, line)
        baseline -= 4.5 * mm
    canvas.setFont(FONT_NAME, 8.5)
    ident = f"编号 {code.code_id}" + (f" · {code.label}" if code.label else "")
    for text in (ident, code.short_url, SLOGAN):
        canvas.drawCentredString(centre, baseline, _wrap(text, 8.5, width, 1)[0])
        baseline -= 4 * mm
