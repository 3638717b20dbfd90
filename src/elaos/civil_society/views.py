"""The public NPA register (list with search and filters, one association's profile), the name check used while
filling the registration form, and the registrar's status changes. Views parse input and call selectors and
services; a registrar page answers 404 to anyone who is not a registrar, so it does not advertise itself."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from elaos.agencies.selectors import sectors
from elaos.civil_society import selectors, services
from elaos.civil_society.access import can_manage_register
from elaos.civil_society.models import Npa
from elaos.core.cache import public_page
from elaos.core.decorators import staff_required
from elaos.core.lao import format_kip, localized
from elaos.core.models import Province

PAGE_SIZE = 25


class RegisterForm(forms.Form):
    """The register's search and filters (a GET form); an unknown filter value is ignored, not an error page."""

    q = forms.CharField(
        label=gettext_lazy("Search the register"),
        help_text=gettext_lazy("A name or words of the objectives, in Lao or English."),
        max_length=200,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = ("", _("All"))
        self.fields["sector"].choices = [any_choice] + [(s.code, localized(s, "name")) for s in sectors()]
        self.fields["province"].choices = [any_choice] + [
            (p.code, localized(p, "name")) for p in Province.objects.order_by("code")
        ]
        self.fields["level"].choices = [any_choice, *Npa.Level.choices]
        self.fields["status"].choices = [any_choice, *Npa.Status.choices]
        self.fields["type"].choices = [any_choice, *Npa.Type.choices]

    def filters(self) -> selectors.RegisterFilters:
        self.is_valid()
        values = {name: "" if name in self.errors else self.cleaned_data.get(name) or "" for name in self.fields}
        return selectors.RegisterFilters(**values)


class StatusChangeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Published in the register with the date. Cite the decision and what it is based on."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    date = forms.DateField(
        label=gettext_lazy("Date of the decision"),
        help_text=gettext_lazy("Leave empty for today."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@public_page()
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.GET)
    filters = form.filters()
    npas = selectors.npa_register(filters)
    page = Paginator(npas, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "civil_society/register.html",
        {
            "form": form,
            "page": page,
            "filtered": filters.active,
            "counts": [(Npa.Status(s).label, s, n) for s, n in selectors.status_counts(npas).items()],
        },
    )


# The chart: income and spending by year, drawn on the server as SVG (no script), with the same numbers in a table.

CHART_WIDTH, CHART_HEIGHT = 640, 280
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM, PLOT_RIGHT = 110, 16, 240, 624
GRID_LINES = 4


@dataclass
class Bar:
    """One bar; coordinates are strings with a decimal point, since templates would localise floats ("240,0")."""

    x: str
    y: str
    width: str
    height: str
    css: str
    label: str


def _svg_number(value: float) -> str:
    return f"{value:.1f}"


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above a value, for round grid lines."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= factor * step:
                return factor * step
        step *= 10


def finance_chart(rows: list[selectors.YearFinances]) -> dict[str, Any] | None:
    if not rows:
        return None
    top = _nice_ceiling(max(max(r.income_kip, r.spending_kip) for r in rows) or 1)
    plot_height = PLOT_BOTTOM - PLOT_TOP
    group = (PLOT_RIGHT - PLOT_LEFT) / len(rows)
    bar_width = min(group * 0.35, 60)
    bars, years = [], []
    for i, row in enumerate(rows):
        centre = PLOT_LEFT + group * (i + 0.5)
        for offset, amount, css, what in (
            (-bar_width, row.income_kip, "chart-income", _("Income")),
            (0, row.spending_kip, "chart-spending", _("Spending")),
        ):
            height = plot_height * amount / top
            bars.append(
                Bar(
                    x=_svg_number(centre + offset),
                    y=_svg_number(PLOT_BOTTOM - height),
                    width=_svg_number(bar_width),
                    height=_svg_number(height),
                    css=css,
                    label=f"{row.year} {what}: {format_kip(amount)}",
                )
            )
        years.append({"x": _svg_number(centre), "year": row.year})
    grid = [
        {"y": _svg_number(PLOT_BOTTOM - plot_height * n / GRID_LINES), "label": format_kip(top * n // GRID_LINES)}
        for n in range(GRID_LINES + 1)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "bottom": PLOT_BOTTOM,
        "label_x": PLOT_LEFT - 8,
        "year_y": PLOT_BOTTOM + 22,
        "bars": bars,
        "years": years,
        "grid": grid,
    }


@public_page()
@require_GET
def profile(request: HttpRequest, registration_number: str) -> HttpResponse:
    npa = selectors.npa_detail(registration_number)
    finances = selectors.finances_by_year(npa)
    officers = list(npa.officers.all())
    return render(
        request,
        "civil_society/profile.html",
        {
            "npa": npa,
            "latest_change": selectors.latest_status_change(npa),
            "history": list(npa.status_changes.all()),
            "current_officers": [o for o in officers if o.is_current],
            "former_officers": [o for o in officers if not o.is_current],
            "finances": finances,
            "chart": finance_chart(finances),
            "missing_years": selectors.missing_report_years(npa, today=timezone.localdate()),
            "projects": npa.approved_projects,
            "can_manage": can_manage_register(request.user),
            "actions": _possible_actions(npa),
        },
    )


def _action_names() -> dict[str, str]:
    return {"suspend": _("Suspend"), "reinstate": _("Reinstate"), "dissolve": _("Dissolve")}


def _possible_actions(npa: Npa) -> list[tuple[str, str]]:
    return [
        (action, name)
        for action, name in _action_names().items()
        if (npa.status, services.ACTIONS[action]) in services.ALLOWED_MOVES
    ]


@require_GET
def name_check(request: HttpRequest) -> HttpResponse:
    """Is a proposed name free? JSON for programs; for htmx (the HX-Request header), a status message to show
    under the name field. The registration form checks again when it is sent."""
    # ?name= for programs; the registration form's fields send themselves as ?name_lo= or ?name_en=.
    name = (request.GET.get("name") or request.GET.get("name_lo") or request.GET.get("name_en") or "")[:200]
    similar = selectors.npa_name_available(name_lo=name, name_en=name)
    available = not any(s.exact for s in similar)
    if request.headers.get("HX-Request"):
        return render(
            request, "civil_society/_name_check.html", {"name": name, "available": available, "similar": similar}
        )
    return JsonResponse(
        {
            "name": name,
            "available": available,
            "similar": [
                {
                    "registration_number": s.registration_number,
                    "name_lo": s.name_lo,
                    "name_en": s.name_en,
                    "status": s.status,
                    "exact": s.exact,
                    "url": reverse("npas:profile", args=[s.registration_number]),
                }
                for s in similar
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def status_change(request: HttpRequest, registration_number: str, action: str) -> HttpResponse:
    if not can_manage_register(request.user):
        raise Http404
    npa = selectors.npa_detail(registration_number)
    if action not in dict(_possible_actions(npa)):
        raise Http404
    form = StatusChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.npa_transition(
                actor=request.user,
                npa=npa,
                action=action,
                reason=form.cleaned_data["reason"],
                date=form.cleaned_data["date"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The status of %(number)s was changed.") % {"number": npa.registration_number})
            return redirect("npas:profile", npa.registration_number)
    return render(
        request,
        "civil_society/status_change.html",
        {"npa": npa, "form": form, "action": action, "action_name": _action_names()[action]},
    )
