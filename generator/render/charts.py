"""Bar charts of the case archive, drawn at build time as SVG: the geometry here, the markup in a template.

A chart is a static image with a data table beside it on the page, so it needs
no script and says the same to a screen reader. Sizes are whole pixels so the
same counts always give the same bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from generator import resources
from generator.render.feeds import xml_environment

TEMPLATES_DIR = resources.TEMPLATES_DIR / "charts"
WIDTH = 640
BAR_HEIGHT = 20
GAP = 8
FONT_SIZE = 13
PADDING = 8
MAX_LABEL_WIDTH = 240


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int  # top of the bar
    length: int  # pixels, at least 1 for a non-zero value
    text_y: int  # baseline of label and value


@dataclass(frozen=True)
class Tick:
    x: int
    value: int


@dataclass(frozen=True)
class BarChart:
    name: str  # file name without .svg: [a-z-]
    title: str
    width: int
    height: int
    label_width: int  # the labels' column; bars start after it
    plot_width: int  # the longest bar
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]

    @property
    def rel_path(self) -> str:
        return f"assets/charts/{self.name}.svg"


def text_width(text: str) -> int:
    """Pixels the label takes: wide (CJK) characters a full em, the others about half."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)
    return int(ems * FONT_SIZE + 0.999)


def _nice_step(maximum: int) -> int:
    """A round step (1, 2, 5 × 10^n) giving at most five ticks up to `maximum`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if maximum / (step * factor) <= 5:
                return step * factor
        step *= 10


def bar_chart(name: str, title: str, counts: tuple[tuple[str, int], ...]) -> BarChart:
    """Horizontal bars, one per (label, count), in the order given."""
    label_width = min(MAX_LABEL_WIDTH, max((text_width(label) for label, _ in counts), default=0)) + PADDING
    value_room = text_width(str(max((v for _, v in counts), default=0))) + PADDING
    plot_width = WIDTH - label_width - value_room - PADDING
    maximum = max((value for _, value in counts), default=0)
    step = _nice_step(max(maximum, 1))
    top = PADDING
    bars = []
    for index, (label, value) in enumerate(counts):
        y = top + index * (BAR_HEIGHT + GAP)
        length = 0 if value == 0 else max(1, round(value * plot_width / max(maximum, step)))
        bars.append(Bar(label, value, y, length, y + BAR_HEIGHT // 2 + FONT_SIZE * 2 // 5))
    axis_y = top + len(counts) * (BAR_HEIGHT + GAP)
    scale_max = max(maximum, step)
    ticks = tuple(Tick(label_width + round(v * plot_width / scale_max), v) for v in range(0, scale_max + 1, step))
    return BarChart(
        name=name,
        title=title,
        width=WIDTH,
        height=axis_y + FONT_SIZE + 2 * PADDING,
        label_width=label_width,
        plot_width=plot_width,
        bars=tuple(bars),
        ticks=ticks,
    )


def render_chart(chart: BarChart) -> str:
    return xml_environment(TEMPLATES_DIR).get_template("bars.svg.j2").render(chart=chart)
