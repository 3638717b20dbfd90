"""The safe-migration API: the agency register, statistics (JSON or CSV) and information pages for anyone; a
migrant's own records for them (and for officers of the responsible office, audited); complaints for anyone,
anonymous ones followed with their reference and secret code."""

import copy
import csv
import io
import json
import uuid
from typing import Any

import pydantic
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from elaos.migration import selectors, services
from elaos.migration.models import Complaint, Migrant, RecruitmentAgency
from elaos.migration.schemas import (
    AgencyDetailOut,
    AgencyListIn,
    AgencyOut,
    ComplaintFiledOut,
    ComplaintIn,
    ComplaintLookupIn,
    ComplaintStatusOut,
    InfoPageOut,
    MigrantListOut,
    MigrantOut,
    MigrationErrorOut,
    SanctionOut,
    StatisticsOut,
    StatRowOut,
    StatTableOut,
    TimelineOut,
)

router = Router(tags=["Safe migration"])

MINE = {401: MigrationErrorOut, 404: MigrationErrorOut}


def _agency(agency: RecruitmentAgency) -> dict[str, Any]:
    return {
        "licence_number": agency.licence_number,
        "name_lo": agency.name_lo,
        "name_en": agency.name_en,
        "status": agency.status,
        "licensed_on": agency.licensed_on,
        "licence_expires_on": agency.licence_expires_on,
        "licensed_today": agency.is_licensed_on(timezone.localdate()),
        "upheld_complaints": agency.upheld_complaints,  # type: ignore[attr-defined]
    }


@router.get("/agencies", response=list[AgencyOut], summary="Licence check: the register of recruitment agencies")
def agency_list(request: HttpRequest, filters: Query[AgencyListIn]) -> list[AgencyOut]:
    return [AgencyOut(**_agency(a)) for a in selectors.agency_register(q=filters.q, status=filters.status)]


@router.get(
    "/agencies/{licence_number}",
    response={200: AgencyDetailOut, 404: MigrationErrorOut},
    summary="One agency: licence, sanctions and upheld complaints",
)
def agency_detail(request: HttpRequest, licence_number: str) -> AgencyDetailOut:
    agency = selectors.agency_detail(licence_number)
    return AgencyDetailOut(
        **_agency(agency),
        scope=agency.scope,
        destination_countries=agency.destination_countries,
        head_office_address=agency.head_office_address,
        sanctions=[
            SanctionOut(date=c.date, from_status=c.from_status, status=c.status, reason=c.reason)
            for c in selectors.sanctions(agency)
        ],
    )


CSV_FORMAT = "csv"


@router.get(
    "/statistics",
    response=StatisticsOut,
    summary="Migration statistics with small-cell suppression (k = 11); ?format=csv for CSV",
)
def statistics(request: HttpRequest, format: str = "json") -> Any:
    tables = selectors.statistics()
    k = selectors._k()
    if format == CSV_FORMAT:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["table", "code", "label", "count"])
        for table in tables:
            for row in table.rows:
                writer.writerow([table.code, row.code, row.label, "" if row.count is None else row.count])
            if table.additive:
                writer.writerow([table.code, "total", _("Total"), "" if table.total is None else table.total])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="migration-statistics.csv"'
        return response
    return StatisticsOut(
        k=k,
        tables=[
            StatTableOut(
                code=t.code,
                title=t.title,
                rows=[StatRowOut(code=r.code, label=r.label, count=r.count) for r in t.rows],
                total=t.total,
                additive=t.additive,
            )
            for t in tables
        ],
    )


@router.get("/info-pages", response=list[InfoPageOut], summary="Safe-migration information by destination country")
def info_page_list(request: HttpRequest) -> list[Any]:
    return list(selectors.info_pages())


@router.get("/info-pages/{country}", response={200: InfoPageOut, 404: MigrationErrorOut}, summary="One country")
def info_page_detail(request: HttpRequest, country: str) -> Any:
    return selectors.info_page(country)


def _migrant_out(migrant: Migrant) -> MigrantOut:
    return MigrantOut(
        id=migrant.public_id,
        reference=migrant.reference,
        status=migrant.status,
        destination=migrant.destination,
        employer_name=migrant.employer_name,
        departure_date=migrant.departure_date,
        work_permit_expires_on=migrant.work_permit_expires_on,
        office=migrant.office.code,
        sector=migrant.sector,
        job_title=migrant.job_title,
        monthly_wage=migrant.monthly_wage,
        wage_currency=migrant.wage_currency,
        hours_per_week=migrant.hours_per_week,
        monthly_deductions=migrant.monthly_deductions,
        contract_months=migrant.contract_months,
        agency=migrant.agency.licence_number if migrant.agency else None,
        passport_number=migrant.passport_number,
        passport_expires_on=migrant.passport_expires_on,
        visa_number=migrant.visa_number,
        visa_expires_on=migrant.visa_expires_on,
        work_permit_number=migrant.work_permit_number,
        orientation_completed_on=migrant.orientation_completed_on,
        health_check_on=migrant.health_check_on,
        insurance_policy_number=migrant.insurance_policy_number,
        consent_purpose=migrant.consent_purpose,
        consented_at=migrant.consented_at,
        card_document_id=migrant.card_document_id,
        timeline=[TimelineOut(status=c.status, at=c.at, note=c.note) for c in selectors.migrant_timeline(migrant)],
    )


