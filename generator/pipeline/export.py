"""The export half of a build: read → validate → model → render, ending with content/ written.

`check_export` is steps 1 and 2 of every command. A build runs the whole half
in a child process (`render_export`, forked by build.py): the archive and
everything rendered from it stay there, and what the rest of the build needs
comes home as a few small messages, so that mkdocs starts from a process that
never held the archive (publish/forked.py says why that matters).
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.errors import ExportInvalid, Problem
from generator.model.archive import build_archive, check_codes_have_projects
from generator.model.records import Archive
from generator.model.register import Register, published_codes, read_register, render_register
from generator.model.withdrawals import withdraw
from generator.pipeline.steps import Progress, Steps, quiet
from generator.publish import manifest
from generator.publish import page_cache as pagecache
from generator.publish.forked import Send
from generator.publish.register_file import public_register, refuse_register_behind_site
from generator.publish.writer import StreamingTree
from generator.read import read_data_root
from generator.render import changes
from generator.render.changes import ChangeReport
from generator.render.site_content import render_content
from generator.render.site_info import SiteInfo
from generator.settings import Settings
from generator.validate.releases import validate_data_root
from generator import urls


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


def check_export(
    data_root: Path, register_path: Path, progress: Progress | Steps = quiet, is_sample: bool = False
) -> CheckedExport:
    """Steps 1 and 2, for every command: the export read and validated, folded into the archive."""
    steps = progress if isinstance(progress, Steps) else Steps(progress, 2)
    with steps("read", "读取导出数据"):
        raw = read_data_root(data_root)
        register, register_problems = read_register(register_path)
    with steps("validate", "校验导出数据"):
        releases, problems = validate_data_root(raw, published_codes(register))
        problems = tuple(register_problems) + problems
        if any(p.is_error for p in problems) or not releases:
            return CheckedExport(None, problems, sources=raw.sources)
        return CheckedExport(build_archive(releases, is_sample, register), problems, register, raw.sources)


@dataclass(frozen=True)
class ProgressLine:
    line: str


@dataclass(frozen=True)
class CodesToDraw:
    """Sent once the export is valid: the codes can be drawn while the pages render."""

    code_ids: tuple[str, ...]  # every code the site answers for: projects' signs and windows' cards
    code_base: str


@dataclass(frozen=True)
class Counts:
    """What the build's last line says of the release published."""

    release_id: str
    projects: int  # records, current or not
    current_projects: int
    codes: int
    current_codes: int
    windows: int
    current_windows: int
    current_window_codes: int
    bulletins: int
    cases: int


@dataclass(frozen=True)
class ExportRendered:
    """Sent at the end: content/ is written but for the codes' images, which the parent adds."""

    problems: tuple[Problem, ...]
    pages: int
    written: int
    register_text: str
    changes: ChangeReport  # the newest release against the one before it
    data_date: date  # the newest release's publication date, the site's only date
    counts: Counts
    steps_done: int
    seconds: dict[str, float]
    archive: Archive | None  # only when the caller asked for it: it is large


def render_export(settings: Settings, strict: bool, total_steps: int, keep_archive: bool, send: Send) -> None:
    """The export half of a build, its progress and results sent home (in a child process)."""
    steps = Steps(lambda line: send(ProgressLine(line)), total_steps)
    checked = check_export(settings.data_root, settings.register_path, steps, settings.sample_data)
    if not checked.is_valid(strict) or checked.archive is None:
        raise ExportInvalid(checked.problems)
    refuse_register_behind_site(settings, checked.register)
    archive = checked.archive
    check_codes_have_projects(archive)
    # The cyclic collector need not scan the archive's millions of objects again at every
    # collection (at 10× the sample that costs minutes): it lives as long as this process.
    gc.freeze()
    code_ids = tuple(sorted([c.code_id for c in archive.codes] + [c.code_id for c in archive.window_codes]))
    code_base = urls.code_base_url(settings.site_url)
    send(CodesToDraw(code_ids, code_base))
    with steps("render", "生成页面"):
        content, reports = _render(settings, checked, archive, code_base)
        register_text = render_register(
            archive.codes, archive.projects, checked.register, archive.window_codes, archive.windows
        )
        content.add(manifest.SITE_REGISTER, public_register(register_text))
    with steps("write", "写入 content/"):
        # The stale files go: every other one was written as it came, the codes' images are to come.
        content.finish(keep=tuple(urls.code_image(code_id) for code_id in code_ids))
    send(
        ExportRendered(
            problems=checked.problems,
            pages=sum(1 for rel_path in content.names if rel_path.endswith(".md")),
            written=content.written,
            register_text=register_text,
            changes=reports[-1],
            data_date=archive.newest.published,
            counts=_counts(archive),
            steps_done=steps.number,
            seconds=steps.seconds,
            archive=archive if keep_archive else None,
        )
    )


def _render(
    settings: Settings, checked: CheckedExport, archive: Archive, code_base: str
) -> tuple[StreamingTree, tuple[ChangeReport, ...]]:
    """content/ rendered, or read back from the page cache when nothing it is made from changed."""
    # Withdrawn pages leave what is shown; their codes stay registered, drawn and answering.
    shown, notices = withdraw(archive, settings.withdrawn)
    site_info = SiteInfo(
        shown.newest,
        archive.is_sample,
        code_base,
        settings.site_url,
        settings.content_security_policy,
        settings.hotline,
    )
    reports = changes.change_reports(shown, {k: c.first_release for k, c in checked.register.items()})
    # Besides the data root's bytes, pages show the change reports (which read the register)
    # and the run's warnings: those go into the key as they are.
    key_settings = {
        "config": json.dumps(settings.mkdocs, sort_keys=True, default=str, ensure_ascii=False),
        "base_url": settings.site_url,
        "changes": "".join(changes.report_json(r, code_base) for r in reports),
        "problems": "\n".join(str(p) for p in checked.problems),
    }
    pagecache.remove_retired(settings.cache_dir)
    content_key = pagecache.inputs_key(checked.sources, key_settings)
    # Each file goes to content/ as it is made or read back, never all held at once.
    content = StreamingTree(settings.content_dir)
    problems, complaint_url = checked.problems, settings.complaint_url
    pagecache.fill(
        content,
        settings.page_cache,
        content_key,
        lambda emit: render_content(shown, site_info, problems, reports, complaint_url, notices, emit),
    )
    return content, reports


def _counts(archive: Archive) -> Counts:
    return Counts(
        release_id=archive.newest.release_id,
        projects=len(archive.projects),
        current_projects=sum(r.is_current for r in archive.projects),
        codes=len(archive.codes),
        current_codes=sum(c.is_current for c in archive.codes),
        windows=len(archive.windows),
        current_windows=sum(w.is_current for w in archive.windows),
        current_window_codes=sum(c.is_current for c in archive.window_codes),
        bulletins=len(archive.bulletins),
        cases=sum(len(b.bulletin.cases) for b in archive.bulletins),
    )
