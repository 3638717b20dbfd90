"""Pages of safe migration: public (agency register, information by country, statistics, complaints), the migrant's
own pages under /migration/me/, and the offices' pages under /migration/backoffice/ (staff with the second factor;
anyone without access to an object gets a 404)."""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from elaos.core.cache import public_page
from elaos.core.decorators import staff_required
from elaos.migration import access, selectors, services
from elaos.migration import forms as mforms
from elaos.migration.charts import bar_chart
from elaos.migration.models import Complaint, Destination, InfoPage, Migrant, Referral

FILED_SESSION_KEY = "migration_filed_complaints"


def _run(form: forms.Form, service: Any, **kwargs: Any) -> Any:
    """Run a service for a valid form; its refusals become form errors (or a 404). None when refused."""
    try:
        return service(**kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


# Public pages


@public_page()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "migration/home.html", {"pages": selectors.info_pages()})


@public_page()
@require_GET
def info_page(request: HttpRequest, country: str) -> HttpResponse:
    page = selectors.info_page(country)
    return render(request, "migration/info_page.html", {"page": page, "can_edit": False})


@public_page()
@require_GET
def agency_register(request: HttpRequest) -> HttpResponse:
    form = mforms.AgencySearchForm(request.GET or None)
    q = status = ""
    if form.is_bound and form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    agencies = selectors.agency_register(q=q, status=status)
    return render(
        request,
        "migration/agency_register.html",
        {"form": form, "agencies": agencies, "searched": bool(q or status)},
    )


@public_page()
@require_GET
def agency_detail(request: HttpRequest, licence_number: str) -> HttpResponse:
    agency = selectors.agency_detail(licence_number)
    return render(
        request,
        "migration/agency_detail.html",
        {
            "agency": agency,
            "sanctions": selectors.sanctions(agency),
            "can_manage": access.can_manage_register(request.user),
        },
    )


def _statistics_context() -> dict[str, Any]:
    tables = selectors.statistics()
    for table in tables:
        table.extra["chart"] = bar_chart([(row.label, row.count) for row in table.rows if row.count])
    return {
        "tables": [t for t in tables if not t.code.startswith("protection_")],
        "protection_tables": [t for t in tables if t.code.startswith("protection_")],
        "protection_available": selectors.protection_statistics_available(),
        "k": selectors._k(),
    }


@public_page()
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "migration/statistics.html", _statistics_context())


def complaint_new(request: HttpRequest) -> HttpResponse:
    form = mforms.ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = _file_complaint(request, form)
        if result is not None:
            return redirect("migration:complaint_filed", result[0].reference)
    return render(request, "migration/complaint_form.html", {"form": form})


def _file_complaint(request: HttpRequest, form: Any, **extra: Any) -> tuple[Any, str] | None:
    """File the complaint of a valid form (the public one or an officer's); an anonymous complaint's secret code is
    remembered in the session so that the next page can show it once. None when the service refused it."""
    data = form.cleaned_data
    result = _run(
        form,
        services.complaint_file,
        actor=request.user,
        complainant_kind=data["complainant_kind"],
        anonymous=data["anonymous"],
        contact_phone=data["contact_phone"],
        against=data["against"],
        agency=data["agency"],
        employer_name=data["employer_name"],
        destination=data["destination"],
        category=data["category"],
        description=data["description"],
        files=[data["evidence"]] if data["evidence"] else [],
        submission_key=data["submission_key"],
        **extra,
    )
    if result is not None and result[1]:
        complaint, code = result
        filed = request.session.get(FILED_SESSION_KEY, {})
        filed[complaint.reference] = code
        request.session[FILED_SESSION_KEY] = filed
    return result


def complaint_filed(request: HttpRequest, reference: str) -> HttpResponse:
    """Shown once after filing: the reference, and for an anonymous complaint its secret code (kept only in the
    session that filed it)."""
    code = request.session.get(FILED_SESSION_KEY, {}).get(reference)
    complaint = Complaint.objects.active().filter(reference=reference).first()
    if complaint is None:
        raise Http404
    mine = request.user.is_authenticated and complaint.complainant_id == request.user.pk
    if not code and not mine and not (complaint.created_by_id and complaint.created_by_id == request.user.pk):
        raise Http404
    return render(request, "migration/complaint_filed.html", {"complaint": complaint, "code": code, "mine": mine})


