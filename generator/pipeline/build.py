"""`portal build`: the whole run as a list of named steps, the export half in a process of its own.

Gather, check, then write: everything is read and validated before anything is
published, so a bad export changes nothing that was. Steps 1 to 4 (read,
validate, render, write content/) run in a forked child (export.py) that
exits once content/ is written; the codes are drawn here meanwhile, and
mkdocs then runs in this process, which never held the archive. Each step is
a function of the run's state; the work itself lives in the stage packages.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import BuildFailed, PartlyPublished, Problem
from generator.model.records import Archive
from generator.pipeline.export import CodesToDraw, Counts, ExportRendered, ProgressLine, render_export
from generator.pipeline.steps import Progress, Steps, quiet
from generator.publish import forked, manifest, outdir, site
from generator.publish.code_cache import PendingCodes
from generator.publish.locks import build_lock
from generator.publish.register_file import catch_up_register, note_pending, publish_register
from generator.publish.writer import OutputTree, StreamingTree, write_tree
from generator.render.changes import ChangeReport
from generator.settings import Settings, load_settings
from generator import urls

REGISTER_NAME = "register.csv"


@dataclass
class BuildReport:
    problems: tuple[Problem, ...]
    pages: int
    written: int
    site_dir: Path
    changes: ChangeReport  # the newest release against the one before it
    counts: Counts
    seconds: dict[str, float] = field(default_factory=dict)
    files: int = 0  # files listed in SHA256SUMS
    code_base_url: str = ""
    archive: Archive | None = None  # only when asked for (keep_archive): it is large

    @property
    def codes(self) -> int:
        return self.counts.codes


class _Run:
    """What one build knows so far; each step reads what earlier steps left here and adds its own."""

    settings: Settings
    stack: ExitStack  # what must be closed or undone however the build ends
    codes: CodesToDraw
    export: ExportRendered
    remover: threading.Thread  # deleting the site the last build replaced
    drawing: PendingCodes
    staged: Path
    files: int
    marker_text: str

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self.settings = settings
        self.stack = stack
        self.written = 0


def _codes(run: _Run) -> None:
    # The site's SVGs, beside the pages the export half wrote: the codes were drawn (for print
    # too) and cached meanwhile, and the drawing pool ends here, before mkdocs.
    content = StreamingTree(run.settings.content_dir)
    for code_id, svg in run.drawing.svgs().items():
        content.add(urls.code_image(code_id), svg)
    run.written += run.export.written + content.written
    run.staged = site.clear_staging(run.settings.site_dir)  # what an interrupted build left behind
    # However the build ends: once published there is nothing left there, the swap moved it.
    run.stack.callback(site.remove_staging, run.staged)


def _mkdocs(run: _Run) -> None:
    site.run_mkdocs(run.settings, run.staged, run.export.data_date)


def _manifest(run: _Run) -> None:
    manifest_text = manifest.write_manifest(run.staged)
    run.files = manifest_text.count("\n")
    # verify's check, on the staged site: no registered code may lose its page.
    missing = manifest.codes_without_pages(run.staged, manifest_text)
    if missing:
        raise BuildFailed("暂存的网站未通过核对：\n" + "\n".join(str(p) for p in missing))
    run.marker_text = outdir.site_marker(manifest_text, run.export.register_text)
    manifest.write_marker(run.staged, run.marker_text)


def _print(run: _Run) -> None:
    images = run.drawing.result()
    run.drawing.prune()
    printed = OutputTree(run.settings.qr_dir)
    for code_id in run.codes.code_ids:
        printed.add(f"{code_id}.svg", images[code_id].svg)
        printed.add(f"{code_id}.png", images[code_id].png)
    # Before the swap: a code's images never change, and a sign maker must find every
    # published code's images the moment its page is live.
    run.written += write_tree(printed, keep=("README.md", REGISTER_NAME))[0]


def _publish(run: _Run) -> None:
    settings, site_dir, register_text = run.settings, run.settings.site_dir, run.export.register_text
    run.remover.join()
    note_pending(settings, register_text)
    unfinished: list[str] = []
    try:
        site.publish(run.staged, site_dir)
    except BaseException as exc:
        if not _is_live(site_dir, run.marker_text):
            raise  # the swap did not happen: the published site is the old one, whole
        unfinished.append(f"替换下来的旧网站未能移到 {site.previous_dir(site_dir)}（{_reason(exc)}）")
    # From here on the new site is live: whatever fails now is said as such.
    try:
        publish_register(settings, register_text)
    except BaseException as exc:
        unfinished.append(
            f"二维码登记册 {settings.register_path} 未能写入（{_reason(exc)}），下次在本工作目录构建时会补上"
        )
    if unfinished:
        raise PartlyPublished(f"网站已发布到 {site_dir}，但：" + "；".join(unfinished))


# The steps of the export half, in its child process (export.py): read, validate, render, write.
EXPORT_STEP_COUNT = 4
# Then, here: each step's name (its timing's key), its progress line ({site_dir} filled in), its work.
SITE_STEPS: tuple[tuple[str, str, Callable[[_Run], None]], ...] = (
    ("codes", "生成二维码", _codes),
    ("mkdocs", "构建站点（mkdocs）", _mkdocs),
    ("manifest", "计算校验和 SHA256SUMS，核对每个二维码都有页面", _manifest),
    ("print", "准备印刷用二维码 qr/", _print),
    ("publish", "发布到 {site_dir}", _publish),
)
STEP_COUNT = EXPORT_STEP_COUNT + len(SITE_STEPS)


def build(
    data_root: Path | None,
    site_dir: Path | None,
    work_dir: Path,
    base_url: str | None = None,
    strict: bool = False,
    progress: Progress = quiet,
    keep_archive: bool = True,
) -> BuildReport:
    """Build the site folder `work_dir` (its settings; the arguments, when given, win over them)."""
    return build_site(load_settings(work_dir, data_root, site_dir, base_url), strict, progress, keep_archive)


def build_site(
    settings: Settings, strict: bool = False, progress: Progress = quiet, keep_archive: bool = True
) -> BuildReport:
    """Build and publish; `keep_archive` brings the archive home in the report (for tests and tools)."""
    outdir.check_site_out(settings.site_dir, settings.work_dir, settings.data_root)
    try:
        with build_lock(settings), ExitStack() as stack:
            run = _Run(settings, stack)
            _render_export(run, strict, progress, keep_archive)
            steps = Steps(progress, STEP_COUNT, done=run.export.steps_done)
            steps.seconds.update(run.export.seconds)
            for name, label, step in SITE_STEPS:
                with steps(name, label.format(site_dir=settings.site_dir)):
                    step(run)
            return BuildReport(
                problems=run.export.problems,
                pages=run.export.pages,
                written=run.written,
                site_dir=settings.site_dir,
                changes=run.export.changes,
                counts=run.export.counts,
                seconds=steps.seconds,
                files=run.files,
                code_base_url=run.codes.code_base,
                archive=run.export.archive,
            )
    finally:
        gc.unfreeze()  # whatever happened: the next build (in tests, the same process) starts afresh


def _render_export(run: _Run, strict: bool, progress: Progress, keep_archive: bool) -> None:
    """Steps 1–4 in a child process; meanwhile the codes are drawn here, and the last site removed."""
    settings = run.settings
    catch_up_register(settings)
    child = run.stack.enter_context(
        forked.fork(lambda send: render_export(settings, strict, STEP_COUNT, keep_archive, send))
    )
    for message in child.messages():
        if isinstance(message, ProgressLine):
            progress(message.line)
        elif isinstance(message, CodesToDraw):  # the export is valid
            run.codes = message
            run.drawing = run.stack.enter_context(
                PendingCodes(list(message.code_ids), message.code_base, settings.code_cache)
            )
            run.remover = site.remove_previous(settings.site_dir)  # runs while the new site is made
            run.stack.callback(run.remover.join)
        elif isinstance(message, ExportRendered):
            run.export = message


def _is_live(site_dir: Path, marker_text: str) -> bool:
    try:
        return (site_dir / manifest.SITE_MARKER).read_text(encoding="utf-8") == marker_text
    except (OSError, UnicodeDecodeError):
        return False


def _reason(exc: BaseException) -> str:
    return "已中断" if isinstance(exc, KeyboardInterrupt) else str(exc) or type(exc).__name__
