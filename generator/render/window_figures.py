"""The handling figures of the service windows as the pages show them: a window's months, and totals of many.

Rates are sums over sums (resolved of received, not an average of windows'
rates), each with the count it is taken of (its n). A window's month that no
row reports is not a zero: it is 未报送 and counts in no total. The platform
gives each window-month's median handling time; the median of many windows
cannot be made from those, so a total shows the middle of the medians and is
named so, never 中位数 alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.model.records import WindowMonth, WindowRecord

MONTHS_SHOWN = 12


def last_months(newest: str, count: int = MONTHS_SHOWN) -> tuple[str, ...]:
    """The `count` months up to and including `newest` (YYYY-MM), oldest first."""
    year, month = int(newest[:4]), int(newest[5:])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(months))


@dataclass(frozen=True)
class Rate:
    """A share of a count: `part` of `whole` (its n), in whole percent; None when `whole` is 0."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return (Decimal(self.part * 100) / self.whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def text(self) -> str:
        """`97.5%`, or `—` for a share of nothing."""
        percent = self.percent
        return "—" if percent is None else f"{percent.normalize():f}%"


@dataclass(frozen=True)
class Totals:
    """Figures of several window-months added up. With `reported` 0 nothing was reported: the pages show every
    figure and rate as 未报送, never 0."""

    reported: int  # window-months with a row (未报送 ones are not in any figure)
    windows: int  # windows with at least one of those rows
    received: int
    resolved: int
    resolved_rate: Rate  # resolved of received
    on_time_rate: Rate  # on time of resolved, over the rows that report on time
    satisfaction: Rate  # satisfied of evaluated, over the rows that report both
    middle_of_medians: Decimal | None  # the middle value of the rows' medians: not a median of reports
    medians: int  # rows with a median: the n of `middle_of_medians`


def totals(rows: Iterable[WindowMonth]) -> Totals:
    rows = list(rows)
    on_time = [r for r in rows if r.resolved_on_time is not None]
    evaluated = [r for r in rows if r.evaluated is not None and r.satisfied is not None]
    medians = sorted(r.median_hours for r in rows if r.median_hours is not None)
    middle = None
    if medians:
        half = len(medians) // 2
        middle = medians[half] if len(medians) % 2 else (medians[half - 1] + medians[half]) / 2
    return Totals(
        reported=len(rows),
        windows=len({r.window_id.casefold() for r in rows}),
        received=sum(r.received for r in rows),
        resolved=sum(r.resolved for r in rows),
        resolved_rate=Rate(sum(r.resolved for r in rows), sum(r.received for r in rows)),
        on_time_rate=Rate(sum(r.resolved_on_time or 0 for r in on_time), sum(r.resolved for r in on_time)),
        satisfaction=Rate(sum(r.satisfied or 0 for r in evaluated), sum(r.evaluated or 0 for r in evaluated)),
        middle_of_medians=None if middle is None else middle.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        medians=len(medians),
    )


@dataclass(frozen=True)
class MonthFigures:
    """One month of a window: its row, or None when the window did not report (未报送)."""

    month: str
    figures: WindowMonth | None
    corrected_from: str  # the release whose different row this one replaced; "" when none

    @property
    def satisfaction(self) -> Rate | None:
        f = self.figures
        if f is None or f.evaluated is None or f.satisfied is None:
            return None
        return Rate(f.satisfied, f.evaluated)

    @property
    def on_time(self) -> Rate | None:
        f = self.figures
        return None if f is None or f.resolved_on_time is None else Rate(f.resolved_on_time, f.resolved)


def window_months(record: WindowRecord, months: tuple[str, ...]) -> tuple[MonthFigures, ...]:
    """The window's figures for each of `months`, 未报送 where it has no row."""
    by_month = {m.figures.month: m for m in record.months}
    shown = []
    for month in months:
        standing = by_month.get(month)
        if standing is None:
            shown.append(MonthFigures(month, None, ""))
        else:
            corrected = standing.replaced[-1][0] if standing.replaced else ""
            shown.append(MonthFigures(month, standing.figures, corrected))
    return tuple(shown)