def complaint_lookup(request: HttpRequest) -> HttpResponse:
    """Follow an anonymous complaint with its reference and secret code (sent by POST, never in the address)."""
    form = mforms.ComplaintLookupForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        complaint = selectors.complaint_by_code(form.cleaned_data["reference"], form.cleaned_data["code"])
        if complaint is None:
            form.add_error(None, _("No complaint matches this reference and code. Check both and try again."))
    return render(request, "migration/complaint_lookup.html", {"form": form, "complaint": complaint})


# The migrant's own pages


@login_required
def my_migration(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "migration/me.html",
        {"records": selectors.migrants_of(request.user), "complaints": selectors.complaints_of(request.user)},
    )


@login_required
def my_register(request: HttpRequest) -> HttpResponse:
    form = mforms.SelfRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        office, consent = data.pop("office"), data.pop("consent")
        migrant = _run(
            form,
            services.migrant_register,
            actor=request.user,
            person=request.user,
            office=office,
            consent=consent,
            **data,
        )
        if migrant is not None:
            messages.success(
                request, _("Your registration was recorded. Keep your reference: %(ref)s.") % {"ref": migrant.reference}
            )
            return redirect("migration:my_record", migrant.public_id)
    return render(request, "migration/migrant_form.html", {"form": form, "own": True})


def _own_record(request: HttpRequest, public_id: Any) -> Migrant:
    migrant = selectors.migrants_of(request.user).filter(public_id=public_id).first()
    if migrant is None:
        raise Http404
    return migrant


@login_required
def my_record(request: HttpRequest, public_id: Any) -> HttpResponse:
    migrant = _own_record(request, public_id)
    form = mforms.CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            services.correction_request_create,
            actor=request.user,
            migrant=migrant,
            details=form.cleaned_data["details"],
        )
        if done is not None:
            messages.success(request, _("Your request was sent to the labour office."))
            return redirect("migration:my_record", migrant.public_id)
    return render(
        request,
        "migration/my_record.html",
        {
            "migrant": migrant,
            "timeline": selectors.migrant_timeline(migrant),
            "corrections": migrant.correction_requests.active(),
            "form": form,
            "card_possible": migrant.status in services.CARD_STATUSES,
        },
    )


@login_required
@require_POST
def my_card(request: HttpRequest, public_id: Any) -> HttpResponse:
    migrant = _own_record(request, public_id)
    return _issue_card(request, migrant, reverse("migration:my_record", args=[migrant.public_id]))


