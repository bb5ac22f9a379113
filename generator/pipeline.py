"""The whole run, left to right: read → validate → archive → render → codes → write → site.

Gather, check, then write: everything is read and validated before anything is
written, so a bad export changes nothing on disk.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.render import changes
from generator.publish import manifest
from generator.publish import outdir
from generator.render import quality
from generator.publish import site
from generator.codes import drawing as qr
from generator.publish import page_cache as pagecache
from generator.publish import search
from generator.model.archive import build_archive
from generator.render.archive_pages import render_archive
from generator.render.changes import ChangeReport
from generator.render.code_files import render_code_files
from generator.publish.code_cache import PendingCodes
from generator.model.records import Archive
from generator.errors import BuildFailed, ExportInvalid, PartlyPublished, Problem, UsageRefused
from generator.read import read_data_root
from generator.model.register import (
    Register,
    parse_register,
    public_register,
    published_codes,
    read_register,
    render_register,
    write_register,
)
from generator.publish.rollback import keep_previous_register
from generator.publish.locks import build_lock
from generator.settings import Settings, load_settings
from generator.render.pages import SiteInfo, make_environment, render_pages
from generator.validate.releases import validate_data_root
from generator.model.withdrawals import withdraw
from generator.publish.writer import OutputTree, write_tree

REGISTER_NAME = "register.csv"
PENDING_NAME = ".portal-publishing"  # in the work folder while a swap's register is not yet written
LOCK_NAME = ".portal-build.lock"

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
    seconds: dict[str, float] = field(default_factory=dict)
    changes: ChangeReport | None = None  # the newest release against the one before it
    files: int = 0  # files listed in SHA256SUMS
    code_base_url: str = ""


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


def check_export(
    data_root: Path, register_path: Path, progress: Progress | _Steps = _quiet, is_sample: bool = False
) -> CheckedExport:
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
    check_site_out(settings)
    try:
        return _build(settings, strict, progress)
    finally:
        gc.unfreeze()  # whatever happened: the next build (in tests, the same process) starts afresh


def check_site_out(settings: Settings) -> None:
    """The output folder must be absent, empty, or a site this tool published: anything else is someone's."""
    site_dir = settings.site_dir
    outdir.refuse_unsafe(site_dir, settings.work_dir, settings.data_root)
    if outdir.is_empty_dir(site_dir) or outdir.read_site_marker(site_dir) is not None:
        return
    # Published before sites were marked: accepted once if it verifies in full, then marked.
    if (site_dir / manifest.MANIFEST_NAME).is_file() and not manifest.verify_site(site_dir)[0]:
        return
    raise UsageRefused(
        f"--out {site_dir} 里已有文件，但不是本工具发布的网站（没有有效的 {outdir.SITE_MARKER}）："
        "为免误删，请指定一个空目录、不存在的目录或本工具发布过的网站目录"
    )


