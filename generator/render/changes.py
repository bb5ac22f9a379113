"""What changed from one release to the next: the change report of every release, and each project's history.

A report compares a release with the one before it in the data root. It is
printed at the end of a build, written as `changes.json`, published as the
page 本期更新 (with one page per earlier release), and folded into each
project's own change history.
"""

from __future__ import annotations

import dataclasses
import functools

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import jinja2

from generator import resources
from generator.model.records import Archive, Bulletin, Project, Release
from generator.render.environment import format_amount, format_date, format_percent
from generator import urls
from generator.render.window_changes import WindowChanges, WindowHistory, changes_json

REPORT_TEMPLATES_DIR = resources.TEMPLATES_DIR / "report"

# The fields a reader of the site follows from month to month, in the order the report lists them.
TRACKED_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "项目名称"),
    ("status", "项目状态"),
    ("progress", "形象进度"),
    ("total_investment", "总投资（万元）"),
    ("annual_plan", "年度计划投资（万元）"),
    ("completed_investment", "累计完成投资（万元）"),
    ("start_date", "开工日期"),
    ("planned_completion", "计划竣工日期"),
    ("owner", "建设单位"),
    ("contractor", "施工单位"),
    ("supervisor", "监理单位"),
    ("department", "责任部门"),
    ("leader", "包联领导"),
)

Value = str | Decimal | date | None

# Changes every monthly report brings for most projects; a long printed report leaves them to the
# page and changes.json and spells out the rest (status, dates, units, amounts planned).
ROUTINE_FIELDS = frozenset({"progress", "completed_investment"})
PRINT_ALL_UP_TO = 30  # changed projects printed in full on the terminal


def format_value(key: str, value: Value) -> str:
    """A tracked value as the site shows it; an empty value reads 未填报."""
    if value is None or value == "":
        return "未填报"
    if key == "progress":
        return format_percent(value)  # type: ignore[arg-type]
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: Value
    new: Value

    @property
    def old_text(self) -> str:
        return format_value(self.key, self.old)

    @property
    def new_text(self) -> str:
        return format_value(self.key, self.new)


@dataclass(frozen=True)
class ProjectRef:
    project_id: str
    name: str


@dataclass(frozen=True)
class ProjectChange:
    project_id: str
    name: str  # the name in the newer release
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class NewCode:
    """A code published for the first time: a sign that has to be printed and put up."""

    code_id: str
    project_id: str
    label: str


@dataclass(frozen=True)
class BulletinRef:
    bulletin_id: str
    title: str
    published: date


@dataclass(frozen=True)
class ChangeReport:
    release_id: str
    published: date
    previous_id: str | None  # None for the first release of the data root
    added: tuple[ProjectRef, ...]
    dropped: tuple[ProjectRef, ...]
    changed: tuple[ProjectChange, ...]
    new_codes: tuple[NewCode, ...]
    bulletins_added: tuple[BulletinRef, ...]
    bulletins_corrected: tuple[BulletinRef, ...]
    windows: WindowChanges = WindowChanges()  # the service windows' part of the report

    @property
    def field_counts(self) -> tuple[tuple[str, int], ...]:
        """(label, projects) for each tracked field that changed, in the report's field order."""
        counts = {key: sum(1 for c in self.changed if any(f.key == key for f in c.fields)) for key, _ in TRACKED_FIELDS}
        return tuple((label, counts[key]) for key, label in TRACKED_FIELDS if counts[key])

    @property
    def notable(self) -> tuple[ProjectChange, ...]:
        """The changed projects with their non-routine changes only; projects with none left out."""
        kept = (
            ProjectChange(c.project_id, c.name, tuple(f for f in c.fields if f.key not in ROUTINE_FIELDS))
            for c in self.changed
        )
        return tuple(c for c in kept if c.fields)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.dropped
            or self.changed
            or self.new_codes
            or self.bulletins_added
            or self.bulletins_corrected
            or not self.windows.is_empty
        )


@dataclass(frozen=True)
class ProjectHistoryEntry:
    """One release in which a project appeared, changed or was dropped."""

    release_id: str
    kind: str  # added, changed, dropped
    fields: tuple[FieldChange, ...]  # for `changed`


def change_reports(archive: Archive, first_published: dict[str, str] | None = None) -> tuple[ChangeReport, ...]:
    """One report per release, oldest first; `first_published` maps code keys to the release the
    portal's register says they were first published in (a data root may have lost old releases)."""
    first_published = first_published or {}
    reports = []
    seen_codes: set[str] = set()
    seen_bulletins: dict[str, Bulletin] = {}
    previous: Release | None = None
    windows = WindowHistory()
    for release in archive.releases:
        report = _compare(previous, release, seen_codes, seen_bulletins, first_published)
        reports.append(dataclasses.replace(report, windows=windows.compare(previous, release, first_published)))
        seen_codes.update(c.key for c in release.codes)
        seen_bulletins.update((b.key, b) for b in release.bulletins)
        previous = release
    return tuple(reports)


