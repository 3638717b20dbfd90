"""The public-services JSON API: the catalogue for anyone, applications for their own applicant.

Thin: every operation reads through selectors and writes through services, like the HTML views."""

import uuid
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from elaos.core.lao import localized
from elaos.services import selectors, services
from elaos.services.models import Application, Service
from elaos.services.schemas import (
    ApplicationCreateIn,
    ApplicationDraftIn,
    ApplicationFileOut,
    ApplicationListOut,
    ApplicationOut,
    ErrorOut,
    FeeOut,
    IssuedDocumentOut,
    RequiredDocumentOut,
    ServiceAgencyOut,
    ServiceDetailOut,
    ServiceListIn,
    ServiceListOut,
    TimelineEntryOut,
)
from elaos.workflows import selectors as workflow_selectors

router = Router(tags=["services"])

MINE = {401: ErrorOut, 404: ErrorOut}


def _name(spec: dict[str, Any]) -> str:
    """The name of a workflow state or transition (a dict with name_lo / name_en) in the request's language."""
    return localized(SimpleNamespace(**spec), "name")


def _agency(service: Service) -> ServiceAgencyOut:
    return ServiceAgencyOut(code=service.agency.code, name_lo=service.agency.name_lo, name_en=service.agency.name_en)


def _invalid(exc: ValidationError, code: str = "invalid") -> Status[ErrorOut]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    message = _("Some fields are not valid.") if code == "invalid" else " ".join(exc.messages)
    return Status(422, ErrorOut(code=code, message=message, errors=errors))


@router.get("/services", response=list[ServiceListOut], summary="The catalogue of public services")
@paginate
def service_list(request: HttpRequest, filters: Query[ServiceListIn]) -> list[ServiceListOut]:
    """Published services, alphabetical; with `q`, the best matches first (Lao text is segmented into words)."""
    return [
        ServiceListOut(
            code=service.code,
            name_lo=service.name_lo,
            name_en=service.name_en,
            summary_lo=service.summary_lo,
            summary_en=service.summary_en,
            agency=_agency(service),
            fee_kip=service.fee_kip,
            sla_days=service.sla_days,
        )
        for service in selectors.catalogue(query=filters.q, agency=filters.agency, life_event=filters.life_event)
    ]


@router.get(
    "/services/{code}",
    response={200: ServiceDetailOut, 404: ErrorOut},
    summary="One public service, as currently published",
)
def service_detail(
    request: HttpRequest, code: str = Path(description="The service code", examples=["certificate-of-residence"])
) -> ServiceDetailOut:
    service = selectors.service_detail(code)
    version = service.current_version
    assert version is not None  # service_detail only finds services with a published version
    d = version.definition
    return ServiceDetailOut(
        code=service.code,
        version=version.version,
        name_lo=d["name_lo"],
        name_en=d["name_en"],
        summary_lo=d["summary_lo"],
        summary_en=d["summary_en"],
        description_lo=d.get("description_lo", ""),
        description_en=d.get("description_en", ""),
        eligibility_lo=d.get("eligibility_lo", ""),
        eligibility_en=d.get("eligibility_en", ""),
        legal_basis_lo=d.get("legal_basis_lo", ""),
        legal_basis_en=d.get("legal_basis_en", ""),
        agency=_agency(service),
        sla_days=d["sla_days"],
        channels=d.get("channels", ["online"]),
        fee_kip=service.fee_kip,
        fees=[
            FeeOut(code=f["code"], name_lo=f["name_lo"], name_en=f["name_en"], amount_kip=f["amount_kip"])
            for f in d.get("fees", [])
        ],
        documents=[
            RequiredDocumentOut(
                code=doc["code"],
                name_lo=doc["name_lo"],
                name_en=doc["name_en"],
                required=doc.get("required", False),
                types=doc.get("types", ["pdf", "jpeg", "png"]),
                max_mb=doc.get("max_mb", 5),
            )
            for doc in d.get("documents", [])
        ],
        form_schema=d["form"]["schema"],
        form_ui=d["form"].get("ui", {}),
        categories=d.get("categories", []),
        life_events=d.get("life_events", []),
    )


