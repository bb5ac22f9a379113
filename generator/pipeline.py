"""The whole run, left to right: read → validate → archive → render → codes → write → site.

Gather, check, then write: everything is read and validated before anything is
written, so a bad export changes nothing on disk.
"""

from __future__ import annotations

import fcntl
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import codes as qr
from . import pagecache, site
from .archive import build_archive
from .codestore import PendingCodes
from .model import Archive
from .problems import BuildFailed, ExportInvalid, Problem
from .readers import read_data_root
from .register import read_register, render_register
from .render import SiteInfo, render_pages
from .validate import validate_data_root
from .writer import OutputTree, write_tree

REGISTER_NAME = "register.csv"
LOCK_NAME = ".portal-build.lock"
CODE_CACHE = ".cache/qr"  # under the work folder: drawn QR images by content key (codestore.py)
PAGE_CACHE = ".cache/pages.json"  # the last build's pages with the key of their inputs (pagecache.py)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckedExport:
    archive: Archive | None  # None when the export has errors
    problems: tuple[Problem, ...]

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


def check_export(data_root: Path, register_path: Path) -> CheckedExport:
    raw = read_data_root(data_root)
    register, register_problems = read_register(register_path)
    releases, problems = validate_data_root(raw, register)
    problems = tuple(register_problems) + problems
    if any(p.is_error for p in problems) or not releases:
        return CheckedExport(None, problems)
    return CheckedExport(build_archive(releases, raw.is_sample), problems)


def build(
    data_root: Path,
    site_dir: Path,
    work_dir: Path,
    base_url: str | None = None,
    strict: bool = False,
    progress: Progress = lambda step: None,
) -> BuildReport:
    seconds: dict[str, float] = {}
    with _lock(data_root, work_dir), _timed(seconds, "validate", progress, "读取并校验导出数据"):
        register_path = work_dir / "qr" / REGISTER_NAME
        checked = check_export(data_root, register_path)
        if not checked.is_valid(strict):
            raise ExportInvalid(checked.problems)
        archive = checked.archive
    base_url = base_url or site.configured_site_url()
    if not base_url.endswith("/"):
        base_url += "/"
    code_base = qr.code_base_url(base_url)
    extra = site.configured_extra()

    code_ids = [code.code_id for code in archive.codes]
    with _lock(data_root, work_dir), PendingCodes(code_ids, code_base, work_dir / CODE_CACHE) as drawing:
        # The missing codes are drawn on the other cores while the pages render here.
        with _timed(seconds, "render", progress, "生成页面"):
            site_info = SiteInfo(archive.newest, archive.is_sample, code_base, base_url)
            complaint_url = extra.get("complaint_url", "")
            pages_key = pagecache.inputs_key(data_root, {"base_url": base_url, "complaint_url": complaint_url})
            pages = pagecache.load(work_dir / PAGE_CACHE, pages_key)
            if pages is None:
                pages = render_pages(archive, site_info, complaint_url)
                pagecache.store(work_dir / PAGE_CACHE, pages_key, pages)
            content = OutputTree(work_dir / "content")
            for rel_path, text in pages.items():
                content.add(rel_path, text)
        with _timed(seconds, "codes", progress, "生成二维码"):
            printed = OutputTree(work_dir / "qr")
            images = drawing.result()
            drawing.prune()
            for code in archive.codes:
                image = images[code.code_id]
                printed.add(f"{code.code_id}.svg", image.svg)
                printed.add(f"{code.code_id}.png", image.png)
                content.add(f"assets/qr/{code.code_id}.svg", image.svg)
            register, _ = read_register(register_path)
            printed.add(REGISTER_NAME, render_register(archive.codes, register))
        with _timed(seconds, "write", progress, "写入 content/ 与 qr/"):
            written = write_tree(content)[0] + write_tree(printed, keep=("README.md",))[0]
        with _timed(seconds, "mkdocs", progress, "构建站点（mkdocs）"):
            staged = site.staging_dir(site_dir)
            shutil.rmtree(staged, ignore_errors=True)
            try:
                site.run_mkdocs(work_dir / "content", staged, base_url, archive.is_sample, archive.newest.published)
            except BaseException:
                shutil.rmtree(staged, ignore_errors=True)
                raise
            site.publish(staged, site_dir)
    return BuildReport(
        archive=archive,
        problems=checked.problems,
        pages=len(pages),
        codes=len(archive.codes),
        written=written,
        site_dir=site_dir,
        seconds=seconds,
    )


@contextmanager
def _timed(seconds: dict[str, float], step: str, progress: Progress, label: str) -> Iterator[None]:
    progress(label)
    start = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - start


@contextmanager
def _lock(data_root: Path, work_dir: Path) -> Iterator[None]:
    """One build of a data root at a time: a second one stops at once with a clear message."""
    work_dir.mkdir(parents=True, exist_ok=True)
    lock_path = work_dir / LOCK_NAME
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildFailed(f"另一个构建正在进行（锁文件 {lock_path}），请等它结束后再试") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
