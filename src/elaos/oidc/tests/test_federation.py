"""Sign-in through an upstream national identity provider, end to end over the real protocol.

The upstream provider is e-Laos's own OpenID Provider, served by the Django test client; the relying party's HTTP
calls (discovery, token, JWKS, userinfo) reach it through a requests transport adapter. Nothing in the protocol
is mocked: PKCE, state, nonce, the code exchange and the RS256 signature check all run for real."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from requests.structures import CaseInsensitiveDict

from conftest import StaffFactory, UserFactory
from elaos.core.models import AuditEvent
from elaos.oidc import federation, services
from elaos.oidc.models import FederatedIdentity

ISSUER = "https://testserver"
CALLBACK = "https://testserver/accounts/national-id/callback/"


class DjangoClientAdapter(requests.adapters.BaseAdapter):
    """Sends a requests.PreparedRequest to the Django test client instead of the network."""

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:  # type: ignore[override]
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "content-type"}}
        answer = Client().generic(
            request.method,
            path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            secure=url.scheme == "https",
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def upstream(settings, monkeypatch, identity_admin, ministry):  # type: ignore[no-untyped-def]
    client, secret = services.agency_client_register(
        actor=identity_admin,
        organisation=ministry,
        name_lo="e-Laos",
        name_en="e-Laos",
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=[],
        allowed_scopes=["openid", "profile", "phone", "email", "national_id"],
    )
    settings.OIDC_UPSTREAM_ISSUER = ISSUER
    settings.OIDC_UPSTREAM_CLIENT_ID = client.application.client_id
    settings.OIDC_UPSTREAM_CLIENT_SECRET = secret
    settings.OIDC_UPSTREAM_SCOPES = "openid profile phone national_id"

    def session() -> requests.Session:
        s = requests.Session()
        s.mount(f"{ISSUER}/", DjangoClientAdapter())
        return s

    monkeypatch.setattr(federation, "http_session", session)
    return client


def _sign_in_upstream(person, *, rp: Client, next_url: str = "") -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The browser leaves e-Laos for the national provider, the person agrees there; returns the callback URL."""
    start = rp.get("/accounts/national-id/", {"next": next_url} if next_url else {}, secure=True)
    assert start.status_code == 302, start.content
    authorize = urlsplit(start["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{ISSUER}/o/authorize/"
    params = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert params["code_challenge_method"] == "S256"
    assert params["nonce"]
    assert params["state"]
    at_upstream = Client()
    at_upstream.force_login(person)
    assert at_upstream.get("/o/authorize/", params, secure=True).status_code == 200
    agreed = at_upstream.post("/o/authorize/", {**params, "allow": "on"}, secure=True)
    assert agreed.status_code == 302
    assert agreed["Location"].startswith(CALLBACK)
    return agreed["Location"], params["state"]


def test_sign_in_with_the_national_id_links_the_account_with_the_same_verified_phone(upstream, citizen) -> None:
    rp = Client()
    callback, _ = _sign_in_upstream(citizen, rp=rp, next_url="/services/")
    done = rp.get(callback, secure=True)
    assert done.status_code == 302
    assert done["Location"] == "/services/"
    assert rp.session["_auth_user_id"] == str(citizen.pk)
    link = FederatedIdentity.objects.get()
    assert (link.issuer, link.subject, link.user) == (ISSUER, str(citizen.public_id), citizen)
    event = AuditEvent.objects.get(action="oidc.federated_sign_in")
    assert event.data == {"issuer": ISSUER, "how": "matched"}

    # The second time, the link is used.
    again = Client()
    callback, _ = _sign_in_upstream(citizen, rp=again)
    assert again.get(callback, secure=True).status_code == 302
    assert again.session["_auth_user_id"] == str(citizen.pk)
    assert AuditEvent.objects.filter(action="oidc.federated_sign_in", data__how="linked").count() == 1
    assert FederatedIdentity.objects.count() == 1


def test_a_changed_state_is_refused(upstream, citizen) -> None:
    rp = Client()
    callback, state = _sign_in_upstream(citizen, rp=rp)
    response = rp.get(callback.replace(f"state={state}", "state=forged"), secure=True)
    assert response.status_code == 400
    assert "_auth_user_id" not in rp.session
    assert AuditEvent.objects.filter(action="oidc.federation_refused", data__error="state_mismatch").exists()


def test_a_wrong_nonce_fails_id_token_validation(upstream, citizen) -> None:
    rp = Client()
    callback, _ = _sign_in_upstream(citizen, rp=rp)
    session = rp.session
    session[federation.SESSION_KEY] = {**session[federation.SESSION_KEY], "nonce": "not-the-one-sent"}
    session.save()
    response = rp.get(callback, secure=True)
    assert response.status_code == 400
    assert "_auth_user_id" not in rp.session
    assert AuditEvent.objects.filter(action="oidc.federation_refused", data__error="bad_id_token").exists()


def test_a_wrong_client_secret_is_refused_by_the_provider(upstream, citizen, settings) -> None:
    rp = Client()
    callback, _ = _sign_in_upstream(citizen, rp=rp)
    settings.OIDC_UPSTREAM_CLIENT_SECRET = "wrong"
    response = rp.get(callback, secure=True)
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="oidc.federation_refused", data__error="token_refused").exists()
    assert AuditEvent.objects.filter(action="oidc.token_refused", data__error="invalid_client").exists()


def test_an_id_token_for_another_client_is_refused(upstream, citizen, settings) -> None:
    """The code was issued to the configured client; an RP configured with another client id must not accept the
    token (aud), even with a valid signature."""
    rp = Client()
    callback, _ = _sign_in_upstream(citizen, rp=rp)
    tokens_client = upstream.application.client_id
    settings.OIDC_UPSTREAM_CLIENT_ID = "someone-else"
    response = rp.get(callback, secure=True)
    assert response.status_code == 400
    settings.OIDC_UPSTREAM_CLIENT_ID = tokens_client


def test_federation_is_off_without_an_issuer(db, settings) -> None:
    settings.OIDC_UPSTREAM_ISSUER = ""
    assert Client().get("/accounts/national-id/").status_code == 404
    assert Client().get("/accounts/national-id/callback/").status_code == 404


def test_sign_in_button_only_when_configured(db, settings) -> None:
    request = RequestFactory().get("/accounts/sign-in/")
    settings.OIDC_UPSTREAM_ISSUER = ""
    assert "national-id" not in render_to_string("oidc/_federation_button.html", request=request)
    settings.OIDC_UPSTREAM_ISSUER, settings.OIDC_UPSTREAM_CLIENT_ID = ISSUER, "x"
    assert 'action="/accounts/national-id/"' in render_to_string("oidc/_federation_button.html", request=request)


# Linking rules, without the protocol around them


def test_unknown_verified_phone_creates_a_citizen_account(db) -> None:
    claims = {"sub": "abc", "phone_number": "+8562055599999", "phone_number_verified": True, "given_name": "ນາງ"}
    user = services.federated_sign_in(issuer=ISSUER, claims=claims)
    assert user.phone == "+8562055599999"
    assert user.given_name_lo == "ນາງ"
    assert not user.is_staff
    assert FederatedIdentity.objects.get().user == user


def test_unverified_phone_is_not_linked(db) -> None:
    UserFactory(phone="+8562055512345")
    with pytest.raises(services.FederationRefused):
        services.federated_sign_in(issuer=ISSUER, claims={"sub": "abc", "phone_number": "+8562055512345"})
    assert not FederatedIdentity.objects.exists()


def test_staff_accounts_are_never_linked(db) -> None:
    StaffFactory(email="officer@gov.la", email_verified_at="2025-01-01T00:00:00Z")
    with pytest.raises(services.FederationRefused):
        services.federated_sign_in(
            issuer=ISSUER, claims={"sub": "abc", "email": "officer@gov.la", "email_verified": True}
        )
    assert not FederatedIdentity.objects.exists()
