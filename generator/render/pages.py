"""Render the archive into the Markdown pages of `content/`, one jinja2 template per page type.

Each page type has a small context dataclass; templates read only its fields
and `site`. Every value a template prints is escaped by `markup.finalize`
unless it is a `Markup` made here from checked parts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable
from urllib.parse import quote

from markupsafe import Markup

from generator.validate.lookalikes import facet_key
from generator.render.environment import make_environment
from generator.render.site_info import SiteInfo
from generator.model.records import (
    Archive,
    BulletinRecord,
    Case,
    CodeRecord,
    ProjectRecord,
    Release,
    WindowCodeRecord,
    WindowRecord,
)
from generator.errors import BuildFailed
from generator.render.progress_chart import progress_chart
from generator.contract.schema import STATUSES
from generator import urls

if TYPE_CHECKING:
    from generator.render.changes import ProjectHistoryEntry


@dataclass(frozen=True)
class HomePage:
    """The home page: headline counts of the newest release and the latest bulletins."""

    project_count: int  # projects of the newest release
    code_count: int  # their codes
    status_counts: tuple[tuple[str, int], ...]  # (status, projects) in the contract's order
    region_counts: tuple[tuple[str, int], ...]  # (region, projects), most first
    latest_bulletins: tuple[BulletinRecord, ...]  # the newest bulletins, newest first
    bulletin_count: int  # bulletins in the archive
    case_count: int  # cases in the archive
    window_count: int = 0  # service windows in the newest release
    window_code_count: int = 0  # their codes


@dataclass(frozen=True)
class ProjectIndexPage:
    """All current projects grouped by region and by status, and the dropped ones."""

    by_region: tuple[tuple[str, tuple[ProjectRecord, ...]], ...]  # (region, its current projects)
    by_status: tuple[tuple[str, tuple[ProjectRecord, ...]], ...]  # (status, its current projects)
    dropped: tuple[ProjectRecord, ...]  # projects a later release no longer lists; their pages stay


@dataclass(frozen=True)
class ProjectPage:
    """A project's page, or a code's copy of it that names the scanned sign."""

    record: ProjectRecord  # the project as the archive holds it, with its codes and history
    scanned: CodeRecord | None  # set on a code's page: the sign that was scanned
    cases: tuple[tuple[BulletinRecord, Case], ...]  # cases that name this project
    complaint_url: Markup  # the platform's complaint entry with project and code filled in
    is_overdue: bool  # planned completion passed (at the release date) and not completed
    investment_share: int | None  # completed against total, whole percent
    chart: Markup | None  # the history drawn as SVG (_progress_chart.svg.j2); None when nothing to draw
    source_release: Release | None  # the release the shown data were last published in; None: kept by the register only
    changes: tuple[ProjectHistoryEntry, ...] = ()  # releases in which it was added, changed, dropped


@dataclass(frozen=True)
class LookupPage:
    """Every code with its project, for people typing the number under a damaged code."""

    codes: tuple[tuple[CodeRecord, ProjectRecord], ...]  # (code, its project), by code id
    window_codes: tuple[tuple[WindowCodeRecord, WindowRecord], ...] = ()  # (code, its window), by code id

    @property
    def example(self) -> str:
        """A real code, shown as the form's placeholder."""
        return self.codes[0][0].code_id if self.codes else ""


@dataclass(frozen=True)
class BulletinIndexPage:
    """The bulletin archive, newest first."""

    bulletins: tuple[BulletinRecord, ...]  # every bulletin, newest first


@dataclass(frozen=True)
class BulletinPage:
    """One bulletin with its cases in order, and its earlier texts when corrected."""

    record: BulletinRecord  # the bulletin's current text, and the earlier ones


@dataclass(frozen=True)
class ReleaseIndexPage:
    """Every release of the data root, newest first."""

    releases: tuple[Release, ...]  # newest first


@dataclass(frozen=True)
class ReleasePage:
    """One release: its notes, counts and source files."""

    release: Release  # the release as exported


