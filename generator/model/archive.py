"""Fold the validated releases into the archive the site shows.

The newest release is the current one. A project or code that a later release
no longer lists keeps its page with the last data published for it. A bulletin
id that appears again replaces the earlier text, which stays readable.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping

from generator.model.records import (
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
from generator.errors import BuildFailed
from generator.model.register import RegisteredCode
from generator.model.window_archive import window_records


def build_archive(
    releases: tuple[Release, ...], is_sample: bool, register: Mapping[str, RegisteredCode] | None = None
) -> Archive:
    """`register`: the codes published before, which keep their first spelling and their pages."""
    register = register or {}
    releases = _first_spellings(releases, register)
    newest = releases[-1].release_id
    codes = _code_records(releases, newest, register)
    codes_by_project: dict[str, list[CodeRecord]] = defaultdict(list)
    for code in codes:
        codes_by_project[code.project_id.casefold()].append(code)
    windows, window_codes = window_records(releases, register)
    return Archive(
        releases=releases,
        projects=_project_records(releases, newest, codes_by_project, register),
        codes=codes,
        bulletins=_bulletin_records(releases),
        is_sample=is_sample,
        windows=windows,
        window_codes=window_codes,
    )


def _first_spellings(releases: tuple[Release, ...], register: Mapping[str, RegisteredCode]) -> tuple[Release, ...]:
    """Every id in the spelling it was first published under: a page's URL never changes with its case.

    Ids compare case-insensitively, so a later export may write `bt-0001` for `BT-0001`; the
    register's spellings come first (their releases may have left the data root), then the
    oldest release's.
    """
    spelling: dict[tuple[str, str], str] = {}
    for known in register.values():
        if known.window_id:
            continue  # a window's code: spelled by `window_records`
        spelling[("code", known.code_id.casefold())] = known.code_id
        spelling.setdefault(("project", known.project_id.casefold()), known.project_id)

    def first(kind: str, value: str) -> str:
        return spelling.setdefault((kind, value.casefold()), value)

    respelled = []
    for release in releases:
        projects = tuple(dataclasses.replace(p, project_id=first("project", p.project_id)) for p in release.projects)
        codes = tuple(
            dataclasses.replace(c, code_id=first("code", c.code_id), project_id=first("project", c.project_id))
            for c in release.codes
        )
        progress = tuple(dataclasses.replace(r, project_id=first("project", r.project_id)) for r in release.progress)
        bulletins = tuple(
            dataclasses.replace(
                b,
                bulletin_id=first("bulletin", b.bulletin_id),
                cases=tuple(dataclasses.replace(c, case_id=first("case", c.case_id)) for c in b.cases),
            )
            for b in release.bulletins
        )
        respelled.append(
            dataclasses.replace(release, projects=projects, codes=codes, progress=progress, bulletins=bulletins)
        )
    return tuple(respelled)


def _project_records(
    releases: tuple[Release, ...],
    newest: str,
    codes_by_project: dict[str, list[CodeRecord]],
    register: Mapping[str, RegisteredCode],
) -> tuple[ProjectRecord, ...]:
    latest: dict[str, tuple[Project, str]] = {}
    first: dict[str, str] = {}
    history: dict[str, list[ProgressPoint]] = defaultdict(list)
    # A registered code's project whose releases have all left the data root: its last
    # published record, kept by the register, is what its page shows.
    for known in sorted(register.values(), key=lambda c: (c.last_release, c.code_id.casefold())):
        if known.project is not None:
            latest[known.project.key] = (known.project, known.last_release or known.first_release)
            first.setdefault(known.project.key, known.first_release)
    for key, (project, release_id) in latest.items():
        history[key].append(_snapshot(project, release_id))
    from_register = set(latest)
    for release in releases:
        for project in release.projects:
            if project.key in from_register:  # the data root has the project after all
                from_register.discard(project.key)
                del latest[project.key], first[project.key], history[project.key]
            latest[project.key] = (project, release.release_id)
            first.setdefault(project.key, release.release_id)
            history[project.key].append(_snapshot(project, release.release_id))
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


def _snapshot(project: Project, release_id: str) -> ProgressPoint:
    return ProgressPoint(
        date=project.updated,
        progress=project.progress,
        completed_investment=project.completed_investment,
        note=project.progress_note,
        source=release_id,
    )


def _dedupe_history(points: list[ProgressPoint]) -> tuple[ProgressPoint, ...]:
    """One point per date: a later release's report of the same day replaces the earlier one."""
    by_date = {}
    for point in points:
        by_date[point.date] = point
    return tuple(by_date[d] for d in sorted(by_date))


def _code_records(
    releases: tuple[Release, ...], newest: str, register: Mapping[str, RegisteredCode]
) -> tuple[CodeRecord, ...]:
    spelling = {c.project.key: c.project.project_id for c in register.values() if c.project is not None}
    for release in releases:  # the first spelling stands, as on the project's page
        for project in release.projects:
            spelling.setdefault(project.key, project.project_id)
    latest: dict[str, tuple[QrCode, str]] = {}
    first: dict[str, str] = {}
    for key, known in register.items():
        if known.window_id:
            continue  # a window's code: a record of `window_records`
        # Listed by no release of the data root: rebuilt from the register alone.
        latest[key] = (QrCode(known.code_id, known.project_id, known.label), known.last_release or known.first_release)
        first[key] = known.first_release
    for release in releases:
        for code in release.codes:
            latest[code.key] = (code, release.release_id)
            first.setdefault(code.key, release.release_id)
    records = []
    for key in sorted(latest):
        code, last_release = latest[key]
        registered = register.get(key)
        records.append(
            CodeRecord(
                # The spelling it was first published under is its URL for ever.
                code_id=registered.code_id if registered else code.code_id,
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


def check_codes_have_projects(archive: Archive) -> None:
    """Every code needs its project's record for its page; an old register may not have kept it."""
    projects = {record.project.key for record in archive.projects}
    orphans = sorted(code.code_id for code in archive.codes if code.project_id.casefold() not in projects)
    windows = {record.window.key for record in archive.windows}
    orphans += sorted(code.code_id for code in archive.window_codes if code.window_id.casefold() not in windows)
    if orphans:
        raise BuildFailed(
            f"二维码 {'、'.join(orphans)} 已发布，但数据目录中已没有它们的项目，登记册（旧格式）也没有保存项目记录："
            "请把列出这些项目的发布文件夹放回数据目录后再构建"
        )
