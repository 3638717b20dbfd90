"""Server-drawn SVG bar charts for the portal (templates/includes/bar_chart.html draws them): no script, and every
chart comes with its numbers in a table. Coordinates are strings with a decimal point, since templates would
localise floats ("240,0")."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from elaos.core.lao import format_kip

LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 230, 330, 150
BAR_HEIGHT, SERIES_GAP, ROW_GAP = 14, 2, 12
MAX_LABEL_CHARS = 30


@dataclass
class Series:
    """One series of a chart: its name (legend) and the CSS class giving its colour."""

    name: str
    css: str


@dataclass
class Part:
    name: str
    css: str
    y: str
    text_y: str
    width: str
    height: str
    value_x: str
    display: str


@dataclass
class Bar:
    label: str
    short_label: str
    text_y: str
    series: list[Part] = field(default_factory=list)


@dataclass
class Cell:
    text: str
    href: str = ""
    number: bool = False


@dataclass
class Column:
    label: str
    number: bool = False


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(
    rows: Sequence[tuple[str, Sequence[int | None]]],
    series: Sequence[Series],
    *,
    table: Table | None = None,
    fmt: Any = format_kip,
) -> dict[str, Any] | None:
    """Horizontal bars, one group per row: ``rows`` are (label, values in the order of ``series``); a value of None
    draws no bar. Bars share one scale, the largest value filling the plot."""
    if not rows:
        return None
    top = max((v for _label, values in rows for v in values if v), default=0) or 1
    group_height = len(series) * (BAR_HEIGHT + SERIES_GAP) - SERIES_GAP
    bars = []
    for i, (label, values) in enumerate(rows):
        y0 = i * (group_height + ROW_GAP)
        parts = []
        for j, (serie, value) in enumerate(zip(series, values, strict=True)):
            if value is None:
                continue
            y = y0 + j * (BAR_HEIGHT + SERIES_GAP)
            width = PLOT_WIDTH * max(value, 0) / top
            parts.append(
                Part(
                    name=serie.name,
                    css=serie.css,
                    y=_n(y),
                    text_y=_n(y + BAR_HEIGHT / 2),
                    width=_n(width),
                    height=_n(BAR_HEIGHT),
                    value_x=_n(LABEL_WIDTH + width + 6),
                    display=fmt(value),
                )
            )
        bars.append(Bar(label=label, short_label=_short(label), text_y=_n(y0 + group_height / 2), series=parts))
    return {
        "bars": bars,
        "height": len(rows) * (group_height + ROW_GAP),
        "width": LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        "left": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
        "legend": [{"name": s.name, "css": s.css} for s in series] if len(series) > 1 else [],
        "table": table,
    }