def fill_complaint_url(template: str, project_id: str, code_id: str, window_id: str = "") -> str:
    """The configured complaint entry with the ids filled in, each percent-encoded for the query.

    A project's page leaves `{window_id}` empty, a window's page `{project_id}`."""
    try:
        filled = template.format(
            project_id=quote(project_id, safe=""), code_id=quote(code_id, safe=""), window_id=quote(window_id, safe="")
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise BuildFailed(
            f"mkdocs.yml 的 extra.complaint_url 无法填写（{exc!r}）：只能含 {{project_id}}、{{window_id}} 和 {{code_id}} 三个占位符"
        ) from None
    # The link is written in Markdown and HTML as it is: it must be one plain http(s) URL.
    if filled and not re.fullmatch(r"https?://[^\s<>\"'()\[\]`]+", filled):
        raise BuildFailed(f"mkdocs.yml 的 extra.complaint_url 不是有效的 http(s) 网址：{template}")
    return filled


def render_pages(
    archive: Archive,
    site: SiteInfo,
    complaint_url: str,
    emit_file: Callable[[str, bytes], None],
    project_changes: dict[str, tuple[ProjectHistoryEntry, ...]] | None = None,
) -> None:
    """Every page of content/ but the case archive's, by path relative to it, each handed to `emit_file`.

    As UTF-8 bytes: a page of Chinese text as a Python string takes two bytes a character, markup
    included.
    """
    env = make_environment()

    def emit(rel_path: str, template: str, page: object) -> None:
        emit_file(rel_path, env.get_template(template).render(page=page, site=site).encode("utf-8"))

    current = [r for r in archive.projects if r.is_current]
    emit("index.md", "home.md.j2", _home(archive, current))
    emit("projects/index.md", "projects.md.j2", _project_index(archive, current))
    by_key = {r.project.key: r for r in archive.projects}
    project_pages = _ProjectPages(archive, site, complaint_url, project_changes or {})
    for record in archive.projects:
        emit(urls.page_source(urls.PROJECTS, record.project_id), "project.md.j2", project_pages.page(record, None))
    for code in archive.codes:
        page = project_pages.page(by_key[code.project_id.casefold()], code)
        emit(urls.page_source(urls.CODES, code.code_id), "project.md.j2", page)
    windows = {r.window.key: r for r in archive.windows}
    emit(
        "lookup.md",
        "lookup.md.j2",
        LookupPage(
            tuple((c, by_key[c.project_id.casefold()]) for c in archive.codes),
            tuple((c, windows[c.window_id.casefold()]) for c in archive.window_codes),
        ),
    )
    emit(f"{urls.BULLETINS}/index.md", "bulletins.md.j2", BulletinIndexPage(archive.bulletins))
    for bulletin in archive.bulletins:
        # Case pages, with their facet and project links, are rendered by `archive_pages`.
        emit(urls.page_source(urls.BULLETINS, bulletin.bulletin.bulletin_id), "bulletin.md.j2", BulletinPage(bulletin))
    if site.is_sample:
        emit(f"{urls.SAMPLE_COMPLAINT}.md", "sample_complaint.md.j2", None)
    emit(f"{urls.RELEASES}/index.md", "releases.md.j2", ReleaseIndexPage(tuple(reversed(archive.releases))))
    for release in archive.releases:
        emit(f"{urls.RELEASES}/{release.release_id}.md", "release.md.j2", ReleasePage(release))


class _ProjectPages:
    """A project's page context, for its own page and each of its codes' copies."""

    def __init__(
        self,
        archive: Archive,
        site: SiteInfo,
        complaint_url: str,
        project_changes: dict[str, tuple[ProjectHistoryEntry, ...]],
    ) -> None:
        self.site = site
        self.complaint_url = complaint_url
        self.project_changes = project_changes
        self.cases_by_project = cases_naming_projects(archive)
        self.releases = {r.release_id: r for r in archive.releases}
        self.charts: dict[str, Markup | None] = {}
        self.chart_template = make_environment().get_template("_progress_chart.svg.j2")

    def chart(self, record: ProjectRecord) -> Markup | None:
        """The project's chart, drawn once for its page and every code page that copies it."""
        if record.project.key not in self.charts:
            chart = progress_chart(record.history, record.project.total_investment)
            # The template's output is escaped by finalize as it renders: a trusted fragment.
            self.charts[record.project.key] = Markup(self.chart_template.render(chart=chart)) if chart else None
        return self.charts[record.project.key]

    def page(self, record: ProjectRecord, code: CodeRecord | None) -> ProjectPage:
        p = record.project
        filled = fill_complaint_url(self.complaint_url, p.project_id, code.code_id if code else "")
        share = None
        if p.completed_investment is not None and p.total_investment > 0:
            share = min(100, int(p.completed_investment * 100 / p.total_investment))
        newest = self.site.newest.published
        return ProjectPage(
            record=record,
            scanned=code,
            cases=self.cases_by_project.get(p.key, ()),
            complaint_url=Markup(filled),  # a setting of ours, filled with checked ids
            is_overdue=bool(p.planned_completion and p.status != "竣工" and p.planned_completion < newest),
            investment_share=share,
            chart=self.chart(record),
            source_release=self.releases.get(record.last_release),
            changes=self.project_changes.get(p.key, ()),
        )


def _home(archive: Archive, current: list[ProjectRecord]) -> HomePage:
    return HomePage(
        project_count=len(current),
        code_count=sum(1 for c in archive.codes if c.is_current),
        status_counts=_counts(current, lambda r: r.project.status, STATUSES),
        region_counts=_counts(current, lambda r: facet_key(r.project.region)),
        latest_bulletins=archive.bulletins[:5],
        bulletin_count=len(archive.bulletins),
        case_count=sum(len(b.bulletin.cases) for b in archive.bulletins),
        window_count=sum(1 for w in archive.windows if w.is_current),
        window_code_count=sum(1 for c in archive.window_codes if c.is_current),
    )


def _counts(
    records: list[ProjectRecord], key: Callable[[ProjectRecord], str], order: tuple[str, ...] | None = None
) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[key(record)] += 1
    names = [n for n in order if n in counts] if order else sorted(counts)
    return tuple((name, counts[name]) for name in names)


def _project_index(archive: Archive, current: list[ProjectRecord]) -> ProjectIndexPage:
    def grouped(
        key: Callable[[ProjectRecord], str], order: tuple[str, ...] | None = None
    ) -> tuple[tuple[str, tuple[ProjectRecord, ...]], ...]:
        groups: dict[str, list[ProjectRecord]] = defaultdict(list)
        for record in current:
            groups[key(record)].append(record)
        names = [n for n in order if n in groups] if order else sorted(groups)
        return tuple((name, tuple(groups[name])) for name in names)

    return ProjectIndexPage(
        by_region=grouped(lambda r: facet_key(r.project.region)),
        by_status=grouped(lambda r: r.project.status, STATUSES),
        dropped=tuple(r for r in archive.projects if not r.is_current),
    )


def cases_naming_projects(archive: Archive) -> dict[str, tuple[tuple[BulletinRecord, Case], ...]]:
    """Cases whose title or text names a project of the portal by its id or its exact name."""
    # An id counts where a whole run of id characters equals it: one set lookup per run, where an
    # alternation of every id would cost time in proportion to the number of projects at each character.
    ids = {r.project.key for r in archive.projects}
    # A name is looked up whole, once per length that names starting with these characters have:
    # the work per character is bounded by the number of name lengths, not of projects, so the
    # search stays linear as the data grows (many names share their first characters).
    by_name: dict[str, list[ProjectRecord]] = defaultdict(list)
    lengths: dict[str, set[int]] = defaultdict(set)
    for record in archive.projects:
        name = record.project.name
        if len(name) >= _NAME_PREFIX:
            by_name[name].append(record)
            lengths[name[:_NAME_PREFIX]].add(len(name))
    found: dict[str, list[tuple[BulletinRecord, Case]]] = defaultdict(list)
    for bulletin in archive.bulletins:
        for case in bulletin.bulletin.cases:
            text = f"{case.title}\n{case.text}"
            keys = {run.casefold() for run in _ID_RUN.findall(text) if run.casefold() in ids}
            for start in range(len(text) - _NAME_PREFIX + 1):
                for length in lengths.get(text[start : start + _NAME_PREFIX], ()):
                    for candidate in by_name.get(text[start : start + length], ()):
                        keys.add(candidate.project.key)
            for key in sorted(keys):
                found[key].append((bulletin, case))
    return {key: tuple(value) for key, value in found.items()}


_NAME_PREFIX = 4
_ID_RUN = re.compile(r"[A-Za-z0-9-]+")  # ids are ASCII by contract and match whatever their case