def _compare(
    previous: Release | None,
    release: Release,
    seen_codes: set[str],
    seen_bulletins: dict[str, Bulletin],
    first_published: dict[str, str],
) -> ChangeReport:
    before = {p.key: p for p in previous.projects} if previous else {}
    after = {p.key: p for p in release.projects}
    changed = []
    for key in sorted(before.keys() & after.keys()):
        fields = _field_changes(before[key], after[key])
        if fields:
            changed.append(ProjectChange(after[key].project_id, after[key].name, fields))
    new_codes = tuple(
        NewCode(c.code_id, _spelling(c.project_id, after, before), c.label)
        for c in release.codes
        if c.key not in seen_codes and first_published.get(c.key, release.release_id) >= release.release_id
    )
    added, corrected = [], []
    for bulletin in release.bulletins:
        earlier = seen_bulletins.get(bulletin.key)
        ref = BulletinRef(bulletin.bulletin_id, bulletin.title, bulletin.published)
        if earlier is None:
            added.append(ref)
        elif earlier != bulletin:
            corrected.append(ref)
    return ChangeReport(
        release_id=release.release_id,
        published=release.published,
        previous_id=previous.release_id if previous else None,
        added=tuple(_ref(after[k]) for k in sorted(after.keys() - before.keys())),
        dropped=tuple(_ref(before[k]) for k in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        new_codes=new_codes,
        bulletins_added=tuple(added),
        bulletins_corrected=tuple(corrected),
    )


def _ref(project: Project) -> ProjectRef:
    return ProjectRef(project.project_id, project.name)


def _spelling(project_id: str, *releases: dict[str, Project]) -> str:
    for projects in releases:
        if project_id.casefold() in projects:
            return projects[project_id.casefold()].project_id
    return project_id


def _field_changes(old: Project, new: Project) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(key, label, getattr(old, key), getattr(new, key))
        for key, label in TRACKED_FIELDS
        if getattr(old, key) != getattr(new, key)
    )


def project_histories(
    reports: tuple[ChangeReport, ...],
) -> dict[str, tuple[ProjectHistoryEntry, ...]]:
    """Project key → the releases in which it was added, changed or dropped, oldest first."""
    history: dict[str, list[ProjectHistoryEntry]] = defaultdict(list)
    for report in reports:
        for ref in report.added:
            history[ref.project_id.casefold()].append(ProjectHistoryEntry(report.release_id, "added", ()))
        for change in report.changed:
            history[change.project_id.casefold()].append(
                ProjectHistoryEntry(report.release_id, "changed", change.fields)
            )
        for ref in report.dropped:
            history[ref.project_id.casefold()].append(ProjectHistoryEntry(report.release_id, "dropped", ()))
    return {key: tuple(entries) for key, entries in history.items()}


def _json_value(value: Value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_json(report: ChangeReport, code_base_url: str) -> str:
    """`changes.json`: the report for other tools, with stable keys and order."""
    document = {
        "format": 1,
        "release": report.release_id,
        "published": report.published.isoformat(),
        "previous_release": report.previous_id,
        "projects_added": [{"project_id": p.project_id, "name": p.name} for p in report.added],
        "projects_dropped": [{"project_id": p.project_id, "name": p.name} for p in report.dropped],
        "projects_changed": [
            {
                "project_id": c.project_id,
                "name": c.name,
                "changes": [
                    {
                        "field": f.key,
                        "label": f.label,
                        "old": _json_value(f.old),
                        "new": _json_value(f.new),
                    }
                    for f in c.fields
                ],
            }
            for c in report.changed
        ],
        "codes_first_published": [
            {
                "code_id": c.code_id,
                "project_id": c.project_id,
                "label": c.label,
                "url": code_base_url + c.code_id,
            }
            for c in report.new_codes
        ],
        "bulletins_added": [_bulletin_json(b) for b in report.bulletins_added],
        "bulletins_corrected": [_bulletin_json(b) for b in report.bulletins_corrected],
        **changes_json(report.windows, code_base_url),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _bulletin_json(ref: BulletinRef) -> dict[str, str]:
    return {
        "bulletin_id": ref.bulletin_id,
        "title": ref.title,
        "published": ref.published.isoformat(),
    }


@functools.cache
def _text_environment() -> jinja2.Environment:
    """jinja for the terminal: plain text, nothing to escape."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPORT_TEMPLATES_DIR),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_text(report: ChangeReport, code_base_url: str, qr_dir: Path, site_dir: Path) -> str:
    """The report as the build prints it on a terminal (plain text, not a web page)."""
    return (
        _text_environment()
        .get_template("changes.txt.j2")
        .render(
            report=report,
            code_base_url=code_base_url,
            qr_dir=qr_dir,
            site_dir=site_dir,
            limit=PRINT_ALL_UP_TO,
        )
    )


@dataclass(frozen=True)
class ChangesIndexPage:
    """本期更新: the newest release's change report, and links to the earlier ones."""

    newest: ChangeReport  # the newest release's report
    earlier: tuple[ChangeReport, ...]  # newest first


@dataclass(frozen=True)
class ChangeReportPage:
    """One release's change report against the release before it."""

    report: ChangeReport  # what changed, code by code and project by project


def render_change_pages(env: jinja2.Environment, reports: tuple[ChangeReport, ...], site: object) -> dict[str, str]:
    """本期更新 (`changes/index.md`) and one page per release (`changes/<release>.md`)."""
    pages = {
        f"{urls.CHANGES}/index.md": env.get_template("changes.md.j2").render(
            page=ChangesIndexPage(reports[-1], tuple(reversed(reports[:-1]))), site=site
        )
    }
    for report in reports:
        pages[f"{urls.CHANGES}/{report.release_id}.md"] = env.get_template("change_report.md.j2").render(
            page=ChangeReportPage(report), site=site
        )
    return pages
