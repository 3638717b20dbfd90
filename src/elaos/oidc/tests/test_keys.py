"""Key rotation keeps tokens issued before it verifiable; RP-initiated logout."""

from urllib.parse import parse_qs, urlsplit

from django.core.management import call_command
from django.test import Client

from elaos.oidc import keys
from elaos.oidc.tests.conftest import LOGOUT_URI, verify_id_token


def test_rotation_keeps_old_tokens_verifiable(relying_party, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ELAOS_KEYS_DIR", str(tmp_path))
    before = relying_party.tokens()
    old_kid = keys.active_kid()

    call_command("oidc_rotate_key", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert keys.active_kid() != old_kid
    assert not (keys.oidc_dir() / f"{old_kid}.pem").exists()  # the retired key never signs again
    published = [k["kid"] for k in Client().get("/o/jwks/").json()["keys"]]
    assert published == [keys.active_kid(), old_kid]
    verify_id_token(before["id_token"], audience=relying_party.agency.client_id)

    relying_party.nonce = "after-rotation"
    after = relying_party.tokens()
    claims = verify_id_token(after["id_token"], audience=relying_party.agency.client_id, nonce="after-rotation")
    assert claims["sub"] == verify_id_token(before["id_token"], audience=relying_party.agency.client_id)["sub"]


def test_rp_initiated_logout_with_a_token_from_before_a_rotation(relying_party, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ELAOS_KEYS_DIR", str(tmp_path))
    tokens = relying_party.tokens()
    keys.rotate()
    params = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": LOGOUT_URI, "state": "bye"}
    page = relying_party.browser.get("/o/logout/", params)
    assert page.status_code == 200
    assert "Social security system" in page.content.decode()
    response = relying_party.browser.post("/o/logout/", {**params, "allow": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGOUT_URI)
    assert parse_qs(urlsplit(response["Location"]).query)["state"] == ["bye"]
    assert "_auth_user_id" not in relying_party.browser.session
    # The agency's tokens for this person end with the session.
    assert Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 401


def test_logout_to_an_unregistered_address_is_refused(relying_party) -> None:
    tokens = relying_party.tokens()
    response = relying_party.browser.get(
        "/o/logout/", {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": "https://attacker.example/"}
    )
    assert response.status_code == 400
    assert "_auth_user_id" in relying_party.browser.session
