"""The authorization matrix, generated from the URL conf and the API schema: every persona asks for every other
persona's objects on every object route, HTML and API, and gets a 404 (anonymous visitors may be sent to sign in,
or told 401 by the API) — never the object, never a server error. Each allowed reader gets a 200, so a broken
scenario cannot pass by refusing everyone."""

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from elaos.core.tests.security import registry
from elaos.core.tests.security.conftest import PERSONAS, World
from elaos.core.tests.security.routes import ApiRoute, HtmlRoute, api_object_routes, html_object_routes
from elaos.core.tests.security.scenarios import SCENARIOS, Case
from elaos.core.tests.security.test_headers import header_problems, inline_problems

SIGN_IN = "/accounts/sign-in/"


def all_object_routes() -> dict[str, HtmlRoute | ApiRoute]:
    return {r.key: r for r in [*html_object_routes(), *api_object_routes()]}


def _request(client: Client, route: HtmlRoute | ApiRoute, case: Case) -> Any:
    url = route.url(**case.kwargs)
    if isinstance(route, HtmlRoute) and case.post:
        return client.post(url, case.body or {}, HTTP_ACCEPT_LANGUAGE="en")
    if isinstance(route, HtmlRoute) or route.method == "GET":
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    body = case.body if case.body is not None else ({"data": {"purpose": "x"}} if route.method == "PATCH" else {})
    return client.generic(route.method, url, json.dumps(body), content_type="application/json")


def refusal_problem(persona: str, response: Any, route: HtmlRoute | ApiRoute | None = None) -> str | None:
    status = response.status_code
    if status == 404:
        return None
    if isinstance(route, ApiRoute) and route.authenticated and not route.session and status in (401, 403):
        return None  # an API for other systems' tokens: a person's session is no credential there
    if persona == "anonymous":
        if status == 401:
            return None
        if status == 302 and response["Location"].startswith(SIGN_IN):
            return None
    return f"got {status}" + (f" -> {response['Location']}" if status in (301, 302) else "")


def test_every_object_route_is_known() -> None:
    """A new route with an identifier needs a scenario, or an explicit entry in registry.py."""
    routes = set(all_object_routes())
    listed = set(SCENARIOS) | set(registry.PUBLIC) | set(registry.CAPABILITY) | set(registry.UNCOVERED)
    unknown = sorted(routes - listed)
    assert not unknown, (
        "Object routes that the authorization matrix does not know: add a scenario to scenarios.py (or, with a "
        "reason, an entry to registry.py PUBLIC / CAPABILITY / UNCOVERED):\n  " + "\n  ".join(unknown)
    )
    stale = sorted(listed - routes)
    assert not stale, "Entries for routes that no longer exist:\n  " + "\n  ".join(stale)
    assert not set(registry.UNCOVERED) & set(SCENARIOS), "a route with a scenario is still listed as uncovered"
    assert not set(registry.CAPABILITY) & (set(SCENARIOS) | set(registry.PUBLIC))
    print("\nUncovered object routes (no scenario yet):")
    for key, reason in sorted(registry.UNCOVERED.items()):
        print(f"  {key}: {reason}")


@pytest.mark.parametrize("key", sorted(SCENARIOS))
@override_settings(PAYMENTS_SIMULATOR=False)
def test_only_allowed_personas_reach_the_object(world: World, key: str) -> None:
    route = all_object_routes()[key]
    problems = []
    cases = SCENARIOS[key](world)
    assert cases, key
    for case in cases:
        assert case.allowed <= {*PERSONAS, *case.also}, f"{case.label}: an allowed persona is never asked"
        for persona in (*PERSONAS, *case.also):
            response = _request(world.client(persona), route, case)
            where = f"{persona} -> {case.label} {route.url(**case.kwargs)}"
            if persona in case.allowed:
                # Writes are only checked for refusal: allowed writes are the apps' own tests.
                reads = (isinstance(route, HtmlRoute) and not case.post) or getattr(route, "method", "") == "GET"
                if reads and response.status_code != 200:
                    problems.append(f"{where}: allowed, but got {response.status_code}")
                elif reads:
                    # Object pages are not in test_headers' list (it needs no identifier): checked here.
                    found = header_problems(response)
                    if "text/html" in response.get("Content-Type", ""):
                        found += inline_problems(response.content.decode())
                    problems += [f"{where}: {p}" for p in found]
            elif problem := refusal_problem(persona, response, route):
                problems.append(f"{where}: must be refused with 404, {problem}")
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("key", sorted(set(all_object_routes()) - set(registry.CAPABILITY)))
def test_an_unknown_identifier_is_a_404_for_everyone(world: World, key: str) -> None:
    """Generated for every object route, covered or not: an identifier that names nothing is a 404 (or a
    sign-in for anonymous visitors), never a page, never a server error. A page that only takes POST is posted to."""
    route = all_object_routes()[key]
    problems = []
    for persona in PERSONAS:
        client = world.client(persona)
        response = _request(client, route, Case("missing", {}, frozenset()))
        if response.status_code == 405 and isinstance(route, HtmlRoute):
            response = client.post(route.url())
        if isinstance(route, ApiRoute) and route.method != "GET" and response.status_code in (400, 422):
            continue  # the empty body is refused before any lookup: nothing is said about the identifier
        if problem := refusal_problem(persona, response, route):
            problems.append(f"{persona} -> {route.url()}: {problem}")
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)
