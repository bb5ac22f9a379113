"""The geometry of a window's twelve-month chart (reports received and resolved), drawn by a jinja SVG template.

Like the project's progress chart: a few hundred bytes of inline SVG, whole
units of the viewBox, the same figures always the same bytes. A month the
window did not report gets no bar but a mark, never a bar of height 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.window_figures import MonthFigures

WIDTH = 340
HEIGHT = 150
PLOT_LEFT = 30
PLOT_RIGHT = WIDTH - 6
PLOT_TOP = 10
PLOT_BOTTOM = 112
BAR_SHARE = 0.64  # of a month's slot


@dataclass(frozen=True)
class MonthBar:
    month: str  # YYYY-MM
    label: str  # 11月; the first month and each January also carry the year
    x: int  # left of the bar
    center: int
    reported: bool  # False: 未报送, no bar
    received: int
    resolved: int
    received_y: int  # top of the received bar
    resolved_y: int  # top of the resolved bar, drawn over it


@dataclass(frozen=True)
class ScaleLine:
    y: int
    value: int


@dataclass(frozen=True)
class WindowChart:
    width: int
    height: int
    left: int
    right: int
    bottom: int
    bar_width: int
    bars: tuple[MonthBar, ...]
    scale: tuple[ScaleLine, ...]
    missing: tuple[str, ...]  # months not reported, YYYY-MM

    @property
    def label_y(self) -> int:
        return self.bottom + 14

    @property
    def legend_y(self) -> int:
        return self.height - 4


def _step(maximum: int) -> int:
    step = 1
    while True:
        for factor in (1, 2, 5):
            if maximum / (step * factor) <= 4:
                return step * factor
        step *= 10


def window_chart(months: tuple[MonthFigures, ...]) -> WindowChart | None:
    """The chart of a window's months; None when it reported none of them."""
    if not any(m.figures for m in months):
        return None
    top_value = max((m.figures.received for m in months if m.figures), default=0)
    step = _step(max(top_value, 1))
    scale_max = -(-max(top_value, 1) // step) * step
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(months)
    bar_width = int(slot * BAR_SHARE)

    def y(value: int) -> int:
        return PLOT_BOTTOM - round(value * (PLOT_BOTTOM - PLOT_TOP) / scale_max)

    bars = []
    for index, month in enumerate(months):
        center = PLOT_LEFT + round(slot * index + slot / 2)
        number = int(month.month[5:])
        label = f"{month.month[:4]}年{number}月" if index == 0 or number == 1 else f"{number}月"
        received = month.figures.received if month.figures else 0
        resolved = month.figures.resolved if month.figures else 0
        bars.append(
            MonthBar(
                month.month,
                label,
                center - bar_width // 2,
                center,
                month.figures is not None,
                received,
                resolved,
                y(received),
                y(resolved),
            )  # fmt: skip
        )
    return WindowChart(
        width=WIDTH,
        height=HEIGHT,
        left=PLOT_LEFT,
        right=PLOT_RIGHT,
        bottom=PLOT_BOTTOM,
        bar_width=bar_width,
        bars=tuple(bars),
        scale=tuple(ScaleLine(y(v), v) for v in range(0, scale_max + 1, step)),
        missing=tuple(m.month for m in months if m.figures is None),
    )
