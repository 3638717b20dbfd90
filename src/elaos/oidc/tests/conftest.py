"""An agency system registered as a client, and a relying party that walks the real code flow with PKCE through
the test client."""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from jwcrypto import jwk, jwt

from conftest import StaffFactory, confirmed_totp, totp_now
from elaos.agencies.models import Role, RoleAssignment
from elaos.oidc import services

REDIRECT_URI = "https://agency.example/callback"
LOGOUT_URI = "https://agency.example/signed-out"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def identity_admin(db: None, ministry):  # type: ignore[no-untyped-def]
    user = StaffFactory(email="identity@gov.la", given_name_latin="Vilay")
    RoleAssignment.objects.create(user=user, organisation=ministry, role=Role.objects.get(code="identity_admin"))
    confirmed_totp(user)
    return user


@pytest.fixture
def admin_client(client: Client, identity_admin):  # type: ignore[no-untyped-def]
    client.force_login(identity_admin)
    response = client.post("/accounts/second-factor/", {"token": totp_now(identity_admin.totpdevice_set.get())})
    assert response.status_code == 302
    return client


@dataclass
class Agency:
    client_id: str
    secret: str
    agency_client: Any


@pytest.fixture
def agency(identity_admin, ministry) -> Agency:  # type: ignore[no-untyped-def]
    client, secret = services.agency_client_register(
        actor=identity_admin,
        organisation=ministry,
        name_lo="ລະບົບປະກັນສັງຄົມ",
        name_en="Social security system",
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[LOGOUT_URI],
        allowed_scopes=["openid", "profile", "phone", "address", "national_id"],
    )
    return Agency(client_id=client.application.client_id, secret=secret, agency_client=client)


@dataclass
class RelyingParty:
    """What an agency system does, step by step, against e-Laos."""

    browser: Client
    agency: Agency
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(64))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def params(self, scope: str = "openid", **overrides: str) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": self.agency.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": b64url(hashlib.sha256(self.verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        return params

    def authorize(self, scope: str = "openid", **overrides: str) -> str:
        """Show the consent screen, agree, and return the authorization code from the redirect."""
        params = self.params(scope, **overrides)
        page = self.browser.get("/o/authorize/", params)
        assert page.status_code == 200, page.content
        response = self.browser.post("/o/authorize/", {**params, "allow": "on"})
        assert response.status_code == 302, response.content
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
        query = parse_qs(location.query)
        assert query["state"] == [self.state]
        return query["code"][0]

    def token(self, code: str, **overrides: str) -> Any:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": self.verifier,
        }
        data.update(overrides)
        return Client().post("/o/token/", data, HTTP_AUTHORIZATION=basic(self.agency.client_id, self.agency.secret))

    def tokens(self, scope: str = "openid") -> dict[str, Any]:
        response = self.token(self.authorize(scope))
        assert response.status_code == 200, response.content
        return response.json()


def verify_id_token(id_token: str, *, audience: str, nonce: str | None = None) -> dict[str, Any]:
    """Verify an ID token the way a relying party does: against the published JWKS."""
    keyset = jwk.JWKSet.from_json(json.dumps(Client().get("/o/jwks/").json()))
    checks: dict[str, Any] = {"iss": "http://testserver", "aud": audience, "exp": None}
    if nonce is not None:
        checks["nonce"] = nonce
    return json.loads(jwt.JWT(jwt=id_token, key=keyset, algs=["RS256"], check_claims=checks).claims)


@pytest.fixture
def relying_party(client: Client, citizen, agency: Agency) -> RelyingParty:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    return RelyingParty(browser=client, agency=agency)
