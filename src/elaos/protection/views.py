"""Pages of protection case management, under /backoffice/protection/.

Case pages exist only for staff holding a case role (case worker or case supervisor); for anyone else every URL
here answers the same 404 as a case that does not exist. Referral pages are for the recipients: members of an
association (who need not be staff) and case staff of a receiving office."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from elaos.core.audit import audit_record
from elaos.core.decorators import staff_required
from elaos.protection import access, selectors, services
from elaos.protection.forms import (
    AssignForm,
    BreakGlassForm,
    CaseOpenForm,
    CloseForm,
    ConsentForm,
    NoteForm,
    OutcomeForm,
    PlanItemForm,
    PlanStatusForm,
    ReferralAnswerForm,
    ReferralForm,
    RiskForm,
    StatusForm,
    TransferForm,
    WithdrawForm,
)
from elaos.protection.models import PlanItem, ProtectionCase, Referral


def case_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """staff_required, and a case role somewhere; anyone else gets a 404."""

    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access.has_case_role(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _run(form: forms.Form, service: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Run a service for a valid form: its refusals become form errors (a PermissionDenied a 404)."""
    try:
        return service(**kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


# Cases


@require_GET
@case_staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.case_list(request.user))
    selectors.audit_list_read(request.user, cases, channel="html")
    supervised = access.case_organisations(request.user, access.CASE_SUPERVISOR).exists()
    context = {
        "cases": cases,
        "supervisor": supervised,
        "alerts": list(selectors.break_glass_alerts(request.user)[:20]) if supervised else [],
        "now": timezone.now(),
    }
    return render(request, "protection/case_list.html", context)


@require_http_methods(["GET", "POST"])
@case_staff_required
def case_open(request: HttpRequest) -> HttpResponse:
    organisations = access.case_organisations(request.user).order_by("code")
    form = CaseOpenForm(organisations=organisations)
    if request.method == "POST":
        form = CaseOpenForm(request.POST, organisations=organisations)
        if form.is_valid():
            case = _run(
                form,
                services.case_open,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                facts=form.facts(),
                identity=form.identity(),
                consent_given=form.cleaned_data["consent_given"],
                consent_method=form.cleaned_data["consent_method"],
            )
            if case is not None:
                messages.success(request, _("The case is open: %(reference)s.") % {"reference": case.reference})
                return redirect("protection:case_detail", case.public_id)
    return render(request, "protection/case_open.html", {"form": form}, status=400 if form.errors else 200)


def _case_forms(request: HttpRequest, case: ProtectionCase, data: Any = None, only: str = "") -> dict[str, Any]:
    """The page's forms, unbound; with `data`, the one named `only` bound to it."""
    offices = selectors.referral_offices()
    npas = selectors.referral_npas()

    def make(name: str, factory: Callable[..., forms.Form]) -> forms.Form:
        return factory(data) if name == only else factory(None)

    built = {
        "note_form": make("note_form", lambda d: NoteForm(d, prefix="note")),
        "consent_form": make("consent_form", lambda d: ConsentForm(d, prefix="consent", offices=offices, npas=npas)),
        "risk_form": make("risk_form", lambda d: RiskForm(d, prefix="risk")),
        "plan_form": make("plan_form", lambda d: PlanItemForm(d, prefix="plan")),
        "referral_form": make(
            "referral_form", lambda d: ReferralForm(d, prefix="referral", offices=offices, npas=npas)
        ),
        "transfer_form": make(
            "transfer_form",
            lambda d: TransferForm(d, prefix="transfer", offices=offices.exclude(pk=case.organisation_id)),
        ),
        "close_form": make("close_form", lambda d: CloseForm(d, prefix="close")),
        "status_form": make("status_form", lambda d: StatusForm(d, prefix="status")),
    }
    if access.is_supervisor(request.user, case.organisation):
        workers = selectors.case_workers_of(case.organisation)
        built["assign_form"] = make("assign_form", lambda d: AssignForm(d, prefix="assign", workers=workers))
    return built


