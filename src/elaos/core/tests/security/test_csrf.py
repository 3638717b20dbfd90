"""CSRF, generated from the URL conf and the API schema: a POST without the token is refused with 403 on every page
and on every API write that accepts the session cookie, for visitors, citizens and staff alike. The few routes that
must take a POST from outside (a bank's signed callback, OAuth endpoints) are exempt by name, with the reason."""

import json

import pytest

from elaos.core.tests.security.conftest import World
from elaos.core.tests.security.routes import api_routes, html_callback, html_routes

# Routes that are csrf_exempt on purpose; each must carry its own proof of origin.
CSRF_EXEMPT_PAGES = {
    "payments:callback": "the bank's server-to-server callback, authenticated by an HMAC signature and timestamp",
    "core:set_language": "switching the language changes nothing of value and keeps cached public pages free of "
    "tokens; a signed-in user's preferred language is saved too, but the SameSite=Lax session cookie is not sent "
    "with a cross-site POST",
    "oauth2_provider:token": "OAuth 2.0 token endpoint: clients authenticate with their credentials, not cookies",
    "oauth2_provider:introspect": "OAuth 2.0 introspection: clients authenticate with their credentials",
    "oauth2_provider:revoke-token": "OAuth 2.0 revocation: clients authenticate with their credentials",
    "oauth2_provider:user-info": "OpenID Connect userinfo: authenticated by the bearer access token only",
}
# API writes that need no session (anyone may call them, nothing is done as a signed-in user).
SESSIONLESS_API_WRITES = {
    "POST /api/v1/verify": "checks a document's verification code; public, reads nothing of the caller",
    "POST /api/v1/consents/receipts/verify": "checks a signed consent receipt; public, reads nothing of the caller",
    "POST /api/v1/migration/complaints": "anonymous complaints against recruitment agencies, by design; it never "
    "files in the session user's name (test_a_complaint_through_the_api_is_not_filed_in_a_session_users_name_...)",
    "POST /api/v1/migration/complaints/status": "an anonymous complainant follows a complaint with its reference",
}
PERSONAS = ("anonymous", "alice", "officer_a")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def test_the_exempt_lists_are_exact() -> None:
    exempt = {r.key for r in html_routes() if getattr(html_callback(r), "csrf_exempt", False)}
    assert exempt == set(CSRF_EXEMPT_PAGES), "csrf_exempt pages must be listed in CSRF_EXEMPT_PAGES with a reason"
    sessionless = {r.key for r in api_routes() if r.method in UNSAFE and not r.authenticated}
    assert sessionless == set(SESSIONLESS_API_WRITES), "API writes without authentication must be listed"


@pytest.mark.parametrize("key", sorted(r.key for r in html_routes() if r.key not in CSRF_EXEMPT_PAGES))
def test_a_post_without_the_token_is_refused(csrf_world: World, key: str) -> None:
    route = next(r for r in html_routes() if r.key == key)
    for persona in PERSONAS:
        response = csrf_world.client(persona).post(route.url(), {"anything": "1"})
        assert response.status_code == 403, f"{persona} POST {route.url()}: {response.status_code}"


@pytest.mark.parametrize("key", sorted(r.key for r in api_routes() if r.method in UNSAFE and r.session))
def test_an_api_write_with_the_session_and_without_the_token_is_refused(csrf_world: World, key: str) -> None:
    route = next(r for r in api_routes() if r.key == key)
    for persona in PERSONAS[1:]:
        response = csrf_world.client(persona).generic(
            route.method, route.url(), json.dumps({}), content_type="application/json"
        )
        assert response.status_code == 403, f"{persona} {route.method} {route.url()}: {response.status_code}"


def test_with_the_token_the_same_post_passes_the_check(csrf_world: World) -> None:
    """The refusal above is the CSRF check, not something else: with the token the sign-in form answers."""
    client = csrf_world.client("anonymous")
    client.get("/accounts/sign-in/")
    token = client.cookies["csrftoken"].value
    response = client.post("/accounts/sign-in/", {"phone": "", "csrfmiddlewaretoken": token})
    assert response.status_code != 403
