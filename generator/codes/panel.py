"""The 工程公示牌: a whole board per code for the sign maker, its code with id, place and short URL beneath.

The board is a setting (`extra.board`, default 1.2 × 0.9 m). Left, the
project's name and who answers for it (owner, contractor, supervisor,
department) and the supervision numbers; right, the project's code, as large as
the column allows in whole half-millimetre modules, with its id and short URL
printed beneath for whoever cannot scan. Under the name and every line a band
of the same height is kept free for a second script: public signs in Inner
Mongolia are often bilingual, and that text will come from the data. Sizes in
millimetres, origin top left as in SVG; only the PDF flips the y axis.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm

from generator.codes import drawing as qr
from generator.codes import signs
from generator.model.records import Project

NATIONAL_HOTLINE = "12388"
BLANK = "未填报"  # the site's word for an empty field (project pages, quality page)
TITLE = "工程公示牌"


@dataclass(frozen=True)
class BoardLine:
    """A line of text on the board; `anchor` as in SVG: start, middle or end."""

    text: str
    x: float
    baseline: float
    size: float
    anchor: str = "start"
    bold: bool = False


@dataclass(frozen=True)
class SecondScriptBand:
    """Room kept for the same line in a second script: empty until the data carry it."""

    x: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PanelLayout:
    width: float
    height: float
    module: float
    symbol_x: float  # top left of the first module (inside the quiet zone)
    symbol_y: float
    symbol_side: float  # the symbol with its quiet zone
    lines: tuple[BoardLine, ...]
    second_script: tuple[SecondScriptBand, ...]
    rules: tuple[tuple[float, float, float, float], ...]  # thin lines between rows: x1 y1 x2 y2


def supervision_numbers(project: Project, default_hotline: str) -> str:
    """The project's own number, else the commission's, then the national 12388."""
    own = project.hotline or default_hotline
    return f"{own}　全国纪检监察举报电话 {NATIONAL_HOTLINE}" if own else f"全国纪检监察举报电话 {NATIONAL_HOTLINE}"


def panel_rows(project: Project, default_hotline: str) -> tuple[tuple[str, str], ...]:
    return (
        ("建设单位", project.owner or BLANK),
        ("施工单位", project.contractor or BLANK),
        ("监理单位", project.supervisor or BLANK),
        ("责任部门", project.department or BLANK),
        ("监督电话", supervision_numbers(project, default_hotline)),
    )


def panel_layout(code: signs.SignCode, rows: tuple[tuple[str, str], ...], width: float, height: float) -> PanelLayout:
    margin = min(width, height) * 0.05
    band = height * 0.2  # the title band: 工程公示牌 and the project's name
    column = width * 0.38  # the code's column on the right
    text_right = width - margin - column - margin
    lines = [BoardLine(TITLE, margin, margin + band * 0.22, round(band * 0.2, 3), bold=True)]
    name_size = round(signs.fit_size(code.project_name, band * 0.3, text_right - margin), 3)
    name_baseline = margin + band * 0.22 + name_size * 1.3
    lines.append(BoardLine(code.project_name, margin, round(name_baseline, 3), name_size, bold=True))
    bands = [SecondScriptBand(margin, round(name_baseline + name_size * 0.3, 3), text_right - margin, name_size)]
    body_top = margin + band + height * 0.03
    row_height = (height - margin - body_top) / len(rows)
    size = min(row_height * 0.3, height * 0.045)
    label_width = size * 5
    rules = []
    for index, (label, value) in enumerate(rows):
        top = body_top + index * row_height
        baseline = round(top + size * 1.2, 3)
        lines.append(BoardLine(label, margin, baseline, round(size, 3), bold=True))
        value_size = round(signs.fit_size(value, size, text_right - margin - label_width), 3)
        lines.append(BoardLine(value, margin + label_width, baseline, value_size))
        bands.append(SecondScriptBand(margin, round(baseline + size * 0.4, 3), text_right - margin, round(size, 3)))
        rules.append(
            (margin, round(top + row_height - size * 0.2, 3), text_right, round(top + row_height - size * 0.2, 3))
        )
    # The code: as large as its column allows under the caption lines, in whole module steps.
    modules = code.size + 2 * qr.QUIET_ZONE
    caption = height * 0.045
    room = min(column, height - 2 * margin - 3.2 * caption)
    module = int(room / modules / signs.MODULE_STEP_MM) * signs.MODULE_STEP_MM
    side = modules * module
    left = width - margin - column + (column - side) / 2
    top = margin
    centre = round(left + side / 2, 3)
    beneath = top + side
    # The place the code was issued for (a gate, a section) tells the installer which board goes where.
    named = f"编号 {code.code_id}" + (f"（{code.label}）" if code.label else "")
    named_size = round(signs.fit_size(named, caption, column), 3)
    lines.append(BoardLine(named, centre, round(beneath + caption * 1.1, 3), named_size, "middle", True))
    short = round(signs.fit_size(code.short_url, caption * 0.85, column), 3)
    lines.append(BoardLine(code.short_url, centre, round(beneath + caption * 2.2, 3), short, "middle"))
    slogan = round(signs.fit_size(signs.SLOGAN, caption * 0.8, column), 3)
    lines.append(BoardLine(signs.SLOGAN, centre, round(beneath + caption * 3.2, 3), slogan, "middle"))
    return PanelLayout(
        width,
        height,
        module,
        round(left + qr.QUIET_ZONE * module, 3),
        round(top + qr.QUIET_ZONE * module, 3),
        round(side, 3),
        tuple(lines),
        tuple(bands),
        tuple(rules),
    )


def draw_panel_pdf(code: signs.SignCode, layout: PanelLayout) -> bytes:
    out = io.BytesIO()
    size = (layout.width * mm, layout.height * mm)
    canvas = signs.new_canvas(out, size, f"{code.code_id} {TITLE}", code.project_name)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(0, 0, size[0], size[1], stroke=0, fill=1)
    left = (layout.symbol_x - qr.QUIET_ZONE * layout.module) * mm
    top = size[1] - (layout.symbol_y - qr.QUIET_ZONE * layout.module) * mm
    signs.draw_symbol(canvas, code, left, top, layout.module * mm)
    canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
    canvas.setLineWidth(0.8 * mm)
    for x1, y1, x2, y2 in layout.rules:
        canvas.line(x1 * mm, size[1] - y1 * mm, x2 * mm, size[1] - y2 * mm)
    canvas.setFillColorRGB(0, 0, 0)
    for line in layout.lines:
        canvas.setFont(signs.FONT_NAME, line.size * mm)
        x, y = line.x * mm, size[1] - line.baseline * mm
        if line.anchor == "middle":
            canvas.drawCentredString(x, y, line.text)
        else:
            canvas.drawString(x, y, line.text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
