"""The pages of the service windows (码上监督马上办): a window's page and its codes' copies, the halls, the statistics.

A citizen at the counter scans the window's code and lands on the window's
page: which hall and window it is, who serves there and what they promise, how
to report a problem on the spot, and how the reports at this window were
handled over the last twelve months. Every figure comes with its n; a month
not reported is 未报送.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from generator import urls
from generator.model.records import Archive, Release, WindowCodeRecord, WindowMonth, WindowRecord
from generator.render import charts
from generator.render.environment import make_environment
from generator.render.pages import fill_complaint_url
from generator.render.site_info import SiteInfo
from generator.render.window_chart import window_chart
from generator.render.window_downloads import render_window_feed
from generator.render.window_figures import MonthFigures, Totals, last_months, totals, window_months
from generator.validate.lookalikes import facet_key

_SERVICE_SEPARATORS = re.compile(r"[、；;]")


def hall_slug(region: str, hall: str) -> str:
    """A hall is keyed by its region and its name: two halls of one name in two regions are two halls."""
    return hashlib.sha256(f"{facet_key(region)}\n{facet_key(hall)}".encode()).hexdigest()[:10]


@dataclass(frozen=True)
class HallRef:
    region: str  # as grouped: look-alike spellings folded
    name: str  # likewise
    slug: str  # its page: windows/halls/<slug>/


def hall_of(record: WindowRecord) -> HallRef:
    w = record.window
    return HallRef(facet_key(w.region), facet_key(w.hall), hall_slug(w.region, w.hall))


@dataclass(frozen=True)
class WindowPage:
    """A window's page, or a code's copy of it that names the scanned code."""

    record: WindowRecord  # the window as the archive holds it, with its codes and months
    scanned: WindowCodeRecord | None  # set on a code's page: the code that was scanned
    hall: HallRef  # the hall it is in, for the link to the hall's page
    services: tuple[str, ...]  # the matters handled, one by one
    complaint_url: Markup  # the platform's report entry with window and code filled in
    months: tuple[MonthFigures, ...]  # the last twelve months, oldest first; 未报送 ones included
    year: Totals  # those months added up
    latest: MonthFigures  # the newest month
    chart: Markup | None  # the months drawn as SVG; None when none was reported
    source_release: Release | None  # the release its data were last published in


@dataclass(frozen=True)
class WindowRow:
    """A window in a hall's list: its record and this month's figures (None: 未报送)."""

    record: WindowRecord
    month: MonthFigures


@dataclass(frozen=True)
class HallPage:
    """A service hall: its windows in service with this month's figures, and those no longer in service."""

    hall: HallRef  # the hall: its region, name and page
    month: str  # this month, YYYY-MM: the newest release's
    windows: tuple[WindowRow, ...]  # in service, by window number
    closed: tuple[WindowRecord, ...]  # no longer in service; their pages stay
    month_totals: Totals  # this month's figures of the windows in service
    year_totals: Totals  # the last twelve months'


@dataclass(frozen=True)
class HallSummary:
    hall: HallRef  # the hall
    windows: int  # in service
    month_totals: Totals  # this month's figures


@dataclass(frozen=True)
class WindowIndexPage:
    """码上监督马上办: every hall by region, and the way to a window."""

    month: str  # this month
    halls: tuple[tuple[str, tuple[HallSummary, ...]], ...]  # (region, its halls)
    window_count: int  # windows in service
    code_count: int  # their codes
    month_totals: Totals  # this month's figures of every window in service


@dataclass(frozen=True)
class GroupRow:
    label: str  # the region, department, or hall's slug
    windows: int  # windows in service in the group
    totals: Totals  # the group's last twelve months


@dataclass(frozen=True)
class WindowStatsPage:
    """All windows' figures of the last twelve months, by month, region, hall and department, with charts."""

    months: tuple[str, ...]  # the twelve months, oldest first
    by_month: tuple[tuple[str, Totals], ...]  # (month, every window's figures that month)
    by_region: tuple[GroupRow, ...]  # a row per region, by name
    by_hall: tuple[tuple[HallRef, GroupRow], ...]  # a row per hall, by region and name
    by_department: tuple[GroupRow, ...]  # a row per department, by name
    overall: Totals  # every window in service, the twelve months
    charts: tuple[charts.BarChart, ...]  # drawn as files under assets/charts/


def render_window_pages(
    archive: Archive, site: SiteInfo, complaint_url: str, emit_file: Callable[[str, bytes], None]
) -> None:
    """Every window page, window code page, hall page, the windows' index and statistics, each handed to
    `emit_file` by path in content/, as UTF-8 bytes (like `pages.render_pages`)."""
    env = make_environment()

    def emit(rel_path: str, template: str, page: object) -> None:
        emit_file(rel_path, env.get_template(template).render(page=page, site=site).encode("utf-8"))

    months = last_months(archive.newest.release_id)
    if not archive.windows:  # a format 1 export: the navigation's page says there are none yet
        emit(f"{urls.WINDOW_INDEX}/index.md", "windows.md.j2", _index(archive, [], months[-1]))
        return
    pages = _WindowPages(archive, complaint_url, months)
    by_key = {r.window.key: r for r in archive.windows}
    for record in archive.windows:
        emit(urls.page_source(urls.WINDOWS, record.window_id), "window.md.j2", pages.page(record, None))
    for code in archive.window_codes:
        emit(
            urls.page_source(urls.CODES, code.code_id),
            "window.md.j2",
            pages.page(by_key[code.window_id.casefold()], code),
        )
    halls = _hall_pages(archive, months)
    for page in halls:
        emit(urls.hall_source(page.hall.slug), "hall.md.j2", page)
    emit(f"{urls.WINDOW_INDEX}/index.md", "windows.md.j2", _index(archive, halls, months[-1]))
    stats = _stats(archive, months)
    emit(f"{urls.WINDOW_INDEX}/stats.md", "window_stats.md.j2", stats)
    for chart in stats.charts:
        emit_file(chart.rel_path, charts.render_chart(chart).encode("utf-8"))
    for rel_path, text in render_window_feed(archive, site).items():
        emit_file(rel_path, text.encode("utf-8"))


