"""The whole run, left to right, as a list of named steps: read → validate → model → render → codes → publish.

Gather, check, then write: everything is read and validated before anything is
written, so a bad export changes nothing on disk. Each step is a function of
the run's state; the work itself lives in the stage packages.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.codes.kit import BoardSettings, render_kit
from generator.codes.signs import DEFAULT_FONT, load_font
from generator.errors import BuildFailed, ExportInvalid, PartlyPublished, Problem
from generator.model.archive import build_archive, check_codes_have_projects
from generator.model.records import Archive
from generator.model.register import Register, published_codes, read_register, render_register
from generator.model.withdrawals import WithdrawnPage, withdraw
from generator.publish import manifest, outdir, site
from generator.publish import page_cache as pagecache
from generator.publish.code_cache import PendingCodes
from generator.publish.locks import build_lock
from generator.publish.memory import return_freed_memory
from generator.publish.register_file import (
    catch_up_register,
    note_pending,
    public_register,
    publish_register,
    refuse_register_behind_site,
)
from generator.publish.writer import OutputTree, StreamingTree, write_tree
from generator.read import read_data_root
from generator.render import changes
from generator.render.changes import ChangeReport
from generator.render.site_info import SiteInfo
from generator.render.site_content import render_content
from generator.settings import Settings, absolute, load_settings
from generator.validate.releases import validate_data_root
from generator import urls

REGISTER_NAME = "register.csv"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckedExport:
    archive: Archive | None  # None when the export has errors
    problems: tuple[Problem, ...]
    register: Register = field(default_factory=dict)  # the codes published before this run
    sources: dict[str, str] = field(default_factory=dict)  # each file read → sha256 of its bytes (readers)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    def is_valid(self, strict: bool) -> bool:
        return self.archive is not None and not self.errors and not (strict and self.warnings)


@dataclass
class BuildReport:
    archive: Archive
    problems: tuple[Problem, ...]
    pages: int
    codes: int
    written: int
    site_dir: Path
    changes: ChangeReport  # the newest release against the one before it
    seconds: dict[str, float] = field(default_factory=dict)
    files: int = 0  # files listed in SHA256SUMS
    code_base_url: str = ""


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


class _Steps:
    """Numbered progress lines `[3/10] 生成页面`, and the time each step took."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.total = total
        self.number = 0
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str, label: str) -> Iterator[None]:
        self.number += 1
        self.progress(f"[{self.number}/{self.total}] {label}")
        start = time.perf_counter()
        yield
        self.seconds[step] = time.perf_counter() - start


def _quiet(step: str) -> None:
    pass


def check_export(
    data_root: Path, register_path: Path, progress: Progress | _Steps = _quiet, is_sample: bool = False
) -> CheckedExport:
    """Steps 1 and 2, for every command: the export read and validated, folded into the archive."""
    steps = progress if isinstance(progress, _Steps) else _Steps(progress, 2)
    with steps("read", "读取导出数据"):
        raw = read_data_root(data_root)
        register, register_problems = read_register(register_path)
    with steps("validate", "校验导出数据"):
        releases, problems = validate_data_root(raw, published_codes(register))
        problems = tuple(register_problems) + problems
        if any(p.is_error for p in problems) or not releases:
            return CheckedExport(None, problems, sources=raw.sources)
        return CheckedExport(build_archive(releases, is_sample, register), problems, register, raw.sources)


class _Run:
    """What one build knows so far; each step reads what earlier steps left here and adds its own."""

    settings: Settings
    stack: ExitStack  # what must be closed or undone however the build ends
    checked: CheckedExport
    archive: Archive  # everything the export holds, withdrawn records included (their codes stay)
    shown: Archive  # what the site shows
    notices: tuple[WithdrawnPage, ...]
    code_base: str
    remover: threading.Thread  # deleting the site the last build replaced
    drawing: PendingCodes
    reports: tuple[ChangeReport, ...]
    content: StreamingTree
    pages: int
    written: int
    register_text: str
    staged: Path
    files: int
    marker_text: str

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self.settings = settings
        self.stack = stack
        self.written = 0


