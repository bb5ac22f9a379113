"""The whole run, left to right: read → validate → archive → render → codes → write → site.

Gather, check, then write: everything is read and validated before anything is
written, so a bad export changes nothing on disk.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import gc
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import changes, manifest, quality, site
from . import codes as qr
from . import pagecache, search
from .archive import build_archive
from .archive_pages import render_archive
from .changes import ChangeReport
from .code_files import render_code_files
from .codestore import PendingCodes
from .model import Archive
from .problems import BuildFailed, ExportInvalid, Problem
from .readers import read_data_root
from .register import read_register, render_register
from .render import SiteInfo, make_environment, render_pages
from .validate import validate_data_root
from .writer import OutputTree, write_tree

REGISTER_NAME = "register.csv"
LOCK_NAME = ".portal-build.lock"
CODE_CACHE = ".cache/qr"  # under the work folder: drawn QR images by content key (codestore.py)
PAGE_CACHE = ".cache/pages.cache"  # the last build's pages with the key of their inputs (pagecache.py)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckedExport:
    archive: Archive | None  # None when the export has errors
    problems: tuple[Problem, ...]
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
    seconds: dict[str, float] = field(default_factory=dict)
    changes: ChangeReport | None = None  # the newest release against the one before it
    files: int = 0  # files listed in SHA256SUMS
    code_base_url: str = ""


SEARCH_CACHE = ".cache/pagefind"  # under the work folder: the search bundles, by their pages' sha256 (search.py)

# read, validate, render, codes, write, mkdocs, search, manifest, print, publish: the numbered progress lines.
STEP_COUNT = 10


class _Steps:
    """Numbered progress lines `[3/9] 生成页面`, and the time each step took."""

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


def check_export(data_root: Path, register_path: Path, progress: Progress | _Steps = _quiet) -> CheckedExport:
    steps = progress if isinstance(progress, _Steps) else _Steps(progress, 2)
    with steps("read", "读取导出数据"):
        raw = read_data_root(data_root)
        register, register_problems = read_register(register_path)
    with steps("validate", "校验导出数据"):
        releases, problems = validate_data_root(raw, register)
        problems = tuple(register_problems) + problems
        if any(p.is_error for p in problems) or not releases:
            return CheckedExport(None, problems, raw.sources)
        return CheckedExport(build_archive(releases, raw.is_sample), problems, raw.sources)


def build(
    data_root: Path,
    site_dir: Path,
    work_dir: Path,
    base_url: str | None = None,
    strict: bool = False,
    progress: Progress = _quiet,
) -> BuildReport:
    try:
        return _build(data_root, site_dir, work_dir, base_url, strict, progress)
    finally:
        gc.unfreeze()  # whatever happened: the next build (in tests, the same process) starts afresh


def _build(
    data_root: Path, site_dir: Path, work_dir: Path, base_url: str | None, strict: bool, progress: Progress
) -> BuildReport:
    steps = _Steps(progress, STEP_COUNT)
    with _lock(data_root, work_dir):
        register_path = work_dir / "qr" / REGISTER_NAME
        checked = check_export(data_root, register_path, steps)
        if not checked.is_valid(strict):
            raise ExportInvalid(checked.problems)
        remover = site.remove_previous(site_dir)  # runs while the new site is made
        archive = checked.archive
        # The archive lives until the end of the build: the cyclic collector need not scan its
        # millions of objects again at every collection (at 10× the sample that costs minutes).
        gc.freeze()
        base_url = site.site_base_url(base_url)
        code_base = qr.code_base_url(base_url)
        extra = site.configured_extra()
        register, _ = read_register(register_path)

        code_ids = [code.code_id for code in archive.codes]
        with PendingCodes(code_ids, code_base, work_dir / CODE_CACHE) as drawing:
            # The missing codes are drawn on the other core while the pages render here.
            with steps("render", "生成页面"):
                site_info = SiteInfo(
                    archive.newest, archive.is_sample, code_base, base_url, extra.get("content_security_policy", "")
                )
                reports = changes.change_reports(archive, {k: c.first_release for k, c in register.items()})
                complaint_url = extra.get("complaint_url", "")
                # Besides the data root's bytes, pages show the change reports (which read the
                # register) and the run's warnings: those go into the key as they are.
                settings = {
                    "base_url": base_url,
                    "complaint_url": complaint_url,
                    "changes": "".join(changes.report_json(r, code_base) for r in reports),
                    "problems": "\n".join(str(p) for p in checked.problems),
                    "is_sample": str(archive.is_sample),  # the marker file is no input the readers read
                }
                content_key = pagecache.inputs_key(checked.sources, settings)
                rendered = pagecache.load(work_dir / PAGE_CACHE, content_key)
                if rendered is None:
                    rendered = _render_content(archive, site_info, checked.problems, reports, complaint_url)
                    pagecache.store(work_dir / PAGE_CACHE, content_key, rendered)
                pages = sum(1 for rel_path in rendered if rel_path.endswith(".md"))
                content = OutputTree(work_dir / "content")
                while rendered:  # each page held once: as text until it is added as bytes
                    rel_path, data = rendered.popitem()
                    content.add(rel_path, data)
            with steps("codes", "生成二维码"):
                # The site's SVGs now; the print PNGs are drawn in the background while mkdocs runs.
                for code_id, svg in drawing.svgs().items():
                    content.add(f"assets/qr/{code_id}.svg", svg)
                register_text = render_register(archive.codes, register)
                content.add(manifest.SITE_REGISTER, register_text)
            with steps("write", "写入 content/"):
                written = write_tree(content)[0]
                del content  # mkdocs reads content/ from disk
                _return_freed_memory()
            staged = site.staging_dir(site_dir)
            shutil.rmtree(staged, ignore_errors=True)  # what an interrupted build left behind
            try:
                shard_pages = extra.get("search_shard_pages", search.DEFAULT_SHARD_PAGES)
                with search.SearchIndex(work_dir / SEARCH_CACHE, shard_pages) as index:
                    # Pagefind indexes each page on the other core as soon as mkdocs has converted it.
                    with steps("mkdocs", "构建站点（mkdocs，同时编制搜索索引）"):
                        site.run_mkdocs(
                            work_dir / "content",
                            staged,
                            base_url,
                            archive.is_sample,
                            archive.newest.published,
                            plugins={"portal-search": search.indexing_plugin(index)},
                        )
                    with steps("search", "写入搜索索引（Pagefind）"):
                        index.finish(staged)
                with steps("manifest", "计算校验和 SHA256SUMS"):
                    files = manifest.write_manifest(staged)
                with steps("print", "准备印刷用二维码 qr/"):
                    images = drawing.result()
                    drawing.prune()
                    printed = OutputTree(work_dir / "qr")
                    for code in archive.codes:
                        printed.add(f"{code.code_id}.svg", images[code.code_id].svg)
                        printed.add(f"{code.code_id}.png", images[code.code_id].png)
                    printed.add(REGISTER_NAME, register_text)
            except BaseException:
                shutil.rmtree(staged, ignore_errors=True)
                raise
        with steps("publish", f"发布到 {site_dir}"):
            remover.join()
            site.publish(staged, site_dir)
            # The register and the printable codes follow the site: the register never names a
            # code that was not published.
            written += write_tree(printed, keep=("README.md",))[0]
    return BuildReport(
        archive=archive,
        problems=checked.problems,
        pages=pages,
        codes=len(archive.codes),
        written=written,
        site_dir=site_dir,
        seconds=steps.seconds,
        changes=reports[-1],
        files=files,
        code_base_url=code_base,
    )


def _render_content(
    archive: Archive,
    site_info: SiteInfo,
    problems: tuple[Problem, ...],
    reports: tuple[ChangeReport, ...],
    complaint_url: str,
) -> dict[str, str | bytes]:
    """Everything content/ holds but the code images: pages, alias pages, feeds, downloads, charts."""
    pages: dict[str, str | bytes] = dict(
        render_pages(archive, site_info, complaint_url, project_changes=changes.project_histories(reports))
    )
    env = make_environment()
    pages.update(changes.render_change_pages(env, reports, site_info))
    pages.update(quality.render_quality_pages(env, quality.quality_pages(archive, problems), site_info))
    for rel_path, data in (*render_code_files(archive, site_info).items(), *render_archive(archive, site_info).items()):
        if rel_path in pages:
            raise ValueError(f"two files for {rel_path}")
        pages[rel_path] = data
    pages["changes.json"] = changes.report_json(reports[-1], site_info.code_base_url)
    return pages


def _return_freed_memory() -> None:
    """Hand the memory of the pages just written back to the system before mkdocs needs its own.

    CPython frees the pages' strings to the C allocator, which keeps them for reuse rather than
    returning them; glibc's malloc_trim returns them. Elsewhere this does nothing.
    """
    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


@contextmanager
def _lock(data_root: Path, work_dir: Path) -> Iterator[None]:
    """One build of a data root at a time, and one build per work folder.

    flock, not a lock file's existence: the kernel drops the lock when the
    process ends, killed or not, so a stale lock never blocks the next build.
    The data root is locked through its own folder, whichever work folder and
    site the other build writes to.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    lock_path = work_dir / LOCK_NAME
    try:
        root_fd = os.open(data_root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise BuildFailed(f"无法打开数据目录 {data_root}：{exc.strerror}") from None
    try:
        with open(lock_path, "a+") as handle:
            for fd, what in ((root_fd, f"数据目录 {data_root}"), (handle.fileno(), f"工作目录 {work_dir}")):
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = _holder(lock_path) if fd == handle.fileno() else ""
                    raise BuildFailed(f"{what} 正在由另一个构建使用{holder}，请等它结束后再试") from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
    finally:
        os.close(root_fd)  # closing releases the lock


def _holder(lock_path: Path) -> str:
    try:
        pid = lock_path.read_text().strip()
    except OSError:
        return ""
    return f"（进程 {pid}）" if pid.isdigit() else ""
