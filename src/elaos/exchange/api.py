"""The exchange JSON API.

For citizens (session): /consents (list, give, confirm with the code, approve or decline an agency's request,
revoke, receipt) and /me/access-log. For anyone: /consents/receipts/verify. For agency systems (OAuth2 client
credentials, Bearer token): /exchange/... datasets, each one scope, each read written to the audit chain with the
client, the purpose (X-Purpose header), the person and the SHA-256 of the response body."""

import csv
import hashlib
import io
import json
import logging
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from ninja.security import django_auth

from elaos.civil_society import selectors as npa_selectors
from elaos.exchange import selectors, services
from elaos.exchange.agency_auth import AgencyCall, agency_call, agency_token, error_response
from elaos.exchange.datasets import DATASETS, Purpose
from elaos.exchange.models import ConsentGrant
from elaos.exchange.schemas import (
    AccessLogOut,
    AddressOut,
    ChannelIn,
    CodeIn,
    ConsentAgencyOut,
    ConsentCheckOut,
    ConsentIn,
    ConsentOut,
    ConsentRequestIn,
    ConsentRequestOut,
    ErrorOut,
    LicenceOut,
    NpaEntryOut,
    PersonApplicationOut,
    PersonApplicationsOut,
    ReceiptCheckOut,
    ReceiptIn,
    ReceiptOut,
)
from elaos.migration import selectors as migration_selectors
from elaos.services import selectors as service_selectors

logger = logging.getLogger(__name__)

router = Router(tags=["Agency data exchange and consent"])

MINE = {401: ErrorOut, 404: ErrorOut}
AGENCY = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}
ACCESS_LOG_COLUMNS = ["at", "what", "who", "office", "purpose", "dataset", "reference"]


def _purpose_header(*, required: bool) -> dict[str, Any]:
    """The X-Purpose header in OpenAPI (agency_call reads it; a `purpose` query parameter is also accepted)."""
    return {
        "parameters": [
            {
                "in": "header",
                "name": "X-Purpose",
                "required": required,
                "description": "Why your system asks; recorded with the read in the person's access log."
                + ("" if required else " With it, the consent must cover this purpose."),
                "schema": {"type": "string", "enum": list(Purpose.values)},
                "example": Purpose.SERVICE_DELIVERY.value,
            }
        ]
    }


def _invalid(exc: ValidationError) -> Status[ErrorOut]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, ErrorOut(code="invalid", message=_("Some fields are not valid."), errors=errors))


def _consent_out(request: HttpRequest, grant: ConsentGrant) -> ConsentOut:
    org = grant.organisation
    return ConsentOut(
        id=grant.public_id,
        agency=ConsentAgencyOut(code=org.code, name_lo=org.name_lo, name_en=org.name_en),
        datasets=grant.datasets,
        purpose=grant.purpose,
        valid_until=grant.valid_until,
        status=grant.status,
        in_force=grant.is_in_force,
        requested_by_agency=grant.requested_by_id is not None,
        request_note=grant.request_note,
        created_at=grant.created_at,
        confirmed_at=grant.confirmed_at,
        revoked_at=grant.revoked_at,
        receipt_url=request.build_absolute_uri(reverse("api:consent_receipt", args=[grant.public_id]))
        if grant.receipt
        else None,
    )


