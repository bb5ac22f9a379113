"""The sign makers' print kit: check the export, draw every code's masters and the proof sheets, then write.

Gather, check, then write, as the site build does: an invalid export, a missing
font or a foreign output folder stops the run before any file is written.
"""

from __future__ import annotations

import csv
import os
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator import resources
from generator.codes import drawing as qr
from generator.publish import outdir
from generator.codes import signs
from generator.render.formulas import neutralise_formula  # the manifest is opened in Excel by sign makers
from generator.model.records import Archive
from generator.pipeline import check_export
from generator.errors import ExportInvalid, Problem, UsageRefused
from generator.settings import load_settings
from generator.publish.writer import OutputTree, write_tree

TEMPLATES_DIR = resources.TEMPLATES_DIR / "signs"
MANIFEST_NAME = "manifest.csv"
PROOFS_NAME = "proof-sheets.pdf"
MASTERS_DIR = "masters"
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
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class KitReport:
    release_id: str
    codes: int
    sheets: int
    written: int
    removed: int
    only_new: bool
    problems: tuple[Problem, ...]
    missing_glyphs: str


def make_kit(
    data_root: Path | None,
    out_dir: Path,
    work_dir: Path,
    base_url: str | None = None,
    only_new: bool = False,
    font_path: Path = signs.DEFAULT_FONT,
    strict: bool = False,
    progress: Progress = lambda step: None,
) -> KitReport:
    settings = load_settings(work_dir, data_root, base_url=base_url)
    out_dir = Path(os.path.realpath(out_dir))
    outdir.refuse_unsafe(out_dir, settings.work_dir, settings.data_root)
    outdir.refuse_inside_site(out_dir, settings.site_dir)
    previous_files = _kit_files(out_dir)
    progress("读取并校验导出数据")
    checked = check_export(settings.data_root, settings.register_path, is_sample=settings.sample_data)
    if not checked.is_valid(strict):
        raise ExportInvalid(checked.problems)
    archive = checked.archive
    signs.load_font(font_path)
    base_url = settings.site_url
    chosen = select_codes(archive, qr.code_base_url(base_url), only_new)
    release_id = archive.newest.release_id
    missing = signs.missing_glyphs([signs.SLOGAN, signs.SHEET_NOTE] + [c.project_name + c.label for c in chosen])

    tree = OutputTree(out_dir)
    layouts: dict[str, signs.MasterLayout] = {}
    progress(f"绘制 {len(chosen)} 个标牌母版（SVG、PDF）")
    for number, code in enumerate(chosen, start=1):
        layout = signs.master_layout(code)
        layouts[code.code_id] = layout
        tree.add(f"{MASTERS_DIR}/{code.code_id}.svg", render_master_svg(code, layout))
        tree.add(f"{MASTERS_DIR}/{code.code_id}.pdf", signs.draw_master_pdf(code, layout))
        if number % 100 == 0 or number == len(chosen):
            progress(f"已绘制 {number}/{len(chosen)}")
    sheets = 0
    if chosen:
        sheets = signs.sheet_count(len(chosen))
        progress(f"排版 A4 校样 {sheets} 页")
        heading = f"{release_id} 期" + ("新增" if only_new else "全部") + f" {len(chosen)} 个二维码"
        tree.add(PROOFS_NAME, signs.draw_proof_sheets(chosen, heading))
    tree.add(MANIFEST_NAME, render_manifest(chosen, layouts))
    tree.add(outdir.KIT_MARKER, outdir.kit_marker(list(tree.files)))
    progress(f"写入 {out_dir}")
    # Only what an earlier kit wrote is ever removed: anything else in the folder is someone's.
    written, removed = write_tree(tree, removable=lambda rel_path: rel_path in previous_files)
    return KitReport(release_id, len(chosen), sheets, written, removed, only_new, checked.problems, missing)


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


def render_manifest(chosen: tuple[signs.SignCode, ...], layouts: dict[str, signs.MasterLayout]) -> str:
    """The sign maker's list, UTF-8 with a BOM so that Excel shows the Chinese names."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for index, code in enumerate(chosen):
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


def _kit_files(out_dir: Path) -> set[str]:
    """The files the kit in out_dir holds; refuse a folder that is neither empty nor a kit."""
    if outdir.is_empty_dir(out_dir):
        return set()
    files = outdir.read_kit_files(out_dir)
    if files is not None:
        return files
    raise UsageRefused(
        f"--out {out_dir} 里已有其他文件，又不是本工具写的标牌文件包（没有有效的 {outdir.KIT_MARKER}）；"
        "为免误删，请用 --out 指定一个空目录或上次的标牌文件包目录"
    )