def _act(request: HttpRequest, case: ProtectionCase, action: str, form: forms.Form) -> str | None:
    """Run one posted action; returns the success message id, or None when the form has errors."""
    data = form.cleaned_data
    actor = request.user
    if action == "note":
        done = _run(form, services.note_add, actor=actor, case=case, text=data["text"])
        return gettext_noop("The note is saved.") if done else None
    if action == "consent":
        done = _run(
            form,
            services.consent_record,
            actor=actor,
            case=case,
            purpose=data["purpose"],
            method=data["method"],
            recipient_organisation=data["recipient_office"],
            recipient_npa=data["recipient_npa"],
            given_on=data["given_on"],
        )
        return gettext_noop("The consent is recorded.") if done else None
    if action == "risk":
        done = _run(form, services.risk_assess, actor=actor, case=case, scores=form.scores())  # type: ignore[attr-defined]
        return gettext_noop("The risk assessment is saved.") if done else None
    if action == "plan":
        done = _run(form, services.plan_item_add, actor=actor, case=case, **data)
        return gettext_noop("The plan item is added.") if done else None
    if action == "referral":
        done = _run(
            form,
            services.referral_create,
            actor=actor,
            case=case,
            service=data["service"],
            details=data["details"],
            to_organisation=data["to_office"],
            to_npa=data["to_npa"],
        )
        return gettext_noop("The referral is sent.") if done else None
    if action == "transfer":
        done = _run(
            form,
            services.case_transfer,
            actor=actor,
            case=case,
            to_organisation=data["to_organisation"],
            reason=data["reason"],
        )
        return gettext_noop("The case is transferred.") if done else None
    if action == "close":
        done = _run(form, services.case_close, actor=actor, case=case, reason=data["reason"], note=data["note"])
        return gettext_noop("The case is closed.") if done else None
    if action == "status":
        done = _run(form, services.case_set_status, actor=actor, case=case, status=data["status"])
        return gettext_noop("The status is changed.") if done else None
    if action == "assign":
        done = _run(form, services.case_assign, actor=actor, case=case, case_worker=data["case_worker"])
        return gettext_noop("The case is assigned.") if done else None
    raise Http404


ACTION_FORMS = {
    "note": "note_form",
    "consent": "consent_form",
    "risk": "risk_form",
    "plan": "plan_form",
    "referral": "referral_form",
    "transfer": "transfer_form",
    "close": "close_form",
    "status": "status_form",
    "assign": "assign_form",
}


def _posted_id(request: HttpRequest, name: str) -> uuid.UUID | None:
    """The row id a form posts; a value that is no id names no row (a 404, never a server error)."""
    try:
        return uuid.UUID(request.POST.get(name) or "")
    except ValueError:
        return None


def _row_action(request: HttpRequest, case: ProtectionCase, action: str) -> bool:
    """Actions on one row of the page (withdraw a consent, change a plan item); True when done."""
    if action == "withdraw":
        form: forms.Form = WithdrawForm(request.POST)
        consent = case.consents.active().filter(public_id=_posted_id(request, "consent")).first()
        if consent is None or not form.is_valid():
            raise Http404
        if _run(form, services.consent_withdraw, actor=request.user, consent=consent, note=form.cleaned_data["note"]):
            messages.success(request, _("The consent is withdrawn."))
            return True
    else:
        form = PlanStatusForm(request.POST)
        item = case.plan_items.active().filter(public_id=_posted_id(request, "item")).first()
        if item is None or not form.is_valid():
            raise Http404
        if _run(form, services.plan_item_set_status, actor=request.user, item=item, status=form.cleaned_data["status"]):
            messages.success(request, _("The plan item is updated."))
            return True
    messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("This change was refused."))
    return False


