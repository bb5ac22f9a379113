"""Fold the validated releases into the archive the site shows.

The newest release is the current one. A project or code that a later release
no longer lists keeps its page with the last data published for it. A bulletin
id that appears again replaces the earlier text, which stays readable.
"""

from __future__ import annotations

from collections import defaultdict

from .model import (
    Archive,
    BulletinRecord,
    BulletinVersion,
    CodeRecord,
    ProgressPoint,
    Project,
    ProjectRecord,
    QrCode,
    Release,
)


def build_archive(releases: tuple[Release, ...], is_sample: bool) -> Archive:
    newest = releases[-1].release_id
    codes = _code_records(releases, newest)
    codes_by_project: dict[str, list[CodeRecord]] = defaultdict(list)
    for code in codes:
        codes_by_project[code.project_id.casefold()].append(code)
    return Archive(
        releases=releases,
        projects=_project_records(releases, newest, codes_by_project),
        codes=codes,
        bulletins=_bulletin_records(releases),
        is_sample=is_sample,
    )


def _project_records(
    releases: tuple[Release, ...], newest: str, codes_by_project: dict[str, list[CodeRecord]]
) -> tuple[ProjectRecord, ...]:
    latest: dict[str, tuple[Project, str]] = {}
    first: dict[str, str] = {}
    history: dict[str, list[ProgressPoint]] = defaultdict(list)
    for release in releases:
        for project in release.projects:
            latest[project.key] = (project, release.release_id)
            first.setdefault(project.key, release.release_id)
            history[project.key].append(
                ProgressPoint(
                    date=project.updated,
                    progress=project.progress,
                    completed_investment=project.completed_investment,
                    note=project.progress_note,
                    source=release.release_id,
                )
            )
        for report in release.progress:
            history[report.project_id.casefold()].append(
                ProgressPoint(
                    date=report.date,
                    progress=report.progress,
                    completed_investment=report.completed_investment,
                    note=report.note,
                    source=release.release_id,
                )
            )
    records = []
    for key in sorted(latest):
        project, last_release = latest[key]
        records.append(
            ProjectRecord(
                project=project,
                first_release=first[key],
                last_release=last_release,
                is_current=last_release == newest,
                history=_dedupe_history(history[key]),
                codes=tuple(codes_by_project.get(key, ())),
            )
        )
    return tuple(records)


def _dedupe_history(points: list[ProgressPoint]) -> tuple[ProgressPoint, ...]:
    """One point per date: a later release's report of the same day replaces the earlier one."""
    by_date = {}
    for point in points:
        by_date[point.date] = point
    return tuple(by_date[d] for d in sorted(by_date))


def _code_records(releases: tuple[Release, ...], newest: str) -> tuple[CodeRecord, ...]:
    spelling = {p.key: p.project_id for r in releases for p in r.projects}
    latest: dict[str, tuple[QrCode, str]] = {}
    first: dict[str, str] = {}
    for release in releases:
        for code in release.codes:
            latest[code.key] = (code, release.release_id)
            first.setdefault(code.key, release.release_id)
    records = []
    for key in sorted(latest):
        code, last_release = latest[key]
        records.append(
            CodeRecord(
                code_id=code.code_id,
                project_id=spelling.get(code.project_id.casefold(), code.project_id),
                label=code.label,
                first_release=first[key],
                last_release=last_release,
                is_current=last_release == newest,
            )
        )
    return tuple(records)


def _bulletin_records(releases: tuple[Release, ...]) -> tuple[BulletinRecord, ...]:
    versions: dict[str, list[BulletinVersion]] = defaultdict(list)
    for release in releases:
        for bulletin in release.bulletins:
            previous = versions[bulletin.key]
            if previous and previous[-1].bulletin == bulletin:
                continue  # repeated unchanged in a later export: not a correction
            previous.append(BulletinVersion(bulletin, release.release_id, release.published))
    records = [BulletinRecord(current=found[-1], earlier=tuple(found[:-1])) for found in versions.values()]
    records.sort(key=lambda r: (r.bulletin.published, r.bulletin.key), reverse=True)
    return tuple(records)
