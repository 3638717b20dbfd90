"""The JSON API root: each app's router is mounted under /api/v1/.

Errors have one shape everywhere: {"code": <stable machine code>, "message": <text in the request's language>}
(Accept-Language: lo or en), plus "errors" with field details for invalid input."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from elaos.accounts.api import router as accounts_router
from elaos.budget.api import router as budget_router
from elaos.civil_society.api import router as civil_society_router
from elaos.consultation.api import router as consultation_router
from elaos.coordination.api import router as coordination_router
from elaos.documents.api import router as documents_router
from elaos.exchange.api import router as exchange_router
from elaos.migration.api import router as migration_router
from elaos.payments.api import router as payments_router
from elaos.protection.api import router as protection_router
from elaos.services.api import router as services_router

api = NinjaAPI(
    title="e-Laos API",
    version="1",
    description="The public and agency API of e-Laos. Errors carry a stable `code` and a `message` in the "
    "request's language (Accept-Language: lo or en).",
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", services_router)
api.add_router("/payments", payments_router)
api.add_router("/", documents_router)
api.add_router("/", consultation_router)
api.add_router("/", civil_society_router)
api.add_router("/", coordination_router)
api.add_router("/budget", budget_router)
api.add_router("/migration", migration_router)
api.add_router("/migration", protection_router)
api.add_router("/", exchange_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": "unauthenticated", "message": _("Sign in first.")}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found", "message": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid", "message": _("Some fields are not valid."), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:
        body = {"code": "forbidden", "message": _("This request was refused (a missing or wrong CSRF token?).")}
    else:
        body = {"code": f"http_{exc.status_code}", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)
