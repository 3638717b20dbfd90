"""Refused protocol requests: each gets the standard OAuth / OpenID Connect error and an audit row."""

import base64
import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from jwcrypto.common import JWException
from oauth2_provider.models import AccessToken

from elaos.core.models import AuditEvent
from elaos.oidc.tests.conftest import verify_id_token


def _refused(action: str, error: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, data__error=error).latest("seq")


def test_wrong_pkce_verifier_is_invalid_grant(relying_party) -> None:
    code = relying_party.authorize()
    response = relying_party.token(code, code_verifier="x" * 64)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    event = _refused("oidc.token_refused", "invalid_grant")
    assert event.data["client_id"] == relying_party.agency.client_id
    assert event.data["grant_type"] == "authorization_code"


def test_missing_pkce_verifier_is_refused(relying_party) -> None:
    code = relying_party.authorize()
    response = relying_party.token(code, code_verifier="")
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert AuditEvent.objects.filter(action="oidc.token_refused").exists()


def test_authorization_without_pkce_is_refused(relying_party) -> None:
    params = relying_party.params()
    del params["code_challenge"], params["code_challenge_method"]
    response = relying_party.browser.get("/o/authorize/", params)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]
    assert _refused("oidc.authorize_refused", "invalid_request")


def test_plain_pkce_method_is_refused(relying_party) -> None:
    response = relying_party.browser.get(
        "/o/authorize/", relying_party.params(code_challenge=relying_party.verifier, code_challenge_method="plain")
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]


def test_replayed_authorization_code_is_invalid_grant(relying_party) -> None:
    code = relying_party.authorize()
    assert relying_party.token(code).status_code == 200
    replay = relying_party.token(code)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert _refused("oidc.token_refused", "invalid_grant")


def test_wrong_redirect_uri_at_authorization_is_shown_not_redirected(relying_party) -> None:
    response = relying_party.browser.get(
        "/o/authorize/", relying_party.params(redirect_uri="https://attacker.example/callback")
    )
    # Never redirect to an unregistered address: the error is shown on e-Laos.
    assert response.status_code == 400
    assert "attacker.example" not in response.get("Location", "")
    assert "invalid_request" in response.content.decode()
    assert _refused("oidc.authorize_refused", "invalid_request").data["client_id"] == relying_party.agency.client_id


def test_wrong_redirect_uri_at_token_exchange_is_refused(relying_party) -> None:
    code = relying_party.authorize()
    response = relying_party.token(code, redirect_uri="https://agency.example/other")
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert AuditEvent.objects.filter(action="oidc.token_refused").exists()


def test_wrong_client_secret_is_invalid_client(relying_party) -> None:
    code = relying_party.authorize()
    relying_party.agency.secret = "not-the-secret"
    response = relying_party.token(code)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert _refused("oidc.token_refused", "invalid_client").data["client_id"] == relying_party.agency.client_id


def test_unknown_client_is_refused_without_redirect(relying_party) -> None:
    response = relying_party.browser.get("/o/authorize/", relying_party.params(client_id="nobody"))
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="oidc.authorize_refused", data__client_id="nobody").exists()


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_tampered_id_token_fails_verification(relying_party) -> None:
    tokens = relying_party.tokens()
    with pytest.raises(JWException):
        verify_id_token(_tamper(tokens["id_token"]), audience=relying_party.agency.client_id)


def test_tampered_access_token_is_refused_by_userinfo(relying_party) -> None:
    tokens = relying_party.tokens("openid phone")
    response = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}x")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert AuditEvent.objects.filter(action="oidc.userinfo_refused").exists()


def test_expired_access_token_is_refused(relying_party) -> None:
    tokens = relying_party.tokens("openid phone")
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert AuditEvent.objects.filter(action="oidc.userinfo_refused").exists()


def test_expired_authorization_code_is_invalid_grant(relying_party) -> None:
    from oauth2_provider.models import Grant

    code = relying_party.authorize()
    Grant.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = relying_party.token(code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_access_token_in_the_query_string_is_not_accepted(relying_party) -> None:
    tokens = relying_party.tokens("openid phone")
    response = Client().get("/o/userinfo/", {"access_token": tokens["access_token"]})
    assert response.status_code in (400, 401)


def test_switched_off_client_can_no_longer_sign_anyone_in(relying_party, identity_admin) -> None:
    from elaos.oidc import services

    tokens = relying_party.tokens("openid phone")
    services.agency_client_archive(actor=identity_admin, client=relying_party.agency.agency_client, reason="retired")
    assert Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 401
    response = relying_party.browser.get("/o/authorize/", relying_party.params())
    assert response.status_code == 400