def _application_out(application: Application) -> ApplicationOut:
    instance = application.workflow
    assert instance is not None  # application_create always starts the workflow
    definition = instance.definition
    transitions = {t["code"]: t for t in definition.definition["transitions"]}
    timeline = [
        TimelineEntryOut(
            at=row.at,
            transition=row.transition,
            transition_name=_name(transitions[row.transition]) if row.transition in transitions else row.transition,
            from_state=row.from_state,
            to_state=row.to_state,
            to_state_name=_name(definition.state(row.to_state)),
            # Officers act for their office: the applicant sees the office, never the officer's name.
            by="system"
            if row.actor_id is None
            else "applicant"
            if row.actor_id == application.applicant_id
            else "office",
            reason=row.reason,
        )
        for row in workflow_selectors.history(instance)
    ]
    editable = application.state in services.EDITABLE_STATES
    return ApplicationOut(
        id=application.public_id,
        reference=application.reference,
        service=application.service.code,
        service_name=localized(application.service, "name"),
        service_version=application.service_version.version,
        state=application.state,
        state_name=workflow_selectors.state_name(instance),
        finished=instance.is_terminal,
        editable=editable,
        data=application.data,
        files=[
            ApplicationFileOut(
                id=f.public_id,
                requirement=f.requirement,
                name=f.original_name,
                content_type=f.content_type,
                size=f.size,
                uploaded_at=f.created_at,
            )
            for f in application.files.active()
        ],
        submission_errors=services.submission_errors(application) if application.state == "draft" else {},
        timeline=timeline,
        created_at=application.created_at,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
        payment_id=application.payment_id,
        document_id=application.document_id,
    )


@router.get(
    "/applications",
    response={200: list[ApplicationListOut], 401: ErrorOut},
    auth=django_auth,
    summary="My applications",
)
@paginate
def application_list(request: HttpRequest) -> list[ApplicationListOut]:
    """My applications, newest first."""
    return [
        ApplicationListOut(
            id=a.public_id,
            reference=a.reference,
            service=a.service.code,
            service_name=localized(a.service, "name"),
            state=a.state,
            state_name=workflow_selectors.state_name(a.workflow),
            created_at=a.created_at,
            submitted_at=a.submitted_at,
        )
        for a in selectors.applications_of(request.user)
    ]


@router.post(
    "/applications",
    response={201: ApplicationOut, 401: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Start an application (a draft)",
)
def application_create(request: HttpRequest, payload: ApplicationCreateIn) -> Status[Any]:
    try:
        service = selectors.service_detail(payload.service)
        application = services.application_create(applicant=request.user, service=service)
    except Http404:
        return _invalid(ValidationError({"service": _("There is no such service open for applications.")}))
    except ValidationError as exc:
        return _invalid(ValidationError({"service": exc.messages}))
    return Status(201, _application_out(selectors.application_for_applicant(request.user, application.public_id)))


@router.get(
    "/applications/{public_id}",
    response={200: ApplicationOut, **MINE},
    auth=django_auth,
    summary="One of my applications",
)
def application_detail(request: HttpRequest, public_id: uuid.UUID) -> ApplicationOut:
    return _application_out(selectors.application_for_applicant(request.user, public_id))


@router.patch(
    "/applications/{public_id}",
    response={200: ApplicationOut, **MINE, 422: ErrorOut},
    auth=django_auth,
    summary="Save the form data of a draft",
)
def application_save_draft(request: HttpRequest, public_id: uuid.UUID, payload: ApplicationDraftIn) -> Any:
    """Keeps what was sent, complete or not; fields the service does not ask for are dropped. Refused (422,
    `not_editable`) once the application was submitted, unless the office asked for more information."""
    application = selectors.application_for_applicant(request.user, public_id)
    try:
        services.application_save_draft(actor=request.user, application=application, data=payload.data)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _invalid(exc, "not_editable")
    return _application_out(selectors.application_for_applicant(request.user, public_id))


@router.post(
    "/applications/{public_id}/submit",
    response={200: ApplicationOut, **MINE, 422: ErrorOut},
    auth=django_auth,
    summary="Send a draft to the office",
)
def application_submit(request: HttpRequest, public_id: uuid.UUID) -> Any:
    """Idempotent: submitting again what was already sent answers 200 and changes nothing. An incomplete
    application answers 422 `invalid` with the problems by field (or document) code."""
    application = selectors.application_for_applicant(request.user, public_id)
    try:
        services.application_submit(actor=request.user, application=application)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _invalid(exc, "invalid" if hasattr(exc, "error_dict") else "not_editable")
    return _application_out(selectors.application_for_applicant(request.user, public_id))


@router.get(
    "/applications/{public_id}/documents",
    response={200: list[IssuedDocumentOut], **MINE},
    auth=django_auth,
    summary="Documents issued for one of my applications",
)
def application_documents(request: HttpRequest, public_id: uuid.UUID) -> list[IssuedDocumentOut]:
    application = selectors.application_for_applicant(request.user, public_id)
    if application.document_id is None:
        return []
    url = request.build_absolute_uri(reverse("documents:download", args=[application.document_id]))
    return [IssuedDocumentOut(id=application.document_id, download_url=url)]