def _act(request: HttpRequest, public_id: uuid.UUID, action: Any, **kwargs: Any) -> Any:
    grant = selectors.consent_of(request.user, public_id)
    try:
        action(actor=request.user, grant=grant, **kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except services.TooManyCodes:
        return Status(
            429, ErrorOut(code="too_many_codes", message=_("Too many codes were asked for. Try again in an hour."))
        )
    except ValidationError as exc:
        return _invalid(exc)
    return _consent_out(request, selectors.consent_of(request.user, public_id))


# Citizen: consents


@router.get("/consents", response={200: list[ConsentOut], 401: ErrorOut}, auth=django_auth, summary="My consents")
def consent_list(request: HttpRequest) -> list[ConsentOut]:
    """Every consent I gave or was asked for, newest first, with whether it is in force today."""
    return [_consent_out(request, g) for g in selectors.consents_of(request.user)]


@router.post(
    "/consents",
    response={201: ConsentOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=django_auth,
    summary="Give an agency consent (a code is sent to confirm it)",
)
def consent_create(request: HttpRequest, payload: ConsentIn) -> Any:
    """Starts a consent in state `awaiting_code` and sends a one-time code by SMS or e-mail; confirm it with
    POST /consents/{id}/confirm. At most 5 codes an hour."""
    organisation = selectors.consent_agencies().filter(code=payload.agency).first()
    if organisation is None:
        return _invalid(ValidationError({"agency": _("Choose an agency from the list.")}))
    try:
        grant = services.consent_grant_start(
            actor=request.user,
            organisation=organisation,
            datasets=payload.datasets,
            purpose=payload.purpose,
            valid_until=payload.valid_until,
            channel=payload.channel,
        )
    except services.TooManyCodes:
        return Status(
            429, ErrorOut(code="too_many_codes", message=_("Too many codes were asked for. Try again in an hour."))
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _consent_out(request, grant))


@router.get("/consents/{public_id}", response={200: ConsentOut, **MINE}, auth=django_auth, summary="One consent")
def consent_detail(request: HttpRequest, public_id: uuid.UUID) -> ConsentOut:
    return _consent_out(request, selectors.consent_of(request.user, public_id))


@router.post(
    "/consents/{public_id}/confirm",
    response={200: ConsentOut, **MINE, 422: ErrorOut},
    auth=django_auth,
    summary="Confirm a consent with the one-time code",
)
def consent_confirm(request: HttpRequest, public_id: uuid.UUID, payload: CodeIn) -> Any:
    """Makes the consent active and issues its signed receipt."""
    return _act(request, public_id, services.consent_grant_confirm, code=payload.code)


@router.post(
    "/consents/{public_id}/resend",
    response={200: ConsentOut, **MINE, 422: ErrorOut, 429: ErrorOut},
    auth=django_auth,
    summary="Send a new code",
)
def consent_resend(request: HttpRequest, public_id: uuid.UUID, payload: ChannelIn) -> Any:
    return _act(request, public_id, services.consent_code_resend, channel=payload.channel)


@router.post(
    "/consents/{public_id}/approve",
    response={200: ConsentOut, **MINE, 422: ErrorOut, 429: ErrorOut},
    auth=django_auth,
    summary="Approve an agency's request (a code is sent to confirm it)",
)
def consent_approve(request: HttpRequest, public_id: uuid.UUID, payload: ChannelIn) -> Any:
    return _act(request, public_id, services.consent_request_approve, channel=payload.channel)


@router.post(
    "/consents/{public_id}/decline",
    response={200: ConsentOut, **MINE, 422: ErrorOut},
    auth=django_auth,
    summary="Decline an agency's request",
)
def consent_decline(request: HttpRequest, public_id: uuid.UUID) -> Any:
    return _act(request, public_id, services.consent_request_decline)


@router.post(
    "/consents/{public_id}/revoke",
    response={200: ConsentOut, **MINE, 422: ErrorOut},
    auth=django_auth,
    summary="Revoke a consent",
)
def consent_revoke(request: HttpRequest, public_id: uuid.UUID) -> Any:
    """From now on the agency reads nothing more under this consent. Revoking twice answers 422."""
    return _act(request, public_id, services.consent_grant_revoke)


@router.get(
    "/consents/{public_id}/receipt",
    response={200: ReceiptOut, **MINE},
    auth=django_auth,
    url_name="consent_receipt",
    summary="The signed receipt of a consent",
)
def consent_receipt(request: HttpRequest, public_id: uuid.UUID) -> ReceiptOut:
    grant = selectors.consent_of(request.user, public_id)
    if not grant.receipt:
        raise Http404
    check = selectors.receipt_verification(grant.receipt)
    return ReceiptOut(receipt=grant.receipt, claims=check.claims or {})


@router.post(
    "/consents/receipts/verify",
    response=ReceiptCheckOut,
    url_name="consent_receipt_verify",
    summary="Check a consent receipt's signature and whether the consent is still in force",
)
def consent_receipt_verify(request: HttpRequest, payload: ReceiptIn) -> ReceiptCheckOut:
    check = selectors.receipt_verification(payload.receipt)
    return ReceiptCheckOut(valid=check.valid, reason=check.reason, state=check.state, claims=check.claims)


# Citizen: who accessed my data


@router.get(
    "/me/access-log",
    response={200: list[AccessLogOut], 401: ErrorOut},
    auth=django_auth,
    summary="Who read my data",
)
def access_log(request: HttpRequest) -> list[AccessLogOut]:
    """Every read of my data by an agency system or an officer, newest first, from the audit chain. The page
    /exchange/access-log/ offers the same as CSV and JSON files."""
    return [AccessLogOut(**{c: getattr(e, c) for c in ACCESS_LOG_COLUMNS}) for e in selectors.access_log(request.user)]


def access_log_csv(entries: list[selectors.AccessLogEntry]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACCESS_LOG_COLUMNS)
    for e in entries:
        writer.writerow([e.at.isoformat(), e.what, e.who, e.office, e.purpose, e.dataset, e.reference])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="elaos-access-log.csv"'
    return response


def access_log_json(entries: list[selectors.AccessLogEntry]) -> HttpResponse:
    rows = [{c: getattr(e, c) for c in ACCESS_LOG_COLUMNS} for e in entries]
    response = HttpResponse(
        json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="elaos-access-log.json"'
    return response


# Agency systems


def _release(call: AgencyCall, *, dataset: str, person: Any, payload: Schema, reference: str = "") -> HttpResponse:
    """Send exactly these bytes, after recording their hash in the audit chain."""
    body = json.dumps(payload.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode()
    digest = hashlib.sha256(body).hexdigest()
    services.exchange_read_record(
        client=call.client,
        dataset=dataset,
        purpose=call.purpose,
        person=person,
        response_sha256=digest,
        reference=reference,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["X-ELaos-Response-SHA256"] = digest
    response["Cache-Control"] = "no-store"
    return response


def _person_call(request: HttpRequest, dataset: str, person_id: str) -> tuple[AgencyCall, Any] | HttpResponse:
    """Checks for a dataset about a person: those of every call, then the person's consent. An unknown person
    is refused exactly like one who gave no consent."""
    call = agency_call(request, dataset)
    if isinstance(call, HttpResponse):
        if call.status_code == 403:
            services.exchange_refusal_record(
                client=request.auth,
                dataset=dataset,
                purpose="",
                person=None,
                error="insufficient_scope",  # type: ignore[arg-type]
            )
        return call
    person = selectors.person_for_agency(person_id)
    grant = selectors.consent_in_force(
        person=person, organisation=call.client.organisation, dataset=dataset, purpose=call.purpose
    )
    if grant is None:
        services.exchange_refusal_record(
            client=call.client, dataset=dataset, purpose=call.purpose, person=person, error="consent_required"
        )
        return error_response(
            403,
            "consent_required",
            _("The person has not given your agency consent to read these data for this purpose."),
        )
    return call, person


@router.get(
    "/exchange/npas/{registration_number}",
    response={200: NpaEntryOut, **AGENCY},
    auth=agency_token,
    summary="An association's entry in the NPA register (scope npa.read)",
    openapi_extra=_purpose_header(required=True),
)
def exchange_npa(
    request: HttpRequest, registration_number: str = Path(description="NPA-<year>-<number>", examples=["NPA-2018-0001"])
) -> Any:
    call = agency_call(request, "npa.read")
    if isinstance(call, HttpResponse):
        return call
    npa = npa_selectors.npa_detail(registration_number)
    entry = NpaEntryOut(
        registration_number=npa.registration_number,
        name_lo=npa.name_lo,
        name_en=npa.name_en,
        type=npa.type,
        level=npa.level,
        status=npa.status,
        registered_on=npa.registered_on,
        province=npa.province.code if npa.province_id else None,
        sector=npa.sector.code if npa.sector_id else None,
    )
    return _release(call, dataset="npa.read", person=None, payload=entry, reference=npa.registration_number)


@router.get(
    "/exchange/recruitment-licences/{licence_number}",
    response={200: LicenceOut, **AGENCY},
    auth=agency_token,
    summary="A recruitment agency's licence in the register (scope migration.licence.check)",
    openapi_extra=_purpose_header(required=True),
)
def exchange_recruitment_licence(
    request: HttpRequest, licence_number: str = Path(description="The licence number", examples=["RA-2023-0001"])
) -> Any:
    call = agency_call(request, "migration.licence.check")
    if isinstance(call, HttpResponse):
        return call
    agency = migration_selectors.agency_detail(licence_number)
    out = LicenceOut(
        licence_number=agency.licence_number,
        name_lo=agency.name_lo,
        name_en=agency.name_en,
        status=agency.status,
        licensed_on=agency.licensed_on,
        expires_on=agency.licence_expires_on,
    )
    return _release(call, dataset="migration.licence.check", person=None, payload=out, reference=licence_number)


@router.get(
    "/exchange/persons/{person}/applications",
    response={200: PersonApplicationsOut, **AGENCY},
    auth=agency_token,
    summary="A person's applications and their status (scope services.application.status; needs consent)",
    openapi_extra=_purpose_header(required=True),
)
def exchange_person_applications(request: HttpRequest, person: str, reference: str = "") -> Any:
    """`person` is the e-Laos id or national ID number. Optional `reference` narrows to one application."""
    checked = _person_call(request, "services.application.status", person)
    if isinstance(checked, HttpResponse):
        return checked
    call, user = checked
    applications = service_selectors.applications_of(user).exclude(submitted_at__isnull=True)
    if reference:
        applications = applications.filter(reference=reference)
    out = PersonApplicationsOut(
        person=user.public_id,
        applications=[
            PersonApplicationOut(
                reference=a.reference,
                service=a.service.code,
                state=a.state,
                submitted_at=a.submitted_at,
                decided_at=a.decided_at,
            )
            for a in applications.select_related("service_version__service")
        ],
    )
    return _release(call, dataset="services.application.status", person=user, payload=out, reference=reference)


@router.get(
    "/exchange/persons/{person}/address",
    response={200: AddressOut, **AGENCY},
    auth=agency_token,
    summary="A person's address from their e-Laos account (scope person.address.read; needs consent)",
    openapi_extra=_purpose_header(required=True),
)
def exchange_person_address(request: HttpRequest, person: str) -> Any:
    checked = _person_call(request, "person.address.read", person)
    if isinstance(checked, HttpResponse):
        return checked
    call, user = checked
    out = AddressOut(
        person=user.public_id,
        province=user.province.code if user.province_id else None,
        district=user.district.code if user.district_id else None,
        village_lo=user.village.name_lo if user.village_id else None,
        address_line=user.address_line,
    )
    return _release(call, dataset="person.address.read", person=user, payload=out)


@router.get(
    "/exchange/consents/check",
    response={200: ConsentCheckOut, **AGENCY},
    auth=agency_token,
    summary="Whether a person's consent for your agency and a dataset is in force (yes or no only)",
    openapi_extra=_purpose_header(required=False),
)
def exchange_consent_check(request: HttpRequest, person: str, dataset: str) -> Any:
    if dataset not in DATASETS:
        return error_response(400, "invalid_request", _("Unknown dataset."))
    call = agency_call(request, dataset, purpose_required=False)
    if isinstance(call, HttpResponse):
        return call
    user = selectors.person_for_agency(person)
    if call.purpose:
        granted = selectors.consent_in_force(
            person=user, organisation=call.client.organisation, dataset=dataset, purpose=call.purpose
        )
    else:
        granted = selectors.consent_exists(person=user, organisation=call.client.organisation, dataset=dataset)
    return ConsentCheckOut(granted=bool(granted))


@router.post(
    "/exchange/consent-requests",
    response={202: ConsentRequestOut, **AGENCY, 422: ErrorOut},
    auth=agency_token,
    summary="Ask a person for consent (they approve it in e-Laos)",
)
def exchange_consent_request(request: HttpRequest, payload: ConsentRequestIn) -> Any:
    dataset = payload.datasets[0] if payload.datasets else ""
    call = agency_call(request, dataset, purpose_required=False)
    if isinstance(call, HttpResponse):
        return call
    # The terms are checked before the person is looked up, so the answer never tells whether the person exists.
    try:
        services.consent_terms_check(
            client=call.client, datasets=payload.datasets, purpose=payload.purpose, valid_until=payload.valid_until
        )
    except ValidationError as exc:
        return _invalid(exc)
    person = selectors.person_for_agency(payload.person)
    if person is not None:
        try:
            services.consent_request_create(
                client=call.client,
                person=person,
                datasets=payload.datasets,
                purpose=payload.purpose,
                valid_until=payload.valid_until,
                note=payload.note,
            )
        except ValidationError as exc:
            return _invalid(exc)
    return Status(202, ConsentRequestOut(status="requested"))
