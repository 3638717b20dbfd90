"""The citizen's consent API: give with a one-time code, see, revoke; receipts signed and verifiable."""

import datetime
import json

import pytest
from django.utils import timezone

from elaos.core.models import AuditEvent
from elaos.exchange.models import ConsentGrant
from elaos.exchange.receipts import receipt_verify
from elaos.exchange.tests.conftest import give_consent


def until(days: int = 30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def start(api, agency: str = "lsso", **changes):  # type: ignore[no-untyped-def]
    payload = {
        "agency": agency,
        "datasets": ["person.address.read"],
        "purpose": "service_delivery",
        "valid_until": until(),
        "channel": "sms",
        **changes,
    }
    return api.post("/api/v1/consents", payload, content_type="application/json")


def test_give_confirm_see_and_revoke(client, citizen, claims_system, sms_code):  # type: ignore[no-untyped-def]
    client.force_login(citizen)

    started = start(client)
    assert started.status_code == 201
    grant = started.json()
    assert grant["status"] == "awaiting_code"
    assert grant["in_force"] is False

    confirmed = client.post(
        f"/api/v1/consents/{grant['id']}/confirm", {"code": sms_code(citizen.phone)}, content_type="application/json"
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "active"
    assert confirmed.json()["in_force"] is True

    listed = client.get("/api/v1/consents").json()
    assert [g["id"] for g in listed] == [grant["id"]]

    receipt = client.get(f"/api/v1/consents/{grant['id']}/receipt").json()
    assert receipt["claims"]["sub"] == str(citizen.public_id)
    assert receipt["claims"]["agency"]["code"] == "lsso"
    assert receipt["claims"]["datasets"] == ["person.address.read"]

    revoked = client.post(f"/api/v1/consents/{grant['id']}/revoke")
    assert revoked.json()["status"] == "revoked"
    assert client.post(f"/api/v1/consents/{grant['id']}/revoke").status_code == 422
    assert list(AuditEvent.objects.filter(subject=citizen).values_list("action", flat=True)) == [
        "exchange.consent_start",
        "exchange.consent_grant",
        "exchange.consent_revoke",
    ]


def test_wrong_code_refused_and_counted(client, citizen, claims_system, sms_code):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    grant_id = start(client).json()["id"]
    right = sms_code(citizen.phone)
    wrong = "000000" if right != "000000" else "111111"

    for _ in range(5):
        response = client.post(f"/api/v1/consents/{grant_id}/confirm", {"code": wrong}, content_type="application/json")
        assert response.status_code == 422
        assert "code" in response.json()["errors"]

    # Five wrong tries spend the code: even the right one no longer works.
    response = client.post(f"/api/v1/consents/{grant_id}/confirm", {"code": right}, content_type="application/json")
    assert response.status_code == 422
    assert ConsentGrant.objects.get().status == ConsentGrant.Status.AWAITING_CODE


def test_codes_are_rate_limited(client, citizen, claims_system):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    grant_id = start(client).json()["id"]
    for _ in range(4):
        assert (
            client.post(
                f"/api/v1/consents/{grant_id}/resend", {"channel": "sms"}, content_type="application/json"
            ).status_code
            == 200
        )

    response = client.post(f"/api/v1/consents/{grant_id}/resend", {"channel": "sms"}, content_type="application/json")

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_codes"
    assert start(client).status_code == 429


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"datasets": []}, "datasets"),
        ({"datasets": ["npa.read"]}, "datasets"),
        ({"purpose": "curiosity"}, "purpose"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"valid_until": until(5000)}, "valid_until"),
        ({"agency": "nowhere"}, "agency"),
        ({"channel": "email"}, "channel"),
    ],
)
def test_bad_consent_input(client, citizen, claims_system, changes, field):  # type: ignore[no-untyped-def]
    client.force_login(citizen)

    response = start(client, **changes)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ConsentGrant.objects.exists()