@router.get(
    "/migrants",
    response={200: list[MigrantListOut], 401: MigrationErrorOut},
    auth=django_auth,
    summary="My migrant records (and, for officers, those of their offices)",
)
def migrant_list(request: HttpRequest) -> list[MigrantListOut]:
    records = list(selectors.migrants_of(request.user)) + list(selectors.migrant_queue(request.user))
    seen: set[int] = set()
    out = []
    for m in records:
        if m.pk in seen:
            continue
        seen.add(m.pk)
        out.append(
            MigrantListOut(
                id=m.public_id,
                reference=m.reference,
                status=m.status,
                destination=m.destination,
                employer_name=m.employer_name,
                departure_date=m.departure_date,
                work_permit_expires_on=m.work_permit_expires_on,
            )
        )
    return out


@router.get(
    "/migrants/{public_id}",
    response={200: MigrantOut, **MINE},
    auth=django_auth,
    summary="One migrant record (officers' reads are audited for the person)",
)
def migrant_detail(request: HttpRequest, public_id: uuid.UUID) -> MigrantOut:
    migrant = selectors.migrant_for(request.user, public_id)
    services.migrant_read(actor=request.user, migrant=migrant, via="api")
    return _migrant_out(migrant)


@router.get(
    "/me/data",
    response={200: dict, 401: MigrationErrorOut},
    auth=django_auth,
    summary="Download my data",
    openapi_extra={
        "responses": {200: {"content": {"application/json": {"example": {"migrants": [], "complaints": []}}}}}
    },
)
def my_data(request: HttpRequest) -> dict:
    return selectors.my_data(request.user)


def _complaint_request_body() -> dict[str, Any]:
    """The request body documented in OpenAPI: JSON, or a multipart form that may carry one evidence file."""
    schema = ComplaintIn.model_json_schema()
    multipart = copy.deepcopy(schema)
    multipart["properties"]["evidence"] = {
        "type": "string",
        "format": "binary",
        "description": "Optional evidence: a PDF, JPEG or PNG file of at most 5 MB.",
    }
    return {
        "required": True,
        "content": {"application/json": {"schema": schema}, "multipart/form-data": {"schema": multipart}},
    }


def _complaint_input(request: HttpRequest) -> tuple[ComplaintIn, UploadedFile | None]:
    """The complaint as JSON, or as a multipart form with an optional `evidence` file (what the HTML form sends)."""
    if request.content_type == "multipart/form-data":
        data: Any = {name: value for name, value in request.POST.items() if value != "" or name != "submission_key"}
        files = request.FILES.getlist("evidence")
        if len(files) > 1:
            raise ValidationError({"evidence": [_("Send one evidence file with the complaint; add others later.")]})
        evidence = files[0] if files else None
    else:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise ValidationError({"__all__": [_("The request body is not valid JSON.")]}) from exc
        evidence = None
    try:
        return ComplaintIn.model_validate(data), evidence
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "__all__"
            errors.setdefault(where, []).append(error["msg"])
        raise ValidationError(errors) from exc


@router.post(
    "/complaints",
    response={201: ComplaintFiledOut, 404: MigrationErrorOut, 422: MigrationErrorOut},
    summary="Make a complaint (anonymous allowed), as JSON or as a multipart form with an evidence file",
    openapi_extra={"requestBody": _complaint_request_body()},
)
def complaint_file(request: HttpRequest) -> Any:
    try:
        payload, evidence = _complaint_input(request)
    except ValidationError as exc:
        return _invalid(exc)
    agency = None
    if payload.agency:
        agency = RecruitmentAgency.objects.active().filter(licence_number=payload.agency).first()
        if agency is None:
            return _invalid(ValidationError({"agency": _("No agency with this licence number is in the register.")}))
    if payload.complainant_kind not in (Complaint.Complainant.MIGRANT, Complaint.Complainant.FAMILY):
        return _invalid(ValidationError({"complainant_kind": _("Choose migrant or family.")}))
    try:
        # Never in the session user's name: this endpoint runs no CSRF check, so another site could otherwise file a
        # complaint as a signed-in person. Complainants who want their name on it use the (protected) form.
        complaint, code = services.complaint_file(
            actor=AnonymousUser(),
            complainant_kind=payload.complainant_kind,
            anonymous=payload.anonymous,
            contact_phone=payload.contact_phone,
            against=payload.against,
            agency=agency,
            employer_name=payload.employer_name,
            destination=payload.destination,
            category=payload.category,
            description=payload.description,
            files=[evidence] if evidence is not None else [],
            submission_key=payload.submission_key,
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _invalid(exc)
    return Status(
        201,
        ComplaintFiledOut(
            reference=complaint.reference,
            secret_code=code,
            status=complaint.status,
            due_at=complaint.due_at,
            evidence_files=complaint.evidence.active().count(),
        ),
    )


@router.post(
    "/complaints/status",
    response={200: ComplaintStatusOut, 404: MigrationErrorOut},
    summary="Follow a complaint with its reference and secret code",
)
def complaint_status(request: HttpRequest, payload: ComplaintLookupIn) -> ComplaintStatusOut:
    complaint = selectors.complaint_by_code(payload.reference, payload.code)
    if complaint is None:
        raise Http404
    return ComplaintStatusOut(
        reference=complaint.reference,
        category=complaint.category,
        against=complaint.against,
        status=complaint.status,
        outcome=complaint.outcome,
        outcome_note=complaint.outcome_note,
        filed_at=complaint.created_at,
        due_at=complaint.due_at,
    )


def _invalid(exc: ValidationError) -> Status[MigrationErrorOut]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, MigrationErrorOut(code="invalid", message=_("Some fields are not valid."), errors=errors))
