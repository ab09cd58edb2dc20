"""The results' dates as a bar chart: an SVG drawn on the server (no JavaScript).

Bars are the decade facet's own counts, so the chart and the facet list always agree;
when every dated result falls within ten years (one decade, or two neighbouring decades
whose years span less than ten) the bars are years instead (one more query). Each bar is a
link that narrows the search to its decade or year.

The axis labels are HTML under the SVG, not SVG text: text in a ``viewBox`` shrinks with
the chart (11 units were 5 px on a phone), HTML keeps the page's type size. Every bar gets
a label slot of the same width (a flex row under the chart); on narrow screens every other
shown label is dropped (``minor``) so they never run into one another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

WIDTH, HEIGHT = 640, 140
#: At most this many axis labels on a desktop (half as many on a phone).
MAX_LABELS = 10


@dataclass
class Bar:
    label: str
    count: int
    url: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    show_label: bool = False
    minor_label: bool = False  # hidden on a phone, where the labels have half the room
    selected: bool = False

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class Histogram:
    unit: str  # "decade" or "year"
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    chart_height: int = HEIGHT

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)

    @property
    def tallest(self) -> Bar | None:
        return max(self.bars, key=lambda b: b.count, default=None)


def _layout(hist: Histogram) -> Histogram:
    bars = hist.bars
    if not bars:
        return hist
    peak = max(b.count for b in bars) or 1
    slot = hist.width / len(bars)
    every = max(1, math.ceil(len(bars) / MAX_LABELS))
    for i, bar in enumerate(bars):
        bar.width = max(1.0, slot * 0.8)
        bar.x = round(i * slot + slot * 0.1, 1)
        bar.height = round(hist.chart_height * bar.count / peak, 1) if bar.count else 0
        if bar.count and bar.height < 2:
            bar.height = 2
        bar.y = round(hist.chart_height - bar.height, 1)
        bar.show_label = i % every == 0
        bar.minor_label = bar.show_label and (i // every) % 2 == 1
    return hist


def build_histogram(page, results) -> Histogram | None:
    """The chart for a page of results, or None when fewer than two dated documents."""
    options = [o for o in page.facets.get("decade", []) if o.value != "undated" and o.count]
    dated = sum(o.count for o in options)
    if dated < 2:
        return None
    decades = sorted(int(o.value) for o in options)
    if decades[-1] - decades[0] <= 10:  # one decade or two neighbours: maybe within ten years
        years = results.year_counts()
        if len(years) > 1 and years[-1][0] - years[0][0] < 10:
            return _layout(Histogram("year", _year_bars(page, dict(years))))
    counts = {int(o.value): o for o in options}
    first, last = min(counts), max(counts)
    bars = []
    for decade in range(first, last + 10, 10):
        option = counts.get(decade)
        if option:
            bars.append(Bar(f"{decade}s", option.count, option.url, selected=option.selected))
        else:
            bars.append(Bar(f"{decade}s", 0, ""))
    return _layout(Histogram("decade", bars))


def _year_bars(page, counts: dict[int, int]) -> list[Bar]:
    kept = [(k, v) for k, v in page.params if k not in ("start_date", "end_date", "page")]
    bars = []
    for year in range(min(counts), max(counts) + 1):
        url = page.base_path + "?" + urlencode([*kept, ("start_date", year), ("end_date", year)])
        bars.append(Bar(str(year), counts.get(year, 0), url if counts.get(year) else ""))
    return bars
