"""Render the case archive's own files: case pages, facet pages, statistics, data and search pages, feeds, downloads.

Everything here is rendered from the archive before anything is written; the
pipeline adds the files to content/ next to the pages of `render`, so mkdocs
copies feeds, downloads and charts into the site as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


from generator.render import charts
from generator.render import downloads
from generator.render import feeds
from generator.render import oc4ids
from generator.render.facets import (
    CaseEntry,
    Facet,
    FacetValue,
    build_facets,
    case_entries,
    disposition_kinds,
    facet_value_of,
)
from generator.model.records import Archive, BulletinRecord, Case, ProjectRecord
from generator.render.environment import make_environment
from generator.render.pages import cases_naming_projects
from generator.render.search_index import SearchIndexInfo, render_search_index
from generator.render.site_info import SiteInfo
from generator import urls
from generator.render.window_downloads import WINDOW_FEED_PATH, build_window_downloads


@dataclass(frozen=True)
class CasePage:
    """One case of a bulletin, with the facets it belongs to and the projects it names."""

    record: BulletinRecord  # the bulletin the case is in, as the archive holds it
    case: Case  # the case itself
    position_in_bulletin: int  # 1-based
    month: FacetValue  # the facet value of the bulletin's month
    region: FacetValue  # the facet value of the case's region
    category: FacetValue  # the facet value of its negative-list category
    kinds: tuple[FacetValue, ...]  # the disposition kinds its disposition names
    projects: tuple[ProjectRecord, ...]  # projects the case names by id or exact name
    region_feed: str  # site-relative path of the feed of the case's region
    category_feed: str  # site-relative path of the feed of the case's category


@dataclass(frozen=True)
class BrowsePage:
    """The case archive browsed by facet (month, region, category, disposition)."""

    facets: tuple[Facet, ...]  # every facet with its values and counts
    case_count: int  # cases in the archive


@dataclass(frozen=True)
class FacetPage:
    """The cases of one facet value, e.g. every case of one region."""

    facet: Facet  # the facet (month, region, category or disposition kind)
    value: FacetValue  # the value, with its cases
    feed: str | None  # site-relative path of this value's Atom feed, when it has one


@dataclass(frozen=True)
class SearchPage:
    """The search page: its box, the filters of the cases, and where its script finds the index."""

    index: SearchIndexInfo  # the index's folder, shard count, documents per kind, the filters' values


@dataclass(frozen=True)
class ChartSection:
    chart: charts.BarChart
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class StatsPage:
    """Counts and charts of the whole bulletin archive."""

    bulletin_count: int  # bulletins in the archive
    case_count: int  # cases in the archive
    first_published: object  # date of the oldest bulletin, None without bulletins
    last_published: object  # date of the newest bulletin, None without bulletins
    corrected_count: int  # bulletins a later release corrected
    charts: tuple[ChartSection, ...]  # the bar charts, each with its table


@dataclass(frozen=True)
class DataPage:
    """The downloads page: every file, its licence, and how to read its columns."""

    downloads: tuple[downloads.Download, ...]  # every download with its name, format and columns
    licence_name: str  # the open licence the data are published under
    licence_url: str  # its text
    list_separator: str  # how list cells of the CSV files separate their items
    status_codes: tuple[tuple[str, str], ...]  # project status → OC4IDS status code
    party_roles: tuple[tuple[str, tuple[str, ...]], ...]  # project role → OC4IDS party roles
    feeds: tuple[tuple[str, str], ...]  # (title, site-relative path)
    has_windows: bool = False  # the service windows' figures are defined on the page


class _Files:
    """The archive's files handed on as they are made; one path is never given twice."""

    def __init__(self, site: SiteInfo, emit: Callable[[str, str | bytes], None]) -> None:
        self.site = site
        self.env = make_environment()
        self.emit = emit
        self.names: set[str] = set()

    def add(self, rel_path: str, data: str | bytes) -> None:
        if rel_path in self.names:
            raise ValueError(f"two files for {rel_path}")
        self.names.add(rel_path)
        self.emit(rel_path, data)

    def page(self, rel_path: str, template: str, context: object) -> None:
        self.add(rel_path, self.env.get_template(template).render(page=context, site=self.site))