def _issue_card(request: HttpRequest, migrant: Migrant, back: str) -> HttpResponse:
    try:
        document_id = services.migrant_card_issue(actor=request.user, migrant=migrant)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect("documents:download", document_id)


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    body = json.dumps(selectors.my_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="e-laos-migration-my-data.json"'
    return response


@login_required
@require_GET
def my_complaint(request: HttpRequest, public_id: Any) -> HttpResponse:
    complaint = selectors.complaint_of(request.user, public_id)
    return render(request, "migration/complaint_status.html", {"complaint": complaint})


# Referrals: answered by the staff of the office, or the members of the association, they were sent to.


def _recipient_page(view: Any) -> Any:
    """Signed-in people; staff must have passed their second factor like on every staff page."""

    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_staff:
            return staff_required(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper


@_recipient_page
def referral_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "migration/referral_inbox.html", {"referrals": selectors.referral_inbox(request.user)})


@_recipient_page
def referral_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    referral = selectors.referral_for_recipient(request.user, public_id)
    answer_form = mforms.ReferralAnswerForm(prefix="answer")
    outcome_form = mforms.ReferralOutcomeForm(prefix="outcome")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "answer" and referral.status == Referral.Status.PENDING:
            answer_form = mforms.ReferralAnswerForm(request.POST, prefix="answer")
            if answer_form.is_valid() and _run(
                answer_form,
                services.referral_respond,
                actor=request.user,
                referral=referral,
                accept=answer_form.cleaned_data["decision"] == "accept",
                reason=answer_form.cleaned_data["reason"],
            ):
                messages.success(request, _("Your answer was recorded."))
                return redirect("migration:referral_detail", referral.public_id)
        elif action == "outcome" and referral.status == Referral.Status.ACCEPTED:
            outcome_form = mforms.ReferralOutcomeForm(request.POST, prefix="outcome")
            if outcome_form.is_valid() and _run(
                outcome_form,
                services.referral_report_outcome,
                actor=request.user,
                referral=referral,
                outcome=outcome_form.cleaned_data["outcome"],
            ):
                messages.success(request, _("The outcome was recorded."))
                return redirect("migration:referral_detail", referral.public_id)
        else:
            raise Http404
    return render(
        request,
        "migration/referral_detail.html",
        {"referral": referral, "answer_form": answer_form, "outcome_form": outcome_form},
    )


# Back office


def _require_officer(request: HttpRequest) -> Any:
    offices = access.migration_offices_of(request.user)
    if not offices.exists():
        raise Http404
    return offices


@staff_required
def backoffice(request: HttpRequest) -> HttpResponse:
    officer = access.is_migration_officer(request.user)
    registrar = access.can_manage_register(request.user)
    if not (officer or registrar or access.inspection_offices_of(request.user).exists()):
        raise Http404
    context: dict[str, Any] = {"officer": officer, "registrar": registrar}
    if officer or access.inspection_offices_of(request.user).exists():
        context["complaints"] = selectors.complaint_queue(request.user).exclude(status=Complaint.Status.CLOSED)[:20]
    if officer:
        context["open_corrections"] = selectors.correction_requests_for_staff(request.user).filter(status="open")
    return render(request, "migration/bo/home.html", context)


@staff_required
def bo_migrants(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    q = request.GET.get("q", "")
    records = selectors.migrant_queue(request.user, q=q, status=request.GET.get("status", ""))
    return render(request, "migration/bo/migrants.html", {"records": records[:200], "q": q})


@staff_required
def bo_migrant_new(request: HttpRequest) -> HttpResponse:
    offices = _require_officer(request)
    form = mforms.OfficerRegistrationForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        office, consent = data.pop("office"), data.pop("consent")
        phone, given, family = data.pop("phone"), data.pop("given_name_lo"), data.pop("family_name_lo")
        with transaction.atomic():
            person = _run(form, services.person_for_phone, phone=phone, given_name_lo=given, family_name_lo=family)
            migrant = None
            if person is not None:
                migrant = _run(
                    form,
                    services.migrant_register,
                    actor=request.user,
                    person=person,
                    office=office,
                    consent=consent,
                    **data,
                )
            if migrant is None:
                transaction.set_rollback(True)
        if migrant is not None:
            messages.success(request, _("The migrant was registered: %(ref)s.") % {"ref": migrant.reference})
            return redirect("migration:bo_migrant", migrant.public_id)
    return render(request, "migration/migrant_form.html", {"form": form, "own": False})


def _officer_record(request: HttpRequest, public_id: Any) -> Migrant:
    migrant = selectors.migrant_for(request.user, public_id)
    if not access.has_migration_role(request.user, migrant.office_id):
        raise Http404
    return migrant


@staff_required
def bo_migrant(request: HttpRequest, public_id: Any) -> HttpResponse:
    migrant = _officer_record(request, public_id)
    form = mforms.MigrantTransitionForm(request.POST or None, migrant=migrant)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            services.migrant_transition,
            actor=request.user,
            migrant=migrant,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    ):
        messages.success(request, _("The status was changed."))
        return redirect("migration:bo_migrant", migrant.public_id)
    services.migrant_read(actor=request.user, migrant=migrant, via="page")
    return render(
        request,
        "migration/bo/migrant.html",
        {
            "migrant": migrant,
            "timeline": selectors.migrant_timeline(migrant),
            "form": form,
            "card_possible": migrant.status in services.CARD_STATUSES,
            "corrections": migrant.correction_requests.active(),
        },
    )


@staff_required
def bo_migrant_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    migrant = _officer_record(request, public_id)
    form = mforms.MigrantForm(request.POST or None, instance=migrant)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.MIGRANT_FIELDS}
        migrant.refresh_from_db()
        if _run(form, services.migrant_update, actor=request.user, migrant=migrant, **fields):
            messages.success(request, _("The record was saved."))
            return redirect("migration:bo_migrant", migrant.public_id)
    else:
        services.migrant_read(actor=request.user, migrant=migrant, via="edit")
    return render(request, "migration/migrant_edit.html", {"form": form, "migrant": migrant})