def _all_code_ids(archive: Archive) -> list[str]:
    """Every code the site answers for: the projects' signs and the service windows' cards."""
    return sorted([c.code_id for c in archive.codes] + [c.code_id for c in archive.window_codes])


def _render(run: _Run) -> None:
    settings, archive = run.settings, run.archive
    # The missing codes are drawn on the other core while the pages render here.
    run.drawing = run.stack.enter_context(PendingCodes(_all_code_ids(archive), run.code_base, settings.code_cache))
    # Withdrawn pages leave what is shown; their codes stay registered, drawn and answering.
    run.shown, run.notices = withdraw(archive, settings.withdrawn)
    site_info = SiteInfo(
        run.shown.newest,
        archive.is_sample,
        run.code_base,
        settings.site_url,
        settings.content_security_policy,
        settings.hotline,
    )
    run.reports = changes.change_reports(run.shown, {k: c.first_release for k, c in run.checked.register.items()})
    # Besides the data root's bytes, pages show the change reports (which read the register)
    # and the run's warnings: those go into the key as they are.
    key_settings = {
        "config": json.dumps(settings.mkdocs, sort_keys=True, default=str, ensure_ascii=False),
        "base_url": settings.site_url,
        "changes": "".join(changes.report_json(r, run.code_base) for r in run.reports),
        "problems": "\n".join(str(p) for p in run.checked.problems),
    }
    pagecache.remove_retired(settings.cache_dir)
    content_key = pagecache.inputs_key(run.checked.sources, key_settings)
    # Each file goes to content/ as it is made or read back, never all held at once.
    run.content = StreamingTree(settings.content_dir)
    problems, complaint_url = run.checked.problems, settings.complaint_url
    pagecache.fill(
        run.content,
        settings.page_cache,
        content_key,
        lambda emit: render_content(run.shown, site_info, problems, run.reports, complaint_url, run.notices, emit),
    )
    run.pages = sum(1 for rel_path in run.content.names if rel_path.endswith(".md"))


def _codes(run: _Run) -> None:
    # The site's SVGs now; the print PNGs are drawn in the background while mkdocs runs.
    for code_id, svg in run.drawing.svgs().items():
        run.content.add(urls.code_image(code_id), svg)
    archive = run.archive
    run.register_text = render_register(
        archive.codes, archive.projects, run.checked.register, archive.window_codes, archive.windows
    )
    run.content.add(manifest.SITE_REGISTER, public_register(run.register_text))


def _write(run: _Run) -> None:
    run.content.finish()  # the stale files: every other one was written as it came
    run.written += run.content.written
    del run.content  # mkdocs reads content/ from disk
    return_freed_memory()
    run.staged = site.clear_staging(run.settings.site_dir)  # what an interrupted build left behind
    # However the build ends: once published there is nothing left there, the swap moved it.
    run.stack.callback(site.remove_staging, run.staged)


def _mkdocs(run: _Run) -> None:
    settings = run.settings
    site.run_mkdocs(settings, run.staged, run.archive.newest.published)


def _manifest(run: _Run) -> None:
    manifest_text = manifest.write_manifest(run.staged)
    run.files = manifest_text.count("\n")
    # verify's check, on the staged site: no registered code may lose its page.
    missing = manifest.codes_without_pages(run.staged, manifest_text)
    if missing:
        raise BuildFailed("暂存的网站未通过核对：\n" + "\n".join(str(p) for p in missing))
    run.marker_text = outdir.site_marker(manifest_text, run.register_text)
    manifest.write_marker(run.staged, run.marker_text)


def _print(run: _Run) -> None:
    images = run.drawing.result()
    run.drawing.prune()
    printed = OutputTree(run.settings.qr_dir)
    for code_id in _all_code_ids(run.archive):
        printed.add(f"{code_id}.svg", images[code_id].svg)
        printed.add(f"{code_id}.png", images[code_id].png)
    # Before the swap: a code's images never change, and a sign maker must find every
    # published code's images the moment its page is live.
    run.written += write_tree(printed, keep=("README.md", REGISTER_NAME))[0]


