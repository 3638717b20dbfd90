"""The association's own pages: the NPAs a person acts for, the annual report filed online and projects submitted
for approval; and the line ministry's queue of projects awaiting its decision. Pages of an association answer 404
to anyone who is not its administrator, so they leak nothing."""

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from elaos.civil_society import selectors, services
from elaos.civil_society.models import AnnualReport, Npa, annual_report_deadline
from elaos.core.decorators import staff_required
from elaos.core.lao import to_arabic_digits

INCOME_ROWS = 6
SPENDING_ROWS = 6
# Whole kip, optionally grouped by threes with dots, commas or spaces: 1234567, 1.234.567, 1,234,567, 1 234 567.
KIP = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*$|^\d+$")


class KipField(forms.Field):
    """An amount in whole kip, as people write it (Lao digits and thousands separators accepted)."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "30"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = to_arabic_digits(str(value or "")).strip().replace("₭", "").replace("\u00a0", " ")
        text = text.removesuffix("kip").removesuffix("ກີບ").strip()
        if not text:
            return None
        if text.startswith("-"):
            raise ValidationError(_("An amount cannot be negative."), code="negative")
        if not KIP.match(text):
            raise ValidationError(_("Write a whole number of kip, such as 1.234.567."), code="invalid")
        amount = int(re.sub(r"\D", "", text))
        if amount > 10**15:
            raise ValidationError(_("This amount is too large."), code="too_large")
        return amount


class AnnualReportForm(forms.Form):
    """A fixed number of blank income and spending rows, so the form works without script; empty rows are
    ignored."""

    activities_lo = forms.CharField(
        label=gettext_lazy("Activities of the year (Lao)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    activities_en = forms.CharField(
        label=gettext_lazy("Activities of the year (English)"),
        help_text=gettext_lazy("Optional."),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(INCOME_ROWS):
            self.fields[f"income_{i}_source"] = forms.CharField(
                label=gettext_lazy("Source"), max_length=200, required=False
            )
            self.fields[f"income_{i}_amount"] = KipField(label=gettext_lazy("Amount (kip)"), required=False)
            self.fields[f"income_{i}_foreign"] = forms.BooleanField(label=gettext_lazy("From abroad"), required=False)
        for i in range(SPENDING_ROWS):
            self.fields[f"spending_{i}_purpose"] = forms.CharField(
                label=gettext_lazy("Purpose"), max_length=200, required=False
            )
            self.fields[f"spending_{i}_amount"] = KipField(label=gettext_lazy("Amount (kip)"), required=False)

    def income_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "source": self[f"income_{i}_source"],
                "amount": self[f"income_{i}_amount"],
                "foreign": self[f"income_{i}_foreign"],
            }
            for i in range(INCOME_ROWS)
        ]

    def spending_rows(self) -> list[dict[str, Any]]:
        return [
            {"purpose": self[f"spending_{i}_purpose"], "amount": self[f"spending_{i}_amount"]}
            for i in range(SPENDING_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        income, spending = [], []
        for i in range(INCOME_ROWS):
            source, amount = (data.get(f"income_{i}_source") or "").strip(), data.get(f"income_{i}_amount")
            if f"income_{i}_amount" in self.errors:
                continue
            if source and amount is None:
                self.add_error(f"income_{i}_amount", _("Give the amount of this income."))
            elif amount is not None and not source:
                self.add_error(f"income_{i}_source", _("Name the source of this income."))
            elif source:
                foreign = bool(data.get(f"income_{i}_foreign"))
                income.append(services.IncomeIn(source_lo=source, amount_kip=amount, foreign=foreign))
        for i in range(SPENDING_ROWS):
            purpose, amount = (data.get(f"spending_{i}_purpose") or "").strip(), data.get(f"spending_{i}_amount")
            if f"spending_{i}_amount" in self.errors:
                continue
            if purpose and amount is None:
                self.add_error(f"spending_{i}_amount", _("Give the amount of this spending."))
            elif amount is not None and not purpose:
                self.add_error(f"spending_{i}_purpose", _("Say what this spending was for."))
            elif purpose:
                spending.append(services.SpendingIn(purpose_lo=purpose, amount_kip=amount))
        data["income"], data["spending"] = income, spending
        return data


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
@require_GET
def my_npas(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for membership in selectors.npas_of(request.user):
        npa = membership.npa
        year = today.year - 1
        rows.append(
            {
                "membership": membership,
                "npa": npa,
                "is_admin": membership.role == "npa_admin",
                "report_year": year,
                "report_due": annual_report_deadline(year),
                "report_filed": AnnualReport.objects.filter(npa=npa, year=year).exists(),
                "can_report": npa.status != Npa.Status.DISSOLVED and npa.registered_on.year <= year,
                "projects": list(selectors.projects_of(npa)) if membership.role == "npa_admin" else [],
            }
        )
    return render(request, "civil_society/npa/my_npas.html", {"rows": rows, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest, registration_number: str, year: int) -> HttpResponse:
    npa = selectors.npa_for_admin(request.user, registration_number)
    today = timezone.localdate()
    if year < npa.registered_on.year or year >= today.year + 1:
        raise Http404
    deadline = annual_report_deadline(year)
    filed = selectors.annual_report_for(npa, year)
    context: dict[str, Any] = {"npa": npa, "year": year, "deadline": deadline, "report": filed}
    if filed is not None:
        return render(request, "civil_society/npa/annual_report.html", context)
    form = AnnualReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.annual_report_submit(
                    actor=request.user,
                    npa=npa,
                    year=year,
                    income=form.cleaned_data["income"],
                    spending=form.cleaned_data["spending"],
                    activities_lo=form.cleaned_data["activities_lo"],
                    activities_en=form.cleaned_data["activities_en"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The annual report %(year)s was filed.") % {"year": year})
                return redirect("npas:annual_report", npa.registration_number, year)
        status = 400
    context.update(form=form, late=today > deadline)
    return render(request, "civil_society/npa/annual_report.html", context, status=status)


class ProjectForm(forms.Form):
    title_lo = forms.CharField(label=gettext_lazy("Title (Lao)"), max_length=250)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), help_text=gettext_lazy("Optional."), max_length=250, required=False
    )
    description_lo = forms.CharField(
        label=gettext_lazy("Description"),
        help_text=gettext_lazy("What the project will do, where and for whom."),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    budget_kip = KipField(label=gettext_lazy("Budget (kip)"))
    foreign_funding_kip = KipField(
        label=gettext_lazy("Foreign funding (kip)"),
        help_text=gettext_lazy("The part of the budget that comes from abroad; leave empty for none."),
        required=False,
    )
    funder = forms.CharField(
        label=gettext_lazy("Funder"),
        help_text=gettext_lazy("Who gives the foreign funding."),
        max_length=200,
        required=False,
    )
    starts_on = forms.DateField(label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("End"), widget=forms.DateInput(attrs={"type": "date"}))


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest, registration_number: str) -> HttpResponse:
    npa = selectors.npa_for_admin(request.user, registration_number)
    form = ProjectForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["foreign_funding_kip"] = data["foreign_funding_kip"] or 0
            try:
                services.npa_project_submit(actor=request.user, npa=npa, **data)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The project was sent to the line ministry for its decision."))
                return redirect("npas:my")
        status = 400
    return render(request, "civil_society/npa/project_new.html", {"npa": npa, "form": form}, status=status)


class ProjectDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Required for a rejection; the association reads it."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the rejection."))
        return data


@staff_required
@require_GET
def project_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "civil_society/npa/project_queue.html", {"rows": selectors.project_queue(request.user)})


@staff_required
@require_http_methods(["GET", "POST"])
def project_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project, instance = selectors.project_for_staff(request.user, pk)
    form = ProjectDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.npa_project_decide(
                    actor=request.user,
                    project=project,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("npas:project_queue")
        status = 400
    return render(
        request,
        "civil_society/npa/project_decide.html",
        {"project": project, "instance": instance, "form": form},
        status=status,
    )