@require_http_methods(["GET", "POST"])
@case_staff_required
def case_detail(request: HttpRequest, case: str) -> HttpResponse:
    found = selectors.case_read(request.user, case)
    page_forms = _case_forms(request, found)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("withdraw", "plan_status"):
            _row_action(request, found, action)
            return redirect("protection:case_detail", found.public_id)
        name = ACTION_FORMS.get(action)
        if name is None or name not in page_forms:
            raise Http404
        page_forms = _case_forms(request, found, request.POST, only=name)
        bound = page_forms[name]
        if bound.is_valid():
            done = _act(request, found, action, bound)
            if done:
                messages.success(request, _(done))
                if action == "transfer" and not access.visible_cases(request.user).filter(pk=found.pk).exists():
                    return redirect("protection:case_list")
                return redirect("protection:case_detail", found.public_id)
        status = 400
        found.refresh_from_db()
    context = {
        "case": found,
        **selectors.case_page(found),
        **page_forms,
        "is_supervisor": access.is_supervisor(request.user, found.organisation),
        "plan_statuses": PlanItem.Status.choices,
        "today": timezone.localdate(),
    }
    return render(request, "protection/case_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@case_staff_required
def break_glass(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(initial={"reference": request.GET.get("reference", "")})
    if request.method == "POST":
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            case = _run(
                form,
                services.break_glass_open,
                actor=request.user,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
            )
            if case is not None:
                messages.warning(
                    request,
                    _("Emergency access for %(minutes)s minutes. Your supervisor has been told.")
                    % {"minutes": access.break_glass_minutes()},
                )
                return redirect("protection:case_detail", case.public_id)
    context = {"form": form, "minutes": access.break_glass_minutes()}
    return render(request, "protection/break_glass.html", context, status=400 if form.errors else 200)


# The anonymised export (case supervisors)


def _require_supervisor(request: HttpRequest) -> None:
    if not access.case_organisations(request.user, access.CASE_SUPERVISOR).exists():
        raise Http404


@require_GET
@case_staff_required
def export(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    from elaos.protection.export import COLUMNS, QUASI_IDENTIFIERS

    context = {"k": selectors.k_threshold(), "columns": COLUMNS, "quasi_identifiers": QUASI_IDENTIFIERS}
    return render(request, "protection/export.html", context)


@require_GET
@case_staff_required
def export_csv(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    from django.db import transaction

    from elaos.protection.export import release_csv

    release = selectors.case_export()
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="protection.export",
            data={"rows": len(release.rows), "levels": release.levels},
        )
    response = HttpResponse(release_csv(release), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="protection-cases-htcds-k11.csv"'
    response["Cache-Control"] = "no-store"
    return response


# Referrals, as their recipients see them


def _referral_recipient(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_staff and not request.user.is_verified():  # type: ignore[attr-defined]
            return staff_required(view)(request, *args, **kwargs)
        if not access.receives_referrals(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@require_GET
@_referral_recipient
def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = list(selectors.referrals_received(request.user))
    return render(request, "protection/referral_list.html", {"referrals": referrals})


@require_http_methods(["GET", "POST"])
@_referral_recipient
def referral_detail(request: HttpRequest, referral: str) -> HttpResponse:
    found = selectors.referral_read(request.user, referral)
    answer_form = ReferralAnswerForm(prefix="answer")
    outcome_form = OutcomeForm(prefix="outcome")
    bound: forms.Form | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "answer":
            bound = answer_form = ReferralAnswerForm(request.POST, prefix="answer")
            if answer_form.is_valid() and _run(
                answer_form,
                services.referral_respond,
                actor=request.user,
                referral=found,
                accept=answer_form.cleaned_data["decision"] == "accept",
                reason=answer_form.cleaned_data["reason"],
            ):
                messages.success(request, _("Your answer is sent to the case worker."))
                return redirect("protection:referral_detail", found.public_id)
        elif action == "outcome":
            bound = outcome_form = OutcomeForm(request.POST, prefix="outcome")
            if outcome_form.is_valid() and _run(
                outcome_form,
                services.referral_report_outcome,
                actor=request.user,
                referral=found,
                outcome=outcome_form.cleaned_data["outcome"],
            ):
                messages.success(request, _("The outcome is reported."))
                return redirect("protection:referral_detail", found.public_id)
        else:
            raise Http404
        found.refresh_from_db()
    context = {
        "referral": found,
        "gender": found.case.get_gender_display(),
        "age_band": found.case.get_age_band_display(),
        "answer_form": answer_form if found.status == Referral.Status.PENDING else None,
        "outcome_form": outcome_form if found.status == Referral.Status.ACCEPTED else None,
    }
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "protection/referral_detail.html", context, status=status)