def test_another_persons_consent_is_not_found(client, citizen, other_citizen, lsso, claims_system, sms_code):  # type: ignore[no-untyped-def]
    grant = give_consent(citizen, lsso, sms_code)
    client.force_login(other_citizen)

    assert client.get(f"/api/v1/consents/{grant.public_id}").status_code == 404
    assert client.post(f"/api/v1/consents/{grant.public_id}/revoke").status_code == 404
    assert client.get(f"/api/v1/consents/{grant.public_id}/receipt").status_code == 404
    assert client.get("/api/v1/consents").json() == []
    assert ConsentGrant.objects.get().status == ConsentGrant.Status.ACTIVE


def test_signed_out_is_unauthenticated(client):  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/consents").status_code == 401
    assert client.get("/api/v1/me/access-log").status_code == 401


def test_agency_request_approved_then_confirmed(client, citizen, claims_system, sms_code):  # type: ignore[no-untyped-def]
    from elaos.exchange import services

    grant = services.consent_request_create(
        client=claims_system,
        person=citizen,
        datasets=["person.address.read"],
        purpose="eligibility_check",
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
        note="ກວດສິດ",
    )
    client.force_login(citizen)
    assert client.get(f"/api/v1/consents/{grant.public_id}").json()["requested_by_agency"] is True

    approved = client.post(
        f"/api/v1/consents/{grant.public_id}/approve", {"channel": "sms"}, content_type="application/json"
    )
    assert approved.json()["status"] == "awaiting_code"
    confirmed = client.post(
        f"/api/v1/consents/{grant.public_id}/confirm",
        {"code": sms_code(citizen.phone)},
        content_type="application/json",
    )
    assert confirmed.json()["status"] == "active"


def test_agency_request_declined(client, citizen, claims_system):  # type: ignore[no-untyped-def]
    from elaos.exchange import services

    grant = services.consent_request_create(
        client=claims_system,
        person=citizen,
        datasets=["person.address.read"],
        purpose="eligibility_check",
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(citizen)

    assert client.post(f"/api/v1/consents/{grant.public_id}/decline").json()["status"] == "declined"
    assert (
        client.post(
            f"/api/v1/consents/{grant.public_id}/approve", {"channel": "sms"}, content_type="application/json"
        ).status_code
        == 422
    )


def test_receipt_verifies_and_tampering_is_detected(client, citizen, lsso, claims_system, sms_code):  # type: ignore[no-untyped-def]
    grant = give_consent(citizen, lsso, sms_code)

    def verify(receipt: str) -> dict:
        return client.post(
            "/api/v1/consents/receipts/verify", {"receipt": receipt}, content_type="application/json"
        ).json()

    result = verify(grant.receipt)
    assert result["valid"] is True
    assert result["state"] == "active"
    assert result["claims"]["jti"] == str(grant.public_id)

    header, body, signature = grant.receipt.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["datasets"] = ["person.address.read", "services.application.status"]
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert verify(f"{header}.{forged_body}.{signature}") == {
        "valid": False,
        "reason": "bad_signature",
        "state": "unknown",
        "claims": None,
    }
    assert verify("nonsense")["reason"] == "malformed"

    from elaos.exchange import services

    services.consent_grant_revoke(actor=citizen, grant=grant)
    assert verify(grant.receipt)["state"] == "revoked"


def test_receipt_checks_offline_with_the_published_keys(citizen, lsso, claims_system, sms_code):  # type: ignore[no-untyped-def]
    """What a verifier without e-Laos does: the published Ed25519 key by kid, and a standard JWS library."""
    from jwcrypto import jwk, jws

    from elaos.documents.keys import published_keys

    grant = give_consent(citizen, lsso, sms_code)
    parsed = jws.JWS()
    parsed.deserialize(grant.receipt)
    key = next(k for k in published_keys()["keys"] if k["kid"] == parsed.jose_header["kid"])
    public = jwk.JWK(kty="OKP", crv="Ed25519", x=key["public_key"])

    parsed.verify(public, alg="EdDSA")

    assert json.loads(parsed.payload)["sub"] == str(citizen.public_id)
    assert receipt_verify(grant.receipt).valid


def test_agency_without_a_registered_system_cannot_be_chosen(client, citizen, claims_system, other_agency):  # type: ignore[no-untyped-def]
    client.force_login(citizen)

    response = start(client, agency=other_agency.code)

    assert response.status_code == 422
    assert "agency" in response.json()["errors"]
