"""The geometry of a project's progress chart, computed at build time and drawn by a jinja SVG template.

The page carries no chart library: a citizen on a weak mobile signal gets a few
hundred bytes of inline SVG. Coordinates are whole units of the SVG's viewBox,
so the markup is short and the same history always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.model.records import ProgressPoint

# The viewBox: wide and low, so the chart stays small on a phone held upright.
WIDTH = 340
HEIGHT = 160
PLOT_LEFT = 44  # room for the "100%" labels of the scale
PLOT_RIGHT = WIDTH - 10
PLOT_TOP = 12
PLOT_BOTTOM = 118
SCALE_STEPS = (0, 50, 100)


@dataclass(frozen=True)
class ChartPoint:
    x: int
    y: int
    date: date
    value: Decimal  # percentage points


@dataclass(frozen=True)
class Series:
    """One line of the chart: the progress reported, or the share of the investment completed."""

    name: str  # shown in the legend
    css_class: str  # a fixed name of ours, never data
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class GridLine:
    y: int
    percent: int


@dataclass(frozen=True)
class ProgressChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    grid: tuple[GridLine, ...]
    series: tuple[Series, ...]  # only the series with at least one point
    first_date: date
    last_date: date

    @property
    def label_y(self) -> int:
        """Baseline of the date labels under the plot."""
        return self.bottom + 18

    @property
    def legend_y(self) -> int:
        return self.height - 4


def progress_chart(history: tuple[ProgressPoint, ...], total_investment: Decimal) -> ProgressChart | None:
    """The chart of a history, or None when it has no value to draw."""
    progress = [(p.date, p.progress) for p in history if p.progress is not None]
    invested = []
    if total_investment > 0:
        invested = [
            # Whole percent, rounded down like the page's investment bar.
            (p.date, Decimal(min(100, int(p.completed_investment * 100 / total_investment))))
            for p in history
            if p.completed_investment is not None
        ]
    dated = [d for d, _ in progress + invested]
    if not dated:
        return None
    first, last = min(dated), max(dated)
    series = [
        Series(name, css_class, tuple(_point(d, v, first, last) for d, v in values))
        for name, css_class, values in (
            ("形象进度", "pj-chart-progress", progress),
            ("投资完成比例", "pj-chart-invest", invested),
        )
        if values
    ]
    return ProgressChart(
        width=WIDTH,
        height=HEIGHT,
        left=PLOT_LEFT,
        right=PLOT_RIGHT,
        top=PLOT_TOP,
        bottom=PLOT_BOTTOM,
        grid=tuple(GridLine(_y(Decimal(step)), step) for step in SCALE_STEPS),
        series=tuple(series),
        first_date=first,
        last_date=last,
    )


def _point(day: date, value: Decimal, first: date, last: date) -> ChartPoint:
    return ChartPoint(_x(day, first, last), _y(value), day, value)


def _x(day: date, first: date, last: date) -> int:
    span = (last - first).days
    if span == 0:  # one day only: the point stands in the middle
        return (PLOT_LEFT + PLOT_RIGHT) // 2
    return PLOT_LEFT + round((day - first).days * (PLOT_RIGHT - PLOT_LEFT) / span)


def _y(percent: Decimal) -> int:
    clamped = max(Decimal(0), min(Decimal(100), percent))
    return PLOT_BOTTOM - int((clamped * (PLOT_BOTTOM - PLOT_TOP) / 100).to_integral_value())
