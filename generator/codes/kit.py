"""The sign makers' print kit laid out: every chosen code's masters, the A4 proof sheets and the manifest.

Only laid out here, as files in memory; the pipeline checks the export and the
output folder first and writes last (gather, check, then write).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass

import jinja2

from generator import resources
from generator.codes import drawing as qr
from generator.codes import panel, signs, window_kit
from generator.render.formulas import neutralise_formula  # the manifest is opened in Excel by sign makers
from generator.model.records import Archive

TEMPLATES_DIR = resources.TEMPLATES_DIR / "signs"
MANIFEST_NAME = "manifest.csv"
PROOFS_NAME = "proof-sheets.pdf"
MASTERS_DIR = "masters"
PANELS_DIR = "panels"  # a 工程公示牌 per code (codes/panel.py)
# What a sign maker's machine is likely to have; the PDF master carries its own font.
SVG_FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, SimHei, sans-serif"
MANIFEST_COLUMNS = (
    "code_id",
    "project_id",
    "project_name",
    "label",
    "url",
    "short_url",
    "qr_version",
    "error_level",
    "module_mm",
    "master_svg",
    "master_pdf",
    "proof_sheet",
    "proof_page",
    "first_release",
    "panel_svg",  # the code's board
    "panel_pdf",
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RenderedKit:
    """The print kit's files by path in the kit folder, before anything is written."""

    files: dict[str, str | bytes]
    release_id: str
    codes: int
    sheets: int
    missing_glyphs: str
    window_codes: int = 0  # service windows' codes: a desk card and a sticker each


@dataclass(frozen=True)
class BoardSettings:
    """What the boards need from the site folder: their size and the commission's number."""

    width_mm: float
    height_mm: float
    hotline: str  # extra.hotline, shown where a project has no number of its own


def render_kit(
    archive: Archive, code_base: str, only_new: bool, progress: Progress, board: BoardSettings
) -> RenderedKit:
    """Every chosen code's masters (SVG, PDF), each project's board, the A4 proof sheets and the manifest."""
    chosen = select_codes(archive, code_base, only_new)
    windows = window_kit.select_window_codes(archive, code_base, only_new)
    release_id = archive.newest.release_id
    boarded = {code.project_id.casefold() for code in chosen}
    board_texts = [
        label + value
        for record in archive.projects
        if record.project.key in boarded
        for label, value in panel.panel_rows(record.project, board.hotline)
    ]
    missing = signs.missing_glyphs(
        [signs.SLOGAN, signs.SHEET_NOTE, panel.TITLE]
        + [c.project_name + c.label for c in chosen]
        + board_texts
        + window_kit.texts_of(windows)
    )
    files: dict[str, str | bytes] = {}
    layouts: dict[str, signs.MasterLayout] = {}
    progress(f"绘制 {len(chosen)} 个标牌母版（SVG、PDF）")
    for number, code in enumerate(chosen, start=1):
        layout = signs.master_layout(code)
        layouts[code.code_id] = layout
        files[f"{MASTERS_DIR}/{code.code_id}.svg"] = render_master_svg(code, layout)
        files[f"{MASTERS_DIR}/{code.code_id}.pdf"] = signs.draw_master_pdf(code, layout)
        if number % 100 == 0 or number == len(chosen):
            progress(f"已绘制 {number}/{len(chosen)}")
    panels, boards = render_panels(archive, chosen, board, progress)
    files.update(panels)
    sheets = 0
    if chosen:
        sheets = signs.sheet_count(len(chosen))
        progress(f"排版 A4 校样 {sheets} 页")
        heading = f"{release_id} 期" + ("新增" if only_new else "全部") + f" {len(chosen)} 个二维码"
        files[PROOFS_NAME] = signs.draw_proof_sheets(chosen, heading)
    files[MANIFEST_NAME] = render_manifest(chosen, layouts, boards)
    if windows:
        progress(f"排版 {len(windows)} 个服务窗口的台卡和贴纸")
        files.update(window_kit.render_window_kit(windows))
    return RenderedKit(files, release_id, len(chosen), sheets, missing, len(windows))


def select_codes(archive: Archive, code_base: str, only_new: bool) -> tuple[signs.SignCode, ...]:
    """The newest release's codes, in code-id order; with `only_new`, those it publishes first."""
    names = {record.project.key: record.project.name for record in archive.projects}
    newest = archive.newest.release_id
    return tuple(
        signs.sign_code(
            code.code_id,
            code.project_id,
            names[code.project_id.casefold()],
            code.label,
            code.first_release,
            code_base,
        )
        for code in archive.codes
        if code.is_current and (not only_new or code.first_release == newest)
    )


def render_master_svg(code: signs.SignCode, layout: signs.MasterLayout) -> str:
    return (
        _environment()
        .get_template("master.svg.j2")
        .render(
            code=code,
            layout=layout,
            path_data=signs.run_path(code),
            quiet_zone=qr.QUIET_ZONE,
            font_family=SVG_FONT_FAMILY,
        )
    )


def render_panels(
    archive: Archive, chosen: tuple[signs.SignCode, ...], board: BoardSettings, progress: Progress
) -> tuple[dict[str, str | bytes], dict[str, str]]:
    """A board per chosen code: a project with a sign at each gate or section has a board for each,
    every one with its own code and the place it was issued for.

    Also the board of each code: code id → the board's path without its suffix.
    """
    projects = {record.project.key: record.project for record in archive.projects}
    progress(f"排版 {len(chosen)} 块工程公示牌（{board.width_mm:g} × {board.height_mm:g} mm）")
    files: dict[str, str | bytes] = {}
    boards: dict[str, str] = {}
    for code in chosen:
        rows = panel.panel_rows(projects[code.project_id.casefold()], board.hotline)
        layout = panel.panel_layout(code, rows, board.width_mm, board.height_mm)
        stem = f"{PANELS_DIR}/{code.code_id}"
        files[f"{stem}.svg"] = render_panel_svg(code, layout)
        files[f"{stem}.pdf"] = panel.draw_panel_pdf(code, layout)
        boards[code.code_id] = stem
    return files, boards


def render_panel_svg(code: signs.SignCode, layout: panel.PanelLayout) -> str:
    return (
        _environment()
        .get_template("panel.svg.j2")
        .render(
            code=code,
            layout=layout,
            path_data=signs.run_path(code),
            quiet_zone=qr.QUIET_ZONE,
            font_family=SVG_FONT_FAMILY,
        )
    )


def render_manifest(
    chosen: tuple[signs.SignCode, ...],
    layouts: dict[str, signs.MasterLayout],
    boards: dict[str, str] | None = None,
) -> str:
    """The sign maker's list, UTF-8 with a BOM so that Excel shows the Chinese names."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    boards = boards or {}
    for index, code in enumerate(chosen):
        stem = boards.get(code.code_id)
        writer.writerow(
            (
                code.code_id,
                code.project_id,
                neutralise_formula(code.project_name),
                neutralise_formula(code.label),
                code.url,
                code.short_url,
                code.version,
                code.error,
                layouts[code.code_id].module,
                f"{MASTERS_DIR}/{code.code_id}.svg",
                f"{MASTERS_DIR}/{code.code_id}.pdf",
                PROOFS_NAME,
                index // signs.PER_SHEET + 1,
                code.first_release,
                f"{stem}.svg" if stem else "",
                f"{stem}.pdf" if stem else "",
            )
        )
    return "\ufeff" + out.getvalue()


@functools.cache
def _environment() -> jinja2.Environment:
    # SVG is XML: autoescape on, so a project name is always text in the artwork.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
