"""The OpenID Provider as an agency system sees it: discovery, JWKS, the code flow with PKCE, claims by scope."""

import json
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from jwcrypto import jwk, jwt

from elaos.core.models import AuditEvent
from elaos.oidc.tests.conftest import REDIRECT_URI, verify_id_token


def test_discovery_document_names_every_endpoint(db: None) -> None:
    response = Client().get("/.well-known/openid-configuration")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == "http://testserver"
    assert document["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert document["token_endpoint"] == "http://testserver/o/token/"
    assert document["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert document["jwks_uri"] == "http://testserver/o/jwks/"
    assert document["end_session_endpoint"] == "http://testserver/o/logout/"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert {"openid", "profile", "phone", "address", "national_id", "npa.read"} <= set(document["scopes_supported"])
    assert {"sub", "name", "phone_number", "address", "national_id"} <= set(document["claims_supported"])


def test_jwks_publishes_only_public_rsa_keys(db: None) -> None:
    keys = Client().get("/o/jwks/").json()["keys"]
    assert len(keys) == 1
    [key] = keys
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert "d" not in key
    assert "p" not in key
    assert key["kid"] == jwk.JWK(**key).thumbprint()


def test_code_flow_with_pkce_issues_an_id_token_that_verifies_against_the_jwks(relying_party, citizen) -> None:
    tokens = relying_party.tokens("openid")
    assert tokens["token_type"] == "Bearer"
    claims = verify_id_token(tokens["id_token"], audience=relying_party.agency.client_id, nonce=relying_party.nonce)
    assert claims["sub"] == str(citizen.public_id)
    # Only "openid" was granted: nothing personal in the token.
    assert "name" not in claims
    assert "phone_number" not in claims
    assert "national_id" not in claims
    header = json.loads(jwt.JWT(jwt=tokens["id_token"]).token.objects["protected"])
    assert header["alg"] == "RS256"
    assert header["kid"] == Client().get("/o/jwks/").json()["keys"][0]["kid"]


def test_consent_screen_in_lao_names_the_agency_and_the_details(relying_party, citizen) -> None:
    citizen.national_id = "0123456789"
    citizen.save()
    page = relying_party.browser.get("/o/authorize/", relying_party.params("openid profile national_id"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="lo">' in html
    assert "ລະບົບປະກັນສັງຄົມ" in html  # the system's Lao name
    assert "ກະຊວງແຮງງານ" in html  # the agency
    assert "0123456789" in html  # the national ID the person is about to share
    assert "<caption>" in html
    assert 'scope="row"' in html


def test_consent_screen_in_english(relying_party) -> None:
    relying_party.browser.cookies["elaos_language"] = "en"
    html = relying_party.browser.get("/o/authorize/", relying_party.params("openid phone")).content.decode()
    assert "Social security system" in html
    assert "Your mobile number" in html


def test_agreeing_is_recorded_in_the_audit_chain(relying_party, citizen) -> None:
    relying_party.authorize("openid phone")
    event = AuditEvent.objects.get(action="oidc.consent_granted")
    assert event.actor == citizen
    assert event.data["scopes"] == ["openid", "phone"]


def test_refusing_sends_access_denied_back_to_the_agency(relying_party) -> None:
    params = relying_party.params("openid phone")
    response = relying_party.browser.post("/o/authorize/", params)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert AuditEvent.objects.filter(action="oidc.consent_refused").exists()


def test_userinfo_releases_claims_by_scope(relying_party, citizen, vientiane, chanthabouly) -> None:
    citizen.national_id = "0123456789"
    citizen.province, citizen.district, citizen.address_line = vientiane, chanthabouly, "ເຮືອນ 12"
    citizen.save()
    narrow = relying_party.tokens("openid phone")
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {narrow['access_token']}").json()
    assert info == {"sub": str(citizen.public_id), "phone_number": citizen.phone, "phone_number_verified": True}

    relying_party.nonce = "second"
    wide = relying_party.tokens("openid profile address national_id")
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {wide['access_token']}").json()
    assert info["name"] == "ສົມໃຈ ແສງສຸລິຍາ"
    assert info["name#lo-Latn"] == "Somchai Sengsouliya"
    assert info["national_id"] == "0123456789"
    assert info["address"]["region"] == vientiane.name_lo
    assert info["address"]["street_address"] == "ເຮືອນ 12"
    assert "phone_number" not in info
    id_claims = verify_id_token(wide["id_token"], audience=relying_party.agency.client_id)
    assert id_claims["national_id"] == "0123456789"


def test_a_client_cannot_ask_for_scopes_it_was_not_granted(relying_party) -> None:
    response = relying_party.browser.get("/o/authorize/", relying_party.params("openid email"))
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_scope"]
    assert AuditEvent.objects.filter(action="oidc.authorize_refused", data__error="invalid_scope").exists()


def test_signed_out_visitor_is_sent_to_sign_in_first(client, agency) -> None:
    from elaos.oidc.tests.conftest import RelyingParty

    rp = RelyingParty(browser=client, agency=agency)
    response = client.get("/o/authorize/", rp.params())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/o/authorize/")


def test_staff_must_pass_the_second_factor_before_authorizing(client, officer, agency) -> None:
    from elaos.oidc.tests.conftest import RelyingParty

    client.force_login(officer)
    rp = RelyingParty(browser=client, agency=agency)
    response = client.get("/o/authorize/", rp.params())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/?next=")


def test_redirect_carries_the_issuer(relying_party) -> None:
    params = relying_party.params()
    response = relying_party.browser.post("/o/authorize/", {**params, "allow": "on"})
    assert response["Location"].startswith(REDIRECT_URI)
    assert parse_qs(urlsplit(response["Location"]).query)["iss"] == ["http://testserver"]