@staff_required
@require_POST
def bo_migrant_card(request: HttpRequest, public_id: Any) -> HttpResponse:
    migrant = _officer_record(request, public_id)
    return _issue_card(request, migrant, reverse("migration:bo_migrant", args=[migrant.public_id]))


@staff_required
def bo_corrections(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    return render(
        request, "migration/bo/corrections.html", {"requests": selectors.correction_requests_for_staff(request.user)}
    )


@staff_required
def bo_correction(request: HttpRequest, public_id: Any) -> HttpResponse:
    correction = selectors.correction_request_for_staff(request.user, public_id)
    form = mforms.CorrectionResolveForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            services.correction_request_resolve,
            actor=request.user,
            request=correction,
            status=form.cleaned_data["status"],
            resolution=form.cleaned_data["resolution"],
        )
    ):
        messages.success(request, _("The answer was recorded."))
        return redirect("migration:bo_corrections")
    return render(request, "migration/bo/correction.html", {"correction": correction, "form": form})


@staff_required
def bo_complaints(request: HttpRequest) -> HttpResponse:
    if not (access.is_migration_officer(request.user) or access.inspection_offices_of(request.user).exists()):
        raise Http404
    complaints = selectors.complaint_queue(request.user, status=request.GET.get("status", ""))
    return render(request, "migration/bo/complaints.html", {"complaints": complaints[:200]})


@staff_required
def bo_complaint_new(request: HttpRequest) -> HttpResponse:
    offices = _require_officer(request)
    form = mforms.OfficerComplaintForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        result = _file_complaint(request, form, office=form.cleaned_data["office"])
        if result is not None:
            complaint, code = result
            if code:
                return redirect("migration:complaint_filed", complaint.reference)
            return redirect("migration:bo_complaint", complaint.public_id)
    return render(request, "migration/complaint_form.html", {"form": form, "officer": True})


@staff_required
def bo_complaint(request: HttpRequest, public_id: Any) -> HttpResponse:
    complaint = selectors.complaint_for_staff(request.user, public_id)
    form = mforms.ComplaintHandleForm(request.POST or None, complaint=complaint, prefix="handle")
    evidence_form = mforms.EvidenceForm(prefix="evidence")
    if request.method == "POST":
        if request.POST.get("action") == "evidence":
            evidence_form = mforms.EvidenceForm(request.POST, request.FILES, prefix="evidence")
            form = mforms.ComplaintHandleForm(complaint=complaint, prefix="handle")
            if evidence_form.is_valid() and _run(
                evidence_form,
                services.complaint_evidence_add,
                actor=request.user,
                complaint=complaint,
                upload=evidence_form.cleaned_data["evidence"],
            ):
                messages.success(request, _("The evidence was added."))
                return redirect("migration:bo_complaint", complaint.public_id)
        elif form.is_valid():
            data = form.cleaned_data
            if _run(
                form,
                services.complaint_transition,
                actor=request.user,
                complaint=complaint,
                status=data["status"],
                note=data["note"],
                inspection_office=data["inspection_office"],
                outcome=data["outcome"],
                outcome_note=data["outcome_note"],
            ):
                messages.success(request, _("The complaint was updated."))
                return redirect("migration:bo_complaint", complaint.public_id)
    return render(
        request,
        "migration/bo/complaint.html",
        {
            "complaint": complaint,
            "form": form,
            "evidence_form": evidence_form,
            "history": complaint.status_changes.all(),
            "evidence": complaint.evidence.active(),
            "can_change": bool(form.fields["status"].choices),  # type: ignore[attr-defined]
        },
    )


