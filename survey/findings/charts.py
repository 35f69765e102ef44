"""The findings page's charts, drawn as SVG by the server: geometry here, elements in the template.

No charting script: the page works without JavaScript and stays inside the CSP ("script-src 'self'").
Each chart has a table of the same numbers beside it, for screen readers and for copying.
"""

from dataclasses import dataclass

WIDTH = 480
LABEL_PX = 200  # room for the category names left of the bars
VALUE_PX = 56  # room for the number after each bar
BAR_PX, GAP_PX = 18, 6
MAX_BARS = 12  # the table lists every row; the chart the largest


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the number shown after the bar
    y: float
    parts: tuple[tuple[float, float, str], ...]  # (x, width, css class) stacked left to right


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    label_px: int
    bar_px: int
    bars: list[Bar]
    legend: tuple[tuple[str, str], ...] = ()  # (css class, meaning)


def _scale(largest: int) -> float:
    return (WIDTH - LABEL_PX - VALUE_PX) / largest if largest else 0.0


def bar_chart(title: str, rows: list[tuple[str, int]]) -> BarChart:
    """One bar per (label, count), longest first as given."""
    rows = rows[:MAX_BARS]
    scale = _scale(max((count for _, count in rows), default=0))
    bars = [
        Bar(label, str(count), i * (BAR_PX + GAP_PX), ((LABEL_PX, count * scale, "bar"),))
        for i, (label, count) in enumerate(rows)
    ]
    return BarChart(title, WIDTH, _height(len(bars)), LABEL_PX, BAR_PX, bars)


def stacked_chart(title: str, rows: list[tuple[str, int, int]], legend: tuple[tuple[str, str], ...]) -> BarChart:
    """One bar per (label, first part, second part): e.g. without a sign, then with one."""
    rows = rows[:MAX_BARS]
    scale = _scale(max((a + b for _, a, b in rows), default=0))
    bars = []
    for i, (label, first, second) in enumerate(rows):
        parts = ((LABEL_PX, first * scale, "bar-alert"), (LABEL_PX + first * scale, second * scale, "bar-muted"))
        bars.append(Bar(label, f"{first} of {first + second}", i * (BAR_PX + GAP_PX), parts))
    return BarChart(title, WIDTH, _height(len(bars)), LABEL_PX, BAR_PX, bars, legend)


def _height(count: int) -> int:
    return max(count * (BAR_PX + GAP_PX), BAR_PX)


@dataclass(frozen=True)
class Column:
    month: str
    x: float
    up: float  # height of the first-seen column above the axis
    down: float  # height of the removed column below it
    first_seen: int
    removed: int


@dataclass(frozen=True)
class MonthChart:
    title: str
    width: int
    height: int
    axis_y: float
    column_px: float
    columns: list[Column]
    ticks: list[Column]  # the columns whose month is written under the axis


def month_chart(title: str, months: list) -> MonthChart:
    """Cameras first seen (up) and removed (down) by month, on one axis."""
    height, top = 220, 130.0  # the axis sits at `top`: first seen above, removed below
    most_seen = max((m.first_seen for m in months), default=0)
    most_removed = max((m.removed for m in months), default=0)
    up_scale = (top - 10) / most_seen if most_seen else 0.0
    # One scale both ways, unless the removals would run off the bottom: then theirs is smaller.
    room = (height - top - 24) / most_removed if most_removed else up_scale
    down_scale = min(up_scale or room, room)
    step = (WIDTH - 20) / max(len(months), 1)
    columns = [
        Column(m.month, 10 + i * step, m.first_seen * up_scale, m.removed * down_scale, m.first_seen, m.removed)
        for i, m in enumerate(months)
    ]
    every = max(1, len(columns) // 6)
    return MonthChart(title, WIDTH, height, top, max(step * 0.8, 1.0), columns, columns[::every])
