"""The GovStack Registration Building Block API over the e-Laos catalogue, forms and applications.

The spec (GovStack_Registration_BB_API.json, vendored beside this file with its licence) is mapped as follows:

- `GET /services` and `GET /services/{serviceKey}`: published services; the serviceKey is the service code.
- `GET /eForms/{serviceKey}` lists a service's form, `GET /eForms/{eFormId}` returns it with its JSON schema. The
  spec gives both the same path shape; an eFormId is `<service code>.v<version>` (service codes have no dots).
- `POST /services/{serviceKey}/applications` creates and submits an application for the signed-in applicant
  (`applicantId` must be their own id); `GET /applications` and `GET /applications/{fileId}` read the caller's
  own applications.

Callers are people: a browser session (with CSRF) or an OAuth bearer token issued by the e-Laos OpenID Provider
to an agency system acting for a person, with the scope `services.application.status` to read and
`services.application.submit` to submit. Operator endpoints (`PUT /applications/{fileId}`, `/tasks`) and
`/documents` are not offered: officers work in the back office.
"""

import re
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth
from oauth2_provider.oauth2_backends import get_oauthlib_core

from elaos.core.lao import localized
from elaos.core.middleware import current_request_id
from elaos.oidc.govstack.schemas import (
    ApplicationDataOut,
    ApplicationFileOut,
    ApplicationFileSubmitIn,
    ApplicationListItemOut,
    EFormListItemOut,
    EFormOut,
    FormData,
    PropertyOut,
    ServiceOut,
    StatusOut,
    SystemErrorOut,
)
from elaos.services import selectors, services
from elaos.services.models import Application, Service
from elaos.workflows import selectors as workflow_selectors

READ_SCOPE = "services.application.status"
SUBMIT_SCOPE = "services.application.submit"
EFORM_ID = re.compile(r"^(?P<code>[-\w]+)\.v(?P<version>\d+)$")
REFUSED_STATES = {"rejected", "withdrawn"}


