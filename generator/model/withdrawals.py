"""Pages taken off the public site by the settings' withdrawal list (`extra.withdrawn`).

A case found to hold a private number, a quashed bulletin: staff take it off the
site, but its URL, and any code printed for it, must keep answering. So the
withdrawn records leave the archive before anything is rendered (no page, list,
feed, download or search index shows them), and each withdrawn URL gets a
notice page that says it was withdrawn, and when.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from generator.model.records import Archive, BulletinRecord, BulletinVersion, WindowCodeRecord, WindowRecord
from generator.errors import BuildFailed
from generator.settings import Withdrawal
from generator import urls


@dataclass(frozen=True)
class WithdrawnPage:
    """The notice at a withdrawn page's URL."""

    rel_path: str  # the Markdown file in content/, e.g. `cases/X.md`
    kind: str  # what was withdrawn, in words: 项目、二维码、通报、案例
    record_id: str
    withdrawal: Withdrawal


KINDS = {
    urls.PROJECTS: "项目",
    urls.CODES: "二维码",
    urls.WINDOWS: "服务窗口",
    urls.BULLETINS: "通报",
    urls.CASES: "案例",
}


def withdraw(archive: Archive, withdrawn: tuple[Withdrawal, ...]) -> tuple[Archive, tuple[WithdrawnPage, ...]]:
    """The archive without the withdrawn records, and the notice pages that take their URLs."""
    if not withdrawn:
        return archive, ()
    projects = {r.project.key: r for r in archive.projects}
    code_ids = [c.code_id for c in archive.codes] + [c.code_id for c in archive.window_codes]
    codes = {code_id.casefold(): code_id for code_id in code_ids}
    windows = {r.window.key: r for r in archive.windows}
    bulletins = {r.bulletin.key: r for r in archive.bulletins}
    cases = {c.case_id.casefold(): c.case_id for r in archive.bulletins for v in _versions(r) for c in v.bulletin.cases}
    gone: dict[str, set[str]] = {kind: set() for kind in KINDS}
    notices: dict[str, WithdrawnPage] = {}

    def notice(kind: str, record_id: str, withdrawal: Withdrawal) -> None:
        gone[kind].add(record_id.casefold())
        rel_path = urls.page_source(kind, record_id)
        notices.setdefault(rel_path, WithdrawnPage(rel_path, KINDS[kind], record_id, withdrawal))

    for withdrawal in withdrawn:
        kind, _, key = withdrawal.path.rstrip("/").partition("/")
        key = key.casefold()
        if kind == urls.PROJECTS and key in projects:
            notice(urls.PROJECTS, projects[key].project_id, withdrawal)
            for code in projects[key].codes:  # a sign on the project answers with the notice too
                notice(urls.CODES, codes[code.code_id.casefold()], withdrawal)
        elif kind == urls.WINDOWS and key in windows:
            notice(urls.WINDOWS, windows[key].window_id, withdrawal)
            for window_code in windows[key].codes:  # so does the card at the window
                notice(urls.CODES, window_code.code_id, withdrawal)
        elif kind == urls.CODES and key in codes:
            notice(urls.CODES, codes[key], withdrawal)
        elif kind == urls.BULLETINS and key in bulletins:
            notice(urls.BULLETINS, bulletins[key].bulletin.bulletin_id, withdrawal)
            for version in _versions(bulletins[key]):
                for case in version.bulletin.cases:
                    notice(urls.CASES, case.case_id, withdrawal)
        elif kind == urls.CASES and key in cases:
            notice(urls.CASES, cases[key], withdrawal)
        else:
            raise BuildFailed(
                f"mkdocs.yml 的 extra.withdrawn 中的 {withdrawal.path} 不是本站的项目、二维码、服务窗口、通报或案例页面"
            )
    return _without(archive, gone), tuple(notices[k] for k in sorted(notices))


def _versions(record: BulletinRecord) -> tuple[BulletinVersion, ...]:
    return (*record.earlier, record.current)


def _without(archive: Archive, gone: dict[str, set[str]]) -> Archive:
    def keep_version(version: BulletinVersion) -> BulletinVersion:
        cases = tuple(c for c in version.bulletin.cases if c.case_id.casefold() not in gone[urls.CASES])
        return dataclasses.replace(version, bulletin=dataclasses.replace(version.bulletin, cases=cases))

    bulletins = tuple(
        BulletinRecord(current=keep_version(r.current), earlier=tuple(keep_version(v) for v in r.earlier))
        for r in archive.bulletins
        if r.bulletin.key not in gone[urls.BULLETINS]
    )
    projects = tuple(
        dataclasses.replace(r, codes=tuple(c for c in r.codes if c.code_id.casefold() not in gone[urls.CODES]))
        for r in archive.projects
        if r.project.key not in gone[urls.PROJECTS]
    )
    releases = tuple(
        dataclasses.replace(
            release,
            projects=tuple(p for p in release.projects if p.key not in gone[urls.PROJECTS]),
            codes=tuple(c for c in release.codes if c.key not in gone[urls.CODES]),
            progress=tuple(p for p in release.progress if p.project_id.casefold() not in gone[urls.PROJECTS]),
            bulletins=tuple(
                dataclasses.replace(b, cases=tuple(c for c in b.cases if c.case_id.casefold() not in gone[urls.CASES]))
                for b in release.bulletins
                if b.key not in gone[urls.BULLETINS]
            ),
        )
        for release in archive.releases
    )
    codes = tuple(c for c in archive.codes if c.code_id.casefold() not in gone[urls.CODES])
    windows, window_codes = _without_windows(archive, gone)
    releases = tuple(
        dataclasses.replace(
            release,
            windows=tuple(w for w in release.windows if w.key not in gone[urls.WINDOWS]),
            window_codes=tuple(c for c in release.window_codes if c.key not in gone[urls.CODES]),
            window_stats=tuple(m for m in release.window_stats if m.window_id.casefold() not in gone[urls.WINDOWS]),
        )
        for release in releases
    )
    return dataclasses.replace(
        archive,
        releases=releases,
        projects=projects,
        codes=codes,
        bulletins=bulletins,
        windows=windows,
        window_codes=window_codes,
    )


def _without_windows(
    archive: Archive, gone: dict[str, set[str]]
) -> tuple[tuple[WindowRecord, ...], tuple[WindowCodeRecord, ...]]:
    windows = tuple(
        dataclasses.replace(r, codes=tuple(c for c in r.codes if c.code_id.casefold() not in gone[urls.CODES]))
        for r in archive.windows
        if r.window.key not in gone[urls.WINDOWS]
    )
    codes = tuple(c for c in archive.window_codes if c.code_id.casefold() not in gone[urls.CODES])
    return windows, codes