def _publish(run: _Run) -> None:
    settings, site_dir = run.settings, run.settings.site_dir
    run.remover.join()
    note_pending(settings, run.register_text)
    unfinished: list[str] = []
    try:
        site.publish(run.staged, site_dir)
    except BaseException as exc:
        if not _is_live(site_dir, run.marker_text):
            raise  # the swap did not happen: the published site is the old one, whole
        unfinished.append(f"替换下来的旧网站未能移到 {site.previous_dir(site_dir)}（{_reason(exc)}）")
    # From here on the new site is live: whatever fails now is said as such.
    try:
        publish_register(settings, run.register_text)
    except BaseException as exc:
        unfinished.append(
            f"二维码登记册 {settings.register_path} 未能写入（{_reason(exc)}），下次在本工作目录构建时会补上"
        )
    if unfinished:
        raise PartlyPublished(f"网站已发布到 {site_dir}，但：" + "；".join(unfinished))


# After read and validate (check_export): each step's name (its timing's key), its progress line
# ({site_dir} filled in), and its work.
BUILD_STEPS: tuple[tuple[str, str, Callable[[_Run], None]], ...] = (
    ("render", "生成页面", _render),
    ("codes", "生成二维码", _codes),
    ("write", "写入 content/", _write),
    ("mkdocs", "构建站点（mkdocs）", _mkdocs),
    ("manifest", "计算校验和 SHA256SUMS，核对每个二维码都有页面", _manifest),
    ("print", "准备印刷用二维码 qr/", _print),
    ("publish", "发布到 {site_dir}", _publish),
)
STEP_COUNT = 2 + len(BUILD_STEPS)


def build(
    data_root: Path | None,
    site_dir: Path | None,
    work_dir: Path,
    base_url: str | None = None,
    strict: bool = False,
    progress: Progress = _quiet,
) -> BuildReport:
    """Build the site folder `work_dir` (its settings; the arguments, when given, win over them)."""
    return build_site(load_settings(work_dir, data_root, site_dir, base_url), strict, progress)


def build_site(settings: Settings, strict: bool = False, progress: Progress = _quiet) -> BuildReport:
    outdir.check_site_out(settings.site_dir, settings.work_dir, settings.data_root)
    steps = _Steps(progress, STEP_COUNT)
    try:
        with build_lock(settings), ExitStack() as stack:
            run = _Run(settings, stack)
            _check(run, steps, strict)
            for name, label, step in BUILD_STEPS:
                with steps(name, label.format(site_dir=settings.site_dir)):
                    step(run)
            return BuildReport(
                archive=run.archive,
                problems=run.checked.problems,
                pages=run.pages,
                codes=len(run.archive.codes),
                written=run.written,
                site_dir=settings.site_dir,
                seconds=steps.seconds,
                changes=run.reports[-1],
                files=run.files,
                code_base_url=run.code_base,
            )
    finally:
        gc.unfreeze()  # whatever happened: the next build (in tests, the same process) starts afresh


def _check(run: _Run, steps: _Steps, strict: bool) -> None:
    settings = run.settings
    catch_up_register(settings)
    run.checked = check_export(settings.data_root, settings.register_path, steps, settings.sample_data)
    if not run.checked.is_valid(strict) or run.checked.archive is None:
        raise ExportInvalid(run.checked.problems)
    refuse_register_behind_site(settings, run.checked.register)
    run.archive = run.checked.archive
    check_codes_have_projects(run.archive)
    run.remover = site.remove_previous(settings.site_dir)  # runs while the new site is made
    run.stack.callback(run.remover.join)
    # The archive lives until the end of the build: the cyclic collector need not scan its
    # millions of objects again at every collection (at 10× the sample that costs minutes).
    gc.freeze()
    run.code_base = urls.code_base_url(settings.site_url)


def _is_live(site_dir: Path, marker_text: str) -> bool:
    try:
        return (site_dir / manifest.SITE_MARKER).read_text(encoding="utf-8") == marker_text
    except (OSError, UnicodeDecodeError):
        return False


def _reason(exc: BaseException) -> str:
    return "已中断" if isinstance(exc, KeyboardInterrupt) else str(exc) or type(exc).__name__


def make_kit(
    data_root: Path | None,
    out_dir: Path,
    work_dir: Path,
    base_url: str | None = None,
    only_new: bool = False,
    font_path: Path = DEFAULT_FONT,
    strict: bool = False,
    progress: Progress = _quiet,
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
