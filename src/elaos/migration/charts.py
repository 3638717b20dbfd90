"""Horizontal bar charts drawn on the server (SVG, no script), always shown beside a table of the same numbers.
Only published (suppressed) counts are ever drawn."""

from dataclasses import dataclass
from typing import Any

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH = 22, 8, 240, 360


@dataclass
class HBar:
    """One bar; coordinates are strings with a decimal point (templates would localise floats)."""

    label: str
    count: int
    y: str
    text_y: str
    width: str
    value_x: str


def bar_chart(rows: list[tuple[str, int | None]]) -> dict[str, Any] | None:
    shown = [(label, count) for label, count in rows if count]
    if not shown:
        return None
    top = max(count for _label, count in shown) or 1
    bars = []
    for i, (label, count) in enumerate(shown):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = PLOT_WIDTH * count / top  # type: ignore[operator]
        bars.append(
            HBar(
                label=label,
                count=count,  # type: ignore[arg-type]
                y=f"{y:.1f}",
                text_y=f"{y + BAR_HEIGHT / 2:.1f}",
                width=f"{width:.1f}",
                value_x=f"{LABEL_WIDTH + width + 6:.1f}",
            )
        )
    return {
        "bars": bars,
        "height": len(bars) * (BAR_HEIGHT + BAR_GAP),
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "left": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }
