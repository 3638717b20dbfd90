"""The public dashboard of the register: associations by sector and by province, and how long registration
decisions take against the statutory deadline. Charts are drawn on the server (SVG, no script), each with the
same numbers in a table."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from elaos.civil_society import selectors
from elaos.core.cache import public_page
from elaos.core.lao import localized

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH = 22, 8, 220, 380


@dataclass
class HBar:
    """One horizontal bar; coordinates are strings with a decimal point (templates would localise floats)."""

    label: str
    count: int
    y: str
    text_y: str
    width: str
    value_x: str


def bar_chart(rows: list[selectors.CountRow]) -> dict[str, Any] | None:
    if not rows:
        return None
    top = max(r.count for r in rows) or 1
    bars = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = PLOT_WIDTH * row.count / top
        bars.append(
            HBar(
                label=localized(row, "name") or _("Not recorded"),
                count=row.count,
                y=f"{y:.1f}",
                text_y=f"{y + BAR_HEIGHT / 2:.1f}",
                width=f"{width:.1f}",
                value_x=f"{LABEL_WIDTH + width + 6:.1f}",
            )
        )
    return {
        "bars": bars,
        "height": len(rows) * (BAR_HEIGHT + BAR_GAP),
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "left": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }


def dashboard_numbers() -> dict[str, Any]:
    return {
        "by_sector": selectors.npa_counts_by("sector"),
        "by_province": selectors.npa_counts_by("province"),
        "times": selectors.registration_times(),
    }


@public_page()
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    numbers = dashboard_numbers()
    return render(
        request,
        "civil_society/dashboard.html",
        {
            **numbers,
            "total": sum(r.count for r in numbers["by_sector"]),
            "sector_chart": bar_chart(numbers["by_sector"]),
            "province_chart": bar_chart(numbers["by_province"]),
        },
    )