@staff_required
@require_GET
def bo_evidence(request: HttpRequest, public_id: Any, evidence_id: Any) -> FileResponse:
    complaint = selectors.complaint_for_staff(request.user, public_id)
    evidence = complaint.evidence.active().filter(public_id=evidence_id).first()
    if evidence is None:
        raise Http404
    with transaction.atomic():
        from elaos.core.audit import audit_record

        audit_record(actor=request.user, action="migration.complaint_evidence_read", obj=complaint, data={})
    return FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )


@staff_required
def bo_returnees(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    return render(request, "migration/bo/returnees.html", {"returnees": selectors.returnee_queue(request.user)[:200]})


@staff_required
def bo_returnee_new(request: HttpRequest) -> HttpResponse:
    offices = _require_officer(request)
    form = mforms.ReturneeForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        office, consent = data.pop("office"), data.pop("consent")
        returnee = _run(form, services.returnee_register, actor=request.user, office=office, consent=consent, **data)
        if returnee is not None:
            messages.success(request, _("The returnee was registered: %(ref)s.") % {"ref": returnee.reference})
            return redirect("migration:bo_returnee", returnee.public_id)
    return render(request, "migration/bo/returnee_form.html", {"form": form})


@staff_required
def bo_returnee(request: HttpRequest, public_id: Any) -> HttpResponse:
    returnee = selectors.returnee_for(request.user, public_id)
    assess_form = mforms.AssessmentForm(
        prefix="assess", initial={"needs": returnee.needs, "needs_note": returnee.needs_note}
    )
    referral_form = mforms.ReferralForm(prefix="refer")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assess":
            assess_form = mforms.AssessmentForm(request.POST, prefix="assess")
            if assess_form.is_valid() and _run(
                assess_form,
                services.returnee_assess,
                actor=request.user,
                returnee=returnee,
                needs=assess_form.cleaned_data["needs"],
                needs_note=assess_form.cleaned_data["needs_note"],
            ):
                messages.success(request, _("The needs assessment was saved."))
                return redirect("migration:bo_returnee", returnee.public_id)
        elif action == "refer":
            referral_form = mforms.ReferralForm(request.POST, prefix="refer")
            if referral_form.is_valid() and _run(
                referral_form,
                services.referral_create,
                actor=request.user,
                returnee=returnee,
                **referral_form.cleaned_data,
            ):
                messages.success(request, _("The referral was sent."))
                return redirect("migration:bo_returnee", returnee.public_id)
        else:
            raise Http404
    return render(
        request,
        "migration/bo/returnee.html",
        {
            "returnee": returnee,
            "assess_form": assess_form,
            "referral_form": referral_form,
            "referrals": returnee.referrals.active().select_related("to_office", "to_npa"),
        },
    )


@staff_required
def bo_agency_status(request: HttpRequest, licence_number: str) -> HttpResponse:
    if not access.can_manage_register(request.user):
        raise Http404
    agency = selectors.agency_detail(licence_number)
    form = mforms.AgencyStatusForm(request.POST or None, agency=agency)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            services.agency_transition,
            actor=request.user,
            agency=agency,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, _("The licence status was changed and published."))
        return redirect("migration:agency_detail", agency.licence_number)
    return render(request, "migration/bo/agency_status.html", {"agency": agency, "form": form})


@staff_required
def bo_info_pages(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_register(request.user):
        raise Http404
    pages = {p.country: p for p in selectors.info_pages()}
    countries = [(code, label, pages.get(code)) for code, label in Destination.choices]
    return render(request, "migration/bo/info_pages.html", {"countries": countries})


@staff_required
def bo_info_page_edit(request: HttpRequest, country: str) -> HttpResponse:
    if not access.can_manage_register(request.user) or country not in Destination.values:
        raise Http404
    page = InfoPage.objects.active().filter(country=country).first()
    form = mforms.InfoPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in mforms.InfoPageForm.Meta.fields}
        if _run(form, services.info_page_save, actor=request.user, country=country, **fields):
            messages.success(request, _("The page was published."))
            return redirect("migration:info_page", country)
    return render(request, "migration/bo/info_page_edit.html", {"form": form, "country": Destination(country).label})