class _WindowPages:
    def __init__(self, archive: Archive, complaint_url: str, months: tuple[str, ...]) -> None:
        self.complaint_url = complaint_url
        self.months = months
        self.releases = {r.release_id: r for r in archive.releases}
        self.chart_template = make_environment().get_template("_window_chart.svg.j2")
        self.drawn: dict[str, tuple[tuple[MonthFigures, ...], Markup | None]] = {}

    def figures(self, record: WindowRecord) -> tuple[tuple[MonthFigures, ...], Markup | None]:
        """A window's months and chart, made once for its page and each of its codes' pages."""
        if record.window.key not in self.drawn:
            months = window_months(record, self.months)
            chart = window_chart(months)
            # The template's output is escaped by finalize as it renders: a trusted fragment.
            drawn = Markup(self.chart_template.render(chart=chart)) if chart else None
            self.drawn[record.window.key] = (months, drawn)
        return self.drawn[record.window.key]

    def page(self, record: WindowRecord, code: WindowCodeRecord | None) -> WindowPage:
        w = record.window
        months, chart = self.figures(record)
        filled = fill_complaint_url(self.complaint_url, "", code.code_id if code else "", w.window_id)
        return WindowPage(
            record=record,
            scanned=code,
            hall=hall_of(record),
            services=tuple(s.strip() for s in _SERVICE_SEPARATORS.split(w.services) if s.strip()),
            complaint_url=Markup(filled),  # a setting of ours, filled with checked ids
            months=months,
            year=totals(m.figures for m in months if m.figures),
            latest=months[-1],
            chart=chart,
            source_release=self.releases.get(record.last_release),
        )


def _rows_in(records: list[WindowRecord], months: tuple[str, ...]) -> list[WindowMonth]:
    wanted = set(months)
    return [m.figures for r in records for m in r.months if m.figures.month in wanted]


def _hall_pages(archive: Archive, months: tuple[str, ...]) -> list[HallPage]:
    groups: dict[str, list[WindowRecord]] = defaultdict(list)
    refs: dict[str, HallRef] = {}
    for record in archive.windows:
        hall = hall_of(record)
        groups[hall.slug].append(record)
        refs.setdefault(hall.slug, hall)
    pages = []
    for slug in sorted(groups, key=lambda s: (refs[s].region, refs[s].name)):
        records = sorted(groups[slug], key=lambda r: (r.window.window_no, r.window.key))
        current = [r for r in records if r.is_current]
        rows = tuple(WindowRow(r, window_months(r, months[-1:])[0]) for r in current)
        pages.append(
            HallPage(
                hall=refs[slug],
                month=months[-1],
                windows=rows,
                closed=tuple(r for r in records if not r.is_current),
                month_totals=totals(_rows_in(current, months[-1:])),
                year_totals=totals(_rows_in(current, months)),
            )
        )
    return pages


def _index(archive: Archive, halls: list[HallPage], month: str) -> WindowIndexPage:
    by_region: dict[str, list[HallSummary]] = defaultdict(list)
    for page in halls:
        by_region[page.hall.region].append(HallSummary(page.hall, len(page.windows), page.month_totals))
    current = [r for r in archive.windows if r.is_current]
    return WindowIndexPage(
        month=month,
        halls=tuple((region, tuple(by_region[region])) for region in sorted(by_region)),
        window_count=len(current),
        code_count=sum(1 for c in archive.window_codes if c.is_current),
        month_totals=totals(_rows_in(current, (month,))),
    )


def _grouped(
    current: list[WindowRecord], months: tuple[str, ...], key: Callable[[WindowRecord], str]
) -> tuple[GroupRow, ...]:
    groups: dict[str, list[WindowRecord]] = defaultdict(list)
    for record in current:
        groups[key(record)].append(record)
    return tuple(
        GroupRow(label, len(groups[label]), totals(_rows_in(groups[label], months))) for label in sorted(groups)
    )


def _stats(archive: Archive, months: tuple[str, ...]) -> WindowStatsPage:
    current = [r for r in archive.windows if r.is_current]
    by_month = tuple((month, totals(_rows_in(current, (month,)))) for month in months)
    by_region = _grouped(current, months, lambda r: facet_key(r.window.region))
    by_department = _grouped(current, months, lambda r: facet_key(r.window.department))
    halls = {hall_of(r).slug: hall_of(r) for r in current}
    by_hall_rows = _grouped(current, months, lambda r: hall_of(r).slug)
    by_hall = tuple(
        sorted(((halls[row.label], row) for row in by_hall_rows), key=lambda pair: (pair[0].region, pair[0].name))
    )
    # A month or region that nothing was reported for gets no bar: 未报送 is not a bar of 0 (its table row says so).
    drawn = (
        charts.bar_chart("windows-received-by-month", "每月收到反映（件）", tuple((m, t.received) for m, t in by_month if t.reported)),
        charts.bar_chart("windows-received-by-region", "近12个月各地区收到反映（件）", tuple((g.label, g.totals.received) for g in by_region if g.totals.reported)),
    )  # fmt: skip
    return WindowStatsPage(
        months=months,
        by_month=by_month,
        by_region=by_region,
        by_hall=by_hall,
        by_department=by_department,
        overall=totals(_rows_in(current, months)),
        charts=drawn,
    )
