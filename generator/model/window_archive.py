"""The service windows across releases: each window's last record, its codes and its months as they stand.

A window that a later export leaves out keeps its page, marked as no longer in
service, and its codes keep resolving. A month's figures that several releases
hold are the newest release's; a month only older releases hold is kept; the
rows a newer release replaced stay with the month, so a correction can be shown.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping

from generator.model.records import (
    Release,
    Window,
    WindowCode,
    WindowCodeRecord,
    WindowFigures,
    WindowMonth,
    WindowRecord,
)
from generator.model.register import RegisteredCode


def window_records(
    releases: tuple[Release, ...], register: Mapping[str, RegisteredCode]
) -> tuple[tuple[WindowRecord, ...], tuple[WindowCodeRecord, ...]]:
    """Every window ever listed (or kept by the register for its codes), and every window code."""
    newest = releases[-1].release_id
    spelling = _Spellings(register)
    latest: dict[str, tuple[Window, str]] = {}
    first: dict[str, str] = {}
    for known in sorted(register.values(), key=lambda c: (c.last_release, c.code_id.casefold())):
        if known.window is not None:
            latest[known.window.key] = (spelling.window(known.window), known.last_release or known.first_release)
            # A code may come after its window: the register's date is the earliest known, not the first.
            first[known.window.key] = min(first.get(known.window.key, known.first_release), known.first_release)
    months: dict[str, dict[str, WindowFigures]] = defaultdict(dict)
    for release in releases:
        for window in release.windows:
            latest[window.key] = (spelling.window(window), release.release_id)
            first[window.key] = min(first.get(window.key, release.release_id), release.release_id)
        for row in release.window_stats:
            _stand(months[row.window_id.casefold()], spelling.month(row), release.release_id)
    codes = _code_records(releases, newest, register, spelling)
    by_window: dict[str, list[WindowCodeRecord]] = defaultdict(list)
    for code in codes:
        by_window[code.window_id.casefold()].append(code)
    windows = tuple(
        WindowRecord(
            window=window,
            first_release=first[key],
            last_release=last,
            is_current=last == newest,
            months=tuple(months[key][m] for m in sorted(months[key])),
            codes=tuple(by_window.get(key, ())),
        )
        for key, (window, last) in sorted(latest.items())
    )
    return windows, codes


def _stand(standing: dict[str, WindowFigures], row: WindowMonth, release_id: str) -> None:
    """The newer release's row of a month replaces the older one; a different older row is kept as replaced."""
    before = standing.get(row.month)
    if before is None:
        standing[row.month] = WindowFigures(row, release_id)
    elif before.figures != row:
        replaced = (*before.replaced, (before.source, before.figures))
        standing[row.month] = WindowFigures(row, release_id, replaced)


class _Spellings:
    """Ids in the spelling first published: the register's, then the oldest release's."""

    def __init__(self, register: Mapping[str, RegisteredCode]) -> None:
        self.first: dict[tuple[str, str], str] = {}
        for known in register.values():
            if known.window_id:
                self.first[("code", known.code_id.casefold())] = known.code_id
                self.first.setdefault(("window", known.window_id.casefold()), known.window_id)

    def of(self, kind: str, value: str) -> str:
        return self.first.setdefault((kind, value.casefold()), value)

    def window(self, window: Window) -> Window:
        return dataclasses.replace(window, window_id=self.of("window", window.window_id))

    def month(self, row: WindowMonth) -> WindowMonth:
        return dataclasses.replace(row, window_id=self.of("window", row.window_id))

    def code(self, code: WindowCode) -> WindowCode:
        return WindowCode(self.of("code", code.code_id), self.of("window", code.window_id), code.label)


def _code_records(
    releases: tuple[Release, ...], newest: str, register: Mapping[str, RegisteredCode], spelling: _Spellings
) -> tuple[WindowCodeRecord, ...]:
    latest: dict[str, tuple[WindowCode, str]] = {}
    first: dict[str, str] = {}
    for key, known in register.items():
        if known.window_id:  # listed by no release of the data root: rebuilt from the register alone
            code = spelling.code(WindowCode(known.code_id, known.window_id, known.label))
            latest[key] = (code, known.last_release or known.first_release)
            first[key] = known.first_release
    for release in releases:
        for code in release.window_codes:
            latest[code.key] = (spelling.code(code), release.release_id)
            first.setdefault(code.key, release.release_id)
    return tuple(
        WindowCodeRecord(code.code_id, code.window_id, code.label, first[key], last, last == newest)
        for key, (code, last) in sorted(latest.items())
    )
