"""The OpenAPI document of /api/v1/: complete (every operation described, with its body, its answers and examples),
and true (schemathesis calls every operation through the WSGI application, on the demo data, signed in, and checks
that no answer is a server error and every answer matches what the document says)."""

import datetime
import secrets
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from elaos.api import api
from elaos.wsgi import application

OPENAPI = "/api/v1/openapi.json"
METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document as served (building it reads no database)."""
    response = Client().get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _has_example(document: dict[str, Any], node: Any, seen: set[int] | None = None) -> bool:
    """An example anywhere in a schema: on it, or on one of its properties or items (references followed)."""
    seen = set() if seen is None else seen
    if isinstance(node, dict) and "$ref" in node:
        node = _resolve(document, node)
    if id(node) in seen:
        return False
    seen.add(id(node))
    if isinstance(node, dict):
        if node.get("example") is not None or node.get("examples"):
            return True
        return any(_has_example(document, v, seen) for k, v in node.items() if k not in ("description", "title"))
    if isinstance(node, list):
        return any(_has_example(document, v, seen) for v in node)
    return False


def _media_has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    return "example" in media or bool(media.get("examples")) or _has_example(document, media.get("schema"))


def _expected_errors(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    """What any operation can answer besides its success, whatever its code does."""
    expected = set()
    if operation.get("parameters"):
        expected.add("422")
    if "requestBody" in operation:
        expected |= {"400", "422"}
    if "{" in path:
        expected.add("404")
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if schemes:
        expected.add("401")
    if "SessionAuth" in schemes and method != "get":
        expected.add("403")
    if "AgencyToken" in schemes:
        expected |= {"403", "429"}
    return expected


def _problems(document: dict[str, Any], path: str, method: str, operation: dict[str, Any]) -> list[str]:
    problems = []
    if not (operation.get("summary") or "").strip():
        problems.append("no summary")
    body = operation.get("requestBody")
    if body is not None:
        if not body.get("content"):
            problems.append("a request body without content")
        for media_type, media in body.get("content", {}).items():
            if "schema" not in media:
                problems.append(f"request body {media_type} without a schema")
            elif not _media_has_example(document, media):
                problems.append(f"request body {media_type} without an example")
    responses = {str(status): response for status, response in operation.get("responses", {}).items()}
    successes = [status for status in responses if status.startswith("2")]
    if len(successes) != 1:
        problems.append(f"success responses {successes}, not one")
    for status in successes:
        content = responses[status].get("content") or {}
        if not content:
            problems.append(f"{status} without content")
        for media_type, media in content.items():
            if "schema" not in media:
                problems.append(f"{status} {media_type} without a schema")
            elif not _media_has_example(document, media):
                problems.append(f"{status} {media_type} without an example")
    for status in sorted(_expected_errors(path, method, operation) - set(responses)):
        problems.append(f"{status} not documented")
    for status, response in responses.items():
        if status[0] in "45":
            media = (response.get("content") or {}).get("application/json", {})
            if media.get("schema") != {"$ref": "#/components/schemas/Error"} or "example" not in media:
                problems.append(f"{status} not described with the Error schema and an example")
    return problems


def test_every_operation_is_documented(document: dict[str, Any]) -> None:
    offenders = {
        f"{method.upper()} {path}": problems
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in METHODS and (problems := _problems(document, path, method, operation))
    }
    assert not offenders, "\n".join(f"{op}: {'; '.join(p)}" for op, p in sorted(offenders.items()))


def test_every_schema_name_is_one_schema() -> None:
    """Two apps' schemas of the same class name would share one component, and the document would describe all
    but one of them wrongly."""
    from pydantic import BaseModel

    by_name: dict[str, set[type]] = {}

    def visit(model: Any) -> None:
        if isinstance(model, type) and issubclass(model, BaseModel):
            known = by_name.setdefault(model.__name__, set())
            if model in known:
                return
            known.add(model)
            for field in model.model_fields.values():
                visit_annotation(field.annotation)

    def visit_annotation(annotation: Any) -> None:
        visit(annotation)
        for arg in getattr(annotation, "__args__", ()):
            visit_annotation(arg)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        visit_annotation(field.annotation)
                for status, model in (operation.response_models or {}).items():
                    if model is not None and status < 400:  # errors are all documented with the shared Error
                        for field in model.model_fields.values():  # ninja wraps each in a NinjaResponseSchema
                            visit_annotation(field.annotation)
    duplicates = {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
        for name, models in by_name.items()
        if len(models) > 1
    }
    assert not duplicates, duplicates


def test_error_shape_is_documented(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]

    assert set(error["required"]) == {"code", "message"}
    assert {"code", "message", "errors"} <= set(error["properties"])


# --- schemathesis -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_api(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """The demo data, a signed-in citizen and an agency system's token, for the whole module, rolled back at the
    end. Requests go through the WSGI handler, which would close the connection (and lose the transaction) after
    each one, as Django's test client knows: the same signal is disconnected here."""
    from elaos.agencies.models import Organisation
    from elaos.demo.data import load_demo
    from elaos.exchange import services as exchange_services
    from elaos.exchange.datasets import DATASETS

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    cache.clear()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            name = str(connection.settings_dict["NAME"])
            assert "memory" in name or "test" in name, f"not a test database: {name}"
            load_demo()
            user_model = get_user_model()
            citizen = user_model.objects.get(phone="+8562055550101")
            browser = Client()
            browser.force_login(citizen)
            root = user_model.objects.filter(is_superuser=True).first()
            registered = exchange_services.agency_client_register(
                actor=root,
                organisation=Organisation.objects.get(code="molsw"),
                name="Schemathesis",
                scopes=list(DATASETS),
                rate_limit_per_minute=1_000_000,
            )
            token = secrets.token_urlsafe(30)
            AccessToken.objects.create(
                application=registered.client.application,
                token=token,
                scope=" ".join(DATASETS),
                expires=timezone.now() + datetime.timedelta(hours=1),
            )
            csrf = secrets.token_hex(16)
            yield {
                "session": browser.cookies["sessionid"].value,
                "csrf": csrf,
                "token": token,
            }
            transaction.set_rollback(True)
    finally:
        cache.clear()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Loaded when the module is collected, through the WSGI application like every call after it (the document needs
# no database). Generation is deterministic: the same cases in every run.
schema = schemathesis.openapi.from_wsgi(
    OPENAPI,
    application,
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": 8,
            "generation": {"max-examples": 10, "deterministic": True},
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)


def test_document_is_valid_openapi() -> None:
    """The document as served, against the OpenAPI 3.1 meta-schema."""
    schema.validate()


@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_answers_as_documented(case: Any, demo_api: dict[str, str]) -> None:
    """Citizen endpoints with Somchai's session (and the CSRF token for writes), agency endpoints with the token."""
    if case.path.startswith("/api/v1/exchange/"):
        auth: dict[str, Any] = {"headers": {"Authorization": f"Bearer {demo_api['token']}"}}
    else:
        auth = {
            "headers": {"X-CSRFToken": demo_api["csrf"]},
            "cookies": {"sessionid": demo_api["session"], "csrftoken": demo_api["csrf"]},
        }
    case.call_and_validate(**auth, checks=[not_a_server_error, response_schema_conformance, status_code_conformance])