def _build(settings: Settings, strict: bool, progress: Progress) -> BuildReport:
    steps = _Steps(progress, STEP_COUNT)
    site_dir = settings.site_dir
    with build_lock(settings):
        _catch_up_register(settings)
        checked = check_export(settings.data_root, settings.register_path, steps, settings.sample_data)
        if not checked.is_valid(strict):
            raise ExportInvalid(checked.problems)
        _refuse_register_behind_site(settings, checked.register)
        remover = site.remove_previous(site_dir)  # runs while the new site is made
        archive = checked.archive
        _refuse_codes_without_project(archive)
        # The archive lives until the end of the build: the cyclic collector need not scan its
        # millions of objects again at every collection (at 10× the sample that costs minutes).
        gc.freeze()
        base_url = settings.site_url
        code_base = qr.code_base_url(base_url)
        register = checked.register

        code_ids = [code.code_id for code in archive.codes]
        with PendingCodes(code_ids, code_base, settings.code_cache) as drawing:
            # The missing codes are drawn on the other core while the pages render here.
            with steps("render", "生成页面"):
                # Withdrawn pages leave what is shown; their codes stay registered, drawn and answering.
                shown, notices = withdraw(archive, settings.withdrawn)
                site_info = SiteInfo(
                    shown.newest, archive.is_sample, code_base, base_url, settings.content_security_policy
                )
                reports = changes.change_reports(shown, {k: c.first_release for k, c in register.items()})
                complaint_url = settings.complaint_url
                # Besides the data root's bytes, pages show the change reports (which read the
                # register) and the run's warnings: those go into the key as they are.
                key_settings = {
                    "config": json.dumps(settings.mkdocs, sort_keys=True, default=str, ensure_ascii=False),
                    "base_url": base_url,
                    "changes": "".join(changes.report_json(r, code_base) for r in reports),
                    "problems": "\n".join(str(p) for p in checked.problems),
                }
                content_key = pagecache.inputs_key(checked.sources, key_settings)
                rendered = pagecache.load(settings.page_cache, content_key)
                if rendered is None:
                    rendered = _render_content(shown, site_info, checked.problems, reports, complaint_url)
                    env = make_environment()
                    for notice in notices:
                        rendered[notice.rel_path] = env.get_template("withdrawn.md.j2").render(page=notice)
                    pagecache.store(settings.page_cache, content_key, rendered)
                pages = sum(1 for rel_path in rendered if rel_path.endswith(".md"))
                content = OutputTree(settings.content_dir)
                while rendered:  # each page held once: as text until it is added as bytes
                    rel_path, data = rendered.popitem()
                    content.add(rel_path, data)
            with steps("codes", "生成二维码"):
                # The site's SVGs now; the print PNGs are drawn in the background while mkdocs runs.
                for code_id, svg in drawing.svgs().items():
                    content.add(f"assets/qr/{code_id}.svg", svg)
                register_text = render_register(archive.codes, archive.projects, register)
                content.add(manifest.SITE_REGISTER, public_register(register_text))
            with steps("write", "写入 content/"):
                written = write_tree(content)[0]
                del content  # mkdocs reads content/ from disk
                _return_freed_memory()
            staged = site.staging_dir(site_dir)
            shutil.rmtree(staged, ignore_errors=True)  # what an interrupted build left behind
            try:
                with search.SearchIndex(settings.search_cache, settings.search_shard_pages) as index:
                    # Pagefind indexes each page on the other core as soon as mkdocs has converted it.
                    with steps("mkdocs", "构建站点（mkdocs，同时编制搜索索引）"):
                        site.run_mkdocs(
                            settings,
                            staged,
                            archive.newest.published,
                            plugins={"portal-search": search.indexing_plugin(index)},
                        )
                    with steps("search", "写入搜索索引（Pagefind）"):
                        index.finish(staged)
                with steps("manifest", "计算校验和 SHA256SUMS，核对每个二维码都有页面"):
                    manifest_text = manifest.write_manifest(staged)
                    files = manifest_text.count("\n")
                    # verify's check, on the staged site: no registered code may lose its page.
                    missing, _, _ = manifest.verify_site(staged)
                    if missing:
                        raise BuildFailed("暂存的网站未通过核对：\n" + "\n".join(str(p) for p in missing))
                    marker_text = outdir.site_marker(manifest_text, register_text)
                    (staged / outdir.SITE_MARKER).write_text(marker_text, encoding="utf-8")
                with steps("print", "准备印刷用二维码 qr/"):
                    images = drawing.result()
                    drawing.prune()
                    printed = OutputTree(settings.qr_dir)
                    for code in archive.codes:
                        printed.add(f"{code.code_id}.svg", images[code.code_id].svg)
                        printed.add(f"{code.code_id}.png", images[code.code_id].png)
                    # Before the swap: a code's images never change, and a sign maker must find
                    # every published code's images the moment its page is live.
                    written += write_tree(printed, keep=("README.md", REGISTER_NAME))[0]
            except BaseException:
                shutil.rmtree(staged, ignore_errors=True)
                raise
        with steps("publish", f"发布到 {site_dir}"):
            remover.join()
            # Said before the swap: should this process die between the swap and the register's
            # write, the next build here knows the published register is this folder's own.
            pending = settings.work_dir / PENDING_NAME
            pending.write_text(register_text, encoding="utf-8")
            unfinished: list[str] = []
            try:
                site.publish(staged, site_dir)
            except BaseException as exc:
                if not _is_live(site_dir, marker_text):
                    raise  # the swap did not happen: the published site is the old one, whole
                unfinished.append(f"替换下来的旧网站未能移到 {site.previous_dir(site_dir)}（{_reason(exc)}）")
            # From here on the new site is live: whatever fails now is said as such.
            try:
                keep_previous_register(settings)
                write_register(settings.register_path, register_text)
                pending.unlink()
            except BaseException as exc:
                unfinished.append(
                    f"二维码登记册 {settings.register_path} 未能写入（{_reason(exc)}），下次在本工作目录构建时会补上"
                )
            if unfinished:
                raise PartlyPublished(f"网站已发布到 {site_dir}，但：" + "；".join(unfinished))
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


def _is_live(site_dir: Path, marker_text: str) -> bool:
    try:
        return (site_dir / outdir.SITE_MARKER).read_text(encoding="utf-8") == marker_text
    except (OSError, UnicodeDecodeError):
        return False


def _reason(exc: BaseException) -> str:
    return "已中断" if isinstance(exc, KeyboardInterrupt) else str(exc) or type(exc).__name__


def _catch_up_register(settings: Settings) -> None:
    """A build here stopped between the swap and the register's write: write the register it published."""
    pending = settings.work_dir / PENDING_NAME
    try:
        text = pending.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    marker = outdir.read_site_marker(settings.site_dir)
    if marker is not None and marker.get("register_sha256") == outdir.sha256_text(text):
        keep_previous_register(settings)
        write_register(settings.register_path, text)
    pending.unlink()  # the swap never happened, or the register is now the published one's


def _refuse_register_behind_site(settings: Settings, register: Register) -> None:
    """Another work folder published this site: its register must hold every published code as published.

    check_site_out has made sure the site is ours (marked, or a verified legacy site), so its copy
    of the register is the truth about what its signs say.
    """
    copy = settings.site_dir / manifest.SITE_REGISTER
    try:
        text = copy.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildFailed(f"无法读取已发布网站的二维码登记册 {copy}：{exc}") from None
    site_codes, _ = parse_register(text, str(copy))
    differing = sorted(
        code.code_id
        for key, code in site_codes.items()
        if key not in register
        or register[key].code_id != code.code_id
        or register[key].project_id.casefold() != code.project_id.casefold()
    )
    if differing:
        shown = "、".join(differing[:10]) + (f" 等 {len(differing)} 个" if len(differing) > 10 else "")
        raise BuildFailed(
            f"{settings.site_dir} 已发布的二维码 {shown} 在本工作目录的登记册 {settings.register_path} 中"
            "缺失，或写法、所属项目不同：该网站是用另一个工作目录构建的。请在构建它的原工作目录中构建"
            "（那里的 qr/register.csv 是完整的登记册）"
        )


def _refuse_codes_without_project(archive: Archive) -> None:
    projects = {record.project.key for record in archive.projects}
    orphans = sorted(code.code_id for code in archive.codes if code.project_id.casefold() not in projects)
    if orphans:
        raise BuildFailed(
            f"二维码 {'、'.join(orphans)} 已发布，但数据目录中已没有它们的项目，登记册（旧格式）也没有保存项目记录："
            "请把列出这些项目的发布文件夹放回数据目录后再构建"
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