def render_archive(archive: Archive, site: SiteInfo, emit: Callable[[str, str | bytes], None]) -> None:
    """Every file of the case archive (Markdown pages, XML, SVG, CSV, JSON), each handed to `emit` by its path."""
    out = _Files(site, emit)
    facets = build_facets(archive)
    entries = case_entries(archive)
    naming = cases_naming_projects(archive)
    projects_by_key = {r.project.key: r for r in archive.projects}
    projects_of_case: dict[str, list[str]] = {}
    for project_key, found in sorted(naming.items()):
        for _, case in found:
            projects_of_case.setdefault(case.case_id.casefold(), []).append(projects_by_key[project_key].project_id)
    for entry in entries:
        context = _case_page(entry, facets, projects_of_case, projects_by_key)
        out.page(urls.page_source(urls.CASES, entry.case_id), "case.md.j2", context)
    out.page("facets/index.md", "browse.md.j2", BrowsePage(facets, len(entries)))
    for facet in facets:
        for value in facet.values:
            feed = feeds.feed_path(facet.key, value) if facet.key in feeds.FEED_FACETS else None
            out.page(f"facets/{facet.key}/{value.slug}.md", "facet.md.j2", FacetPage(facet, value, feed))
    for rel_path, xml in feeds.render_feeds(archive, site, facets).items():
        out.add(rel_path, xml)
    _stats(out, archive, facets, len(entries))
    cases_of_project = {key: tuple(case.case_id for _, case in found) for key, found in naming.items()}
    _data(out, archive, facets, {key: tuple(ids) for key, ids in projects_of_case.items()}, cases_of_project)
    index_files, index_info = render_search_index(archive, facets)
    for rel_path, data in index_files.items():
        out.add(rel_path, data)
    out.page("search.md", "search.md.j2", SearchPage(index_info))


def _stats(out: _Files, archive: Archive, facets: tuple[Facet, ...], case_count: int) -> None:
    """The statistics page and its charts."""
    sections = []
    for facet, name, title in (
        (_facet(facets, "month"), "cases-by-month", "每月通报案例数"),
        (_facet(facets, "region"), "cases-by-region", "各地区案例数"),
        (_facet(facets, "category"), "cases-by-category", "各类问题案例数"),
        (_facet(facets, "kind"), "cases-by-kind", "各处理方式案例数"),
    ):
        values = tuple(reversed(facet.values)) if facet.key == "month" else facet.values  # months oldest first
        counts = tuple((value.label, len(value.entries)) for value in values)
        chart = charts.bar_chart(name, title, counts)
        out.add(chart.rel_path, charts.render_chart(chart))
        sections.append(ChartSection(chart, counts))
    dates = [record.bulletin.published for record in archive.bulletins]
    stats = StatsPage(
        bulletin_count=len(archive.bulletins),
        case_count=case_count,
        first_published=min(dates, default=None),
        last_published=max(dates, default=None),
        corrected_count=sum(1 for record in archive.bulletins if record.is_corrected),
        charts=tuple(sections),
    )
    out.page("stats.md", "stats.md.j2", stats)


def _data(
    out: _Files,
    archive: Archive,
    facets: tuple[Facet, ...],
    projects_of_case: dict[str, tuple[str, ...]],
    cases_of_project: dict[str, tuple[str, ...]],
) -> None:
    """The downloads and the page that explains them."""
    made = downloads.build_downloads(archive, out.site, projects_of_case, cases_of_project, out.add)
    package = oc4ids.build_package(archive, out.site)
    made += (
        downloads.offer(out.add, "projects-oc4ids.json", "重大项目（OC4IDS 0.9 项目数据包）", "JSON", (), package),
    )
    del package
    made += build_window_downloads(archive, out.site, out.add)
    region_feeds = tuple(
        (f"{facet.field_name}：{value.label}", feeds.feed_path(facet.key, value))
        for facet in facets
        if facet.key in feeds.FEED_FACETS
        for value in facet.values
    )
    data_page = DataPage(
        downloads=made,
        licence_name=downloads.LICENCE_NAME,
        licence_url=downloads.LICENCE_URL,
        list_separator=downloads.LIST_SEPARATOR,
        status_codes=tuple(oc4ids.STATUS_CODES.items()),
        party_roles=oc4ids.PARTY_ROLES,
        feeds=(
            ("全部典型案例通报", feeds.ALL_BULLETINS_PATH),
            ("本期更新", feeds.CHANGES_PATH),
            *region_feeds,
            *((("服务窗口每月反映办理情况", WINDOW_FEED_PATH),) if archive.windows else ()),
        ),
        has_windows=bool(archive.windows),
    )
    out.page(f"{urls.DATA}/index.md", "data.md.j2", data_page)


def _facet(facets: tuple[Facet, ...], key: str) -> Facet:
    return next(facet for facet in facets if facet.key == key)


def _case_page(
    entry: CaseEntry,
    facets: tuple[Facet, ...],
    projects_of_case: dict[str, list[str]],
    projects_by_key: dict[str, ProjectRecord],
) -> CasePage:
    case, record = entry.case, entry.record
    published = record.bulletin.published
    region = facet_value_of(facets, "region", case.region)
    category = facet_value_of(facets, "category", case.category)
    return CasePage(
        record=record,
        case=case,
        position_in_bulletin=record.bulletin.cases.index(case) + 1,
        month=facet_value_of(facets, "month", f"{published.year}年{published.month}月"),
        region=region,
        category=category,
        kinds=tuple(facet_value_of(facets, "kind", label) for label, _ in disposition_kinds(case.disposition)),
        projects=tuple(projects_by_key[pid.casefold()] for pid in projects_of_case.get(case.case_id.casefold(), ())),
        region_feed=feeds.feed_path("region", region),
        category_feed=feeds.feed_path("category", category),
    )