class PersonToken(HttpBearer):
    """An access token from the e-Laos OpenID Provider, issued for a person (not a machine-only client)."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[self.scope])
        user = getattr(oauth_request, "user", None)
        if valid and user is not None and user.is_authenticated and user.is_active:
            request.user = user
            return user
        return None


api = NinjaAPI(
    title="e-Laos — GovStack Registration Building Block API",
    version="0.1.1",
    description="The GovStack Registration BB API (v0.1.1) over the e-Laos service catalogue and applications.",
    urls_namespace="govstack",
)


class ServiceListIn(Schema):
    name: str = ""


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    body = {"traceId": current_request_id(), "code": code, "message": message, "localizedMessage": message}
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "unauthenticated", _("Sign in first."))
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 400, "invalid", _("Some fields are not valid."))


def _service_out(service: Service) -> ServiceOut:
    version = service.current_version
    assert version is not None  # the catalogue only lists services with a published version
    return ServiceOut(
        id=service.code,
        serviceKey=service.code,
        name=localized(service, "name"),
        version=str(version.version),
        type="Public",
        isExecutable=True,
        isClosed=False,
        description=localized(service, "summary"),
        serviceBody=[
            PropertyOut(code="agency", value=service.agency.code),
            PropertyOut(code="agencyName", value=localized(service.agency, "name")),
            PropertyOut(code="feeKip", value=str(service.fee_kip)),
            PropertyOut(code="slaDays", value=str(service.sla_days or "")),
        ],
    )


@api.get("/services", response=list[ServiceOut], summary="returns a list of services", operation_id="getServiceList")
def service_list(request: HttpRequest, filters: Query[ServiceListIn]) -> list[ServiceOut]:
    return [_service_out(service) for service in selectors.catalogue(query=filters.name)]


@api.get(
    "/services/{serviceKey}",
    response={200: ServiceOut, 404: SystemErrorOut},
    summary="returns detailed information about a service",
    operation_id="getService",
)
def service_detail(request: HttpRequest, serviceKey: str) -> ServiceOut:
    return _service_out(selectors.service_detail(serviceKey))


def _eform(service: Service) -> dict[str, Any]:
    version = service.current_version
    assert version is not None
    return {
        "eFormId": f"{service.code}.v{version.version}",
        "name": localized(service, "name"),
        "description": localized(service, "summary"),
        "version": str(version.version),
        "latest": True,
    }


@api.get(
    "/eForms/{key}",
    response={200: list[EFormListItemOut] | EFormOut, 404: SystemErrorOut},
    by_alias=True,
    summary="The e-forms of a service (by serviceKey), or one e-form with its JSON schema (by eFormId)",
    operation_id="getServiceSchemaByServiceKey",
)
def eforms(request: HttpRequest, key: str) -> Any:
    match = EFORM_ID.match(key)
    if match is None:
        return [EFormListItemOut(**_eform(selectors.service_detail(key)))]
    service = selectors.service_detail(match["code"])
    version = service.current_version
    if version is None or str(version.version) != match["version"]:
        raise Http404
    # A dict, not an EFormOut: "schema" would resolve to pydantic's own `schema` attribute.
    return {**_eform(service), "schema": version.definition["form"]["schema"]}


def _status(application: Application) -> StatusOut:
    instance = application.workflow
    title = workflow_selectors.state_name(instance) if instance is not None else application.state
    if application.state == "info_requested" or application.state == "returned":
        code = "SENDBACK"
    elif instance is not None and instance.is_terminal:
        code = "REJECTED" if application.state in REFUSED_STATES else "APPROVED"
    else:
        code = "PENDING"
    return StatusOut(code=code, title=title)


def _document_urls(request: HttpRequest, application: Application) -> list[str]:
    if application.document_id is None:
        return []
    return [request.build_absolute_uri(f"/documents/{application.document_id}/")]


def _file_out(request: HttpRequest, application: Application) -> ApplicationFileOut:
    instance = application.workflow
    return ApplicationFileOut(
        fileId=str(application.public_id),
        registered=application.submitted_at,
        serviceKey=application.service.code,
        serviceName=localized(application.service, "name"),
        applicantId=str(application.applicant.public_id),
        status=_status(application),
        ended=bool(instance is not None and instance.is_terminal),
        applicationData=ApplicationDataOut(
            applicantId=str(application.applicant.public_id),
            applicationName=application.reference,
            created=application.created_at,
            formData=FormData(
                data={field: {"value": value} for field, value in application.data.items()},
                eFormId=f"{application.service.code}.v{application.service_version.version}",
            ),
            documentUrls=_document_urls(request, application),
        ),
    )


def _unwrap(data: dict[str, Any]) -> dict[str, Any]:
    """Form answers as e-Laos keeps them: {"value": x} entries (the spec's shape) or plain values."""
    return {k: v["value"] if isinstance(v, dict) and set(v) == {"value"} else v for k, v in data.items()}


def _refusal(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
    return " ".join(exc.messages)


@api.post(
    "/services/{serviceKey}/applications",
    response={200: ApplicationFileOut, 400: SystemErrorOut, 401: SystemErrorOut, 404: SystemErrorOut},
    auth=[PersonToken(SUBMIT_SCOPE), django_auth],
    exclude_none=True,
    summary="Submit an application file as an applicant",
)
def application_submit(
    request: HttpRequest,
    serviceKey: str,
    payload: ApplicationFileSubmitIn,
) -> Any:
    """Creates the application, saves the form answers and sends it to the office, all or nothing: an incomplete
    application answers 400 and leaves no draft behind."""
    if payload.applicantId != str(request.user.public_id):
        return _error(request, 400, "wrong_applicant", _("You can only apply for yourself."))
    service = selectors.service_detail(serviceKey)
    form = payload.formData if isinstance(payload.formData, dict) else {}
    try:
        with transaction.atomic():
            application = services.application_create(applicant=request.user, service=service)
            services.application_save_draft(
                actor=request.user, application=application, data=_unwrap(form.get("data") or {})
            )
            services.application_submit(actor=request.user, application=application)
    except (ValidationError, PermissionDenied) as exc:
        message = _refusal(exc) if isinstance(exc, ValidationError) else _("This application cannot be sent.")
        return _error(request, 400, "invalid", message)
    return _file_out(request, selectors.application_for_applicant(request.user, application.public_id))


class ApplicationListIn(Schema):
    serviceKey: str = ""
    firstResult: int = 0
    maxResult: int = 50


@api.get(
    "/applications",
    response={200: list[ApplicationListItemOut], 401: SystemErrorOut},
    auth=[PersonToken(READ_SCOPE), django_auth],
    exclude_none=True,
    summary="Retrieve all application files (the caller's own)",
    operation_id="getApplicantFileList",
)
def application_list(request: HttpRequest, filters: Query[ApplicationListIn]) -> list[ApplicationListItemOut]:
    applications = selectors.applications_of(request.user)
    if filters.serviceKey:
        applications = applications.filter(service_version__service__code=filters.serviceKey)
    first = max(filters.firstResult, 0)
    size = min(max(filters.maxResult, 1), 100)
    return [
        ApplicationListItemOut(
            fileId=str(a.public_id),
            taskTitle=a.reference,
            status=_status(a),
            applicantId=str(request.user.public_id),
            created=a.created_at,
            registered=a.submitted_at,
            description=localized(a.service, "summary"),
            serviceName=localized(a.service, "name"),
            serviceKey=a.service.code,
            eformId=f"{a.service.code}.v{a.service_version.version}",
            documentUrls=_document_urls(request, a),
        )
        for a in applications[first : first + size]
    ]


@api.get(
    "/applications/{fileId}",
    response={200: ApplicationFileOut, 401: SystemErrorOut, 404: SystemErrorOut},
    auth=[PersonToken(READ_SCOPE), django_auth],
    exclude_none=True,
    summary="Get application file by ID (one of the caller's own)",
    operation_id="getApplicationFileById",
)
def application_detail(request: HttpRequest, fileId: str) -> ApplicationFileOut:
    try:
        public_id = uuid.UUID(fileId)
    except ValueError as exc:
        raise Http404 from exc
    return _file_out(request, selectors.application_for_applicant(request.user, public_id))
