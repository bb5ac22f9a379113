"""`portal signs`: the sign makers' print kit of a release, checked, laid out, then written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.codes.kit import BoardSettings, render_kit
from generator.codes.signs import DEFAULT_FONT, load_font
from generator.errors import ExportInvalid, Problem
from generator.pipeline.export import check_export
from generator.pipeline.steps import Progress, quiet
from generator.publish import outdir
from generator.publish.writer import OutputTree, write_tree
from generator.settings import absolute, load_settings
from generator import urls


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
    window_codes: int = 0  # of them, service windows' codes (desk cards and stickers)


def make_kit(
    data_root: Path | None,
    out_dir: Path,
    work_dir: Path,
    base_url: str | None = None,
    only_new: bool = False,
    font_path: Path = DEFAULT_FONT,
    strict: bool = False,
    progress: Progress = quiet,
) -> KitReport:
    """`portal signs`: check the export and the kit folder, lay out the kit, then write it."""
    settings = load_settings(work_dir, data_root, base_url=base_url)
    out_dir = absolute(out_dir)
    outdir.refuse_unsafe(out_dir, settings.work_dir, settings.data_root)
    outdir.refuse_inside_site(out_dir, settings.site_dir)
    previous_files = outdir.kit_files(out_dir)
    progress("读取并校验导出数据")
    checked = check_export(settings.data_root, settings.register_path, is_sample=settings.sample_data)
    if not checked.is_valid(strict) or checked.archive is None:
        raise ExportInvalid(checked.problems)
    load_font(font_path)
    board = BoardSettings(*settings.board_mm, hotline=settings.hotline)
    kit = render_kit(checked.archive, urls.code_base_url(settings.site_url), only_new, progress, board)
    tree = OutputTree(out_dir)
    for rel_path, data in kit.files.items():
        tree.add(rel_path, data)
    tree.add(outdir.KIT_MARKER, outdir.kit_marker(list(tree.files)))
    progress(f"写入 {out_dir}")
    # Only what an earlier kit wrote is ever removed: anything else in the folder is someone's.
    written, removed = write_tree(tree, removable=lambda rel_path: rel_path in previous_files)
    return KitReport(
        kit.release_id,
        kit.codes,
        kit.sheets,
        written,
        removed,
        only_new,
        checked.problems,
        kit.missing_glyphs,
        kit.window_codes,
    )
