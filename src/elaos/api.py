"""The JSON API root: each app's router is mounted under /api/v1/.

Errors have one shape everywhere: {"code": <stable machine code>, "message": <text in the request's language>}
(Accept-Language: lo or en), plus "errors" with field details for invalid input. The OpenAPI document describes
that shape once (the `Error` component) and every error status an operation can answer with it: the ones the root
handlers below produce (401, 403, 404, 422) are added to every operation they can reach, next to the ones the apps
declare (400, 403, 429…)."""

from typing import Any

from django.db.utils import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
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


class Error(Schema):
    """The one error shape of the whole API."""

    code: str = Field(
        description="A stable machine code: unauthenticated, forbidden, not_found, invalid, and the codes an "
        "operation names (not_editable, too_many_codes, rate_limited, insufficient_scope, consent_required…).",
        examples=["not_found"],
    )
    message: str = Field(description="A sentence in the request's language.", examples=["Not found."])
    errors: dict[str, list[str]] | None = Field(
        None,
        description="Problems by field name (`__all__` for the whole request), when the input was refused.",
        examples=[{"valid_until": ["Enter a valid date."]}],
    )
    error: str | None = Field(
        None, description="The OAuth 2.0 error (RFC 6750), on agency endpoints where one applies."
    )


ERROR_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    400: (
        "Bad request: a body that is not JSON, or a missing header",
        {"code": "http_400", "message": "Cannot parse request body"},
    ),
    401: ("Not signed in, or no valid access token", {"code": "unauthenticated", "message": "Sign in first."}),
    403: (
        "Refused: a missing or wrong CSRF token, or a token without the scope or consent needed",
        {"code": "forbidden", "message": "This request was refused (a missing or wrong CSRF token?)."},
    ),
    404: ("Not found, or not yours", {"code": "not_found", "message": "Not found."}),
    422: (
        "Invalid input",
        {"code": "invalid", "message": "Some fields are not valid.", "errors": {"limit": ["Input should be ≥ 1"]}},
    ),
    429: ("Too many requests", {"code": "rate_limited", "message": "Too many requests. Try again later."}),
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def _expected_errors(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The statuses the root handlers can answer for this operation."""
    statuses = set()
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)  # ValidationError of a parameter or the body
    if "requestBody" in operation:
        statuses.add(400)  # a body that is not JSON (HttpError 400)
    if "{" in path:
        statuses.add(404)  # Http404 of an object lookup
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if schemes:
        statuses.add(401)  # AuthenticationError
    if "SessionAuth" in schemes and method in UNSAFE_METHODS:
        statuses.add(403)  # the CSRF check of a session
    return statuses


def _references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _references(value)
        return found
    if isinstance(node, list):
        return set().union(*(_references(v) for v in node)) if node else set()
    return set()


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every error response of every operation described with the shared Error component and an example; the
    apps' own copies of the error shape are then unused and left out. Parameter examples made valid OpenAPI."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = Error.model_json_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                # Ninja copies a field's examples list onto the parameter, where OpenAPI wants a map of Example
                # Objects; the list stays on the parameter's schema, and the first becomes the parameter's example.
                if isinstance(parameter.get("examples"), list):
                    examples = parameter.pop("examples")
                    if examples:
                        parameter.setdefault("example", examples[0])
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses if 400 <= int(status) < 600}
            for status in sorted(declared | _expected_errors(path, method, operation)):
                description, example = ERROR_EXAMPLES.get(status, ("Error", {"code": "error", "message": "…"}))
                key = next((k for k in responses if int(k) == status), status)
                responses[key] = {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": example}
                    },
                }
    # Drop the components nothing refers to any more (each app's own ErrorOut, for one).
    used: set[str] = set()
    todo = _references(schema["paths"])
    while todo:
        name = todo.pop()
        if name not in used and name in schemas:
            used.add(name)
            todo |= _references(schemas[name])
    for name in list(schemas):
        if name not in used:
            del schemas[name]
    return schema


class ElaosAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


api = ElaosAPI(
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
    response = api.create_response(request, {"code": "unauthenticated", "message": _("Sign in first.")}, status=401)
    scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        # RFC 6750 §3.1: a Bearer token was sent but is unknown, expired or revoked.
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found", "message": _("Not found.")}, status=404)


def _field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's errors by field, as the apps give theirs: the location without its source (path, query, body)
    and the name of the body parameter, dotted; `__all__` for the request as a whole."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:1] == ["body"]:
            loc = loc[2:]
        elif loc[:1] in (["path"], ["query"], ["header"], ["cookie"], ["form"], ["file"]):
            loc = loc[1:]
        by_field.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "")))
    return by_field


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid", "message": _("Some fields are not valid."), "errors": _field_errors(exc.errors)},
        status=422,
    )


@api.exception_handler(DataError)
def unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value the database cannot hold or compare (a NUL byte in a filter, a number out of range): bad input.
    return api.create_response(request, {"code": "invalid", "message": _("Some fields are not valid.")}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:
        body = {"code": "forbidden", "message": _("This request was refused (a missing or wrong CSRF token?).")}
    else:
        body = {"code": f"http_{exc.status_code}", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)
