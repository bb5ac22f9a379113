"""Render the case archive's own files: case pages, facet pages, statistics, data and search pages, feeds, downloads.

Everything here is rendered from the archive before anything is written; the
pipeline adds the files to content/ next to the pages of `render`, so mkdocs
copies feeds, downloads and charts into the site as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

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
from generator.render.pages import SiteInfo, _cases_naming_projects, make_environment, page_file


@dataclass(frozen=True)
class CasePage:
    record: BulletinRecord
    case: Case
    position_in_bulletin: int  # 1-based
    month: FacetValue
    region: FacetValue
    category: FacetValue
    kinds: tuple[FacetValue, ...]
    projects: tuple[ProjectRecord, ...]  # projects the case names by id or exact name
    region_feed: str  # site-relative path of the feed of the case's region
    category_feed: str


@dataclass(frozen=True)
class BrowsePage:
    facets: tuple[Facet, ...]
    case_count: int


@dataclass(frozen=True)
class FacetPage:
    facet: Facet
    value: FacetValue
    feed: str | None  # site-relative path of this value's Atom feed, when it has one


@dataclass(frozen=True)
class ChartSection:
    chart: charts.BarChart
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class StatsPage:
    bulletin_count: int
    case_count: int
    first_published: object  # date of the oldest bulletin, None without bulletins
    last_published: object
    corrected_count: int
    charts: tuple[ChartSection, ...]


@dataclass(frozen=True)
class DataPage:
    downloads: tuple[downloads.Download, ...]
    licence_name: str
    licence_url: str
    list_separator: str
    status_codes: tuple[tuple[str, str], ...]
    party_roles: tuple[tuple[str, tuple[str, ...]], ...]
    feeds: tuple[tuple[str, str], ...]  # (title, site-relative path)


def render_archive(archive: Archive, site: SiteInfo) -> dict[str, str | bytes]:
    """Every file of the case archive by path relative to content/ (Markdown pages, XML, SVG, CSV, JSON)."""
    env = make_environment()
    env.filters.update(site_path=site_path, const_url=const_url)
    files: dict[str, str | bytes] = {}

    def add(rel_path: str, data: str | bytes) -> None:
        if rel_path in files:
            raise ValueError(f"two files for {rel_path}")
        files[rel_path] = data

    def page(rel_path: str, template: str, context: object) -> None:
        add(rel_path, env.get_template(template).render(page=context, site=site))

    facets = build_facets(archive)
    entries = case_entries(archive)
    naming = _cases_naming_projects(archive)
    projects_by_key = {r.project.key: r for r in archive.projects}
    projects_of_case: dict[str, list[str]] = {}
    for project_key, found in sorted(naming.items()):
        for _, case in found:
            projects_of_case.setdefault(case.case_id.casefold(), []).append(projects_by_key[project_key].project_id)
    cases_of_project = {key: tuple(case.case_id for _, case in found) for key, found in naming.items()}

    for entry in entries:
        page(
            f"cases/{page_file(entry.case_id)}",
            "case.md.j2",
            _case_page(entry, facets, projects_of_case, projects_by_key),
        )
    page("facets/index.md", "browse.md.j2", BrowsePage(facets, len(entries)))
    for facet in facets:
        for value in facet.values:
            feed = feeds.feed_path(facet.key, value) if facet.key in feeds.FEED_FACETS else None
            page(f"facets/{facet.key}/{value.slug}.md", "facet.md.j2", FacetPage(facet, value, feed))
    for rel_path, xml in feeds.render_feeds(archive, site, facets).items():
        add(rel_path, xml)

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
        add(chart.rel_path, charts.render_chart(chart))
        sections.append(ChartSection(chart, counts))
    dates = [record.bulletin.published for record in archive.bulletins]
    page(
        "stats.md",
        "stats.md.j2",
        StatsPage(
            bulletin_count=len(archive.bulletins),
            case_count=len(entries),
            first_published=min(dates, default=None),
            last_published=max(dates, default=None),
            corrected_count=sum(1 for record in archive.bulletins if record.is_corrected),
            charts=tuple(sections),
        ),
    )

    made = downloads.build_downloads(
        archive,
        site,
        {key: tuple(ids) for key, ids in projects_of_case.items()},
        cases_of_project,
        oc4ids.build_package(archive, site),
    )
    for download in made:
        add(f"data/{download.file_name}", download.data)
    region_feeds = tuple(
        (f"{facet.field_name}：{value.label}", feeds.feed_path(facet.key, value))
        for facet in facets
        if facet.key in feeds.FEED_FACETS
        for value in facet.values
    )
    page(
        "data/index.md",
        "data.md.j2",
        DataPage(
            downloads=made,
            licence_name=downloads.LICENCE_NAME,
            licence_url=downloads.LICENCE_URL,
            list_separator=downloads.LIST_SEPARATOR,
            status_codes=tuple(oc4ids.STATUS_CODES.items()),
            party_roles=oc4ids.PARTY_ROLES,
            feeds=(("全部典型案例通报", feeds.ALL_BULLETINS_PATH), *region_feeds),
        ),
    )
    page("search.md", "search.md.j2", None)
    return files


_SITE_PATH = re.compile(r"[a-z0-9][a-z0-9_.-]*(?:/[a-z0-9][a-z0-9_.-]*)*")
_CONST_URL = re.compile(r"https://[A-Za-z0-9.-]+/[A-Za-z0-9./_-]*")


def site_path(value: str) -> Markup:
    """A path we made (slug, feed, chart), checked again before it passes unescaped into a link."""
    if not _SITE_PATH.fullmatch(value) or ".." in value:
        raise ValueError(f"not a site path: {value!r}")
    return Markup(value)


def const_url(value: str) -> Markup:
    """A URL constant of the portal (never data), checked to hold only plain URL characters."""
    if not _CONST_URL.fullmatch(value):
        raise ValueError(f"not a plain https URL: {value!r}")
    return Markup(value)


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
