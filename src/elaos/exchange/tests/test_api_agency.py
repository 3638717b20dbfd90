"""Agency systems reading datasets with client-credentials tokens: scope, purpose, consent, rate limit, audit."""

import base64
import datetime
import hashlib

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from elaos.core.audit import audit_verify_chain
from elaos.core.models import AuditEvent, District, Province
from elaos.exchange import services
from elaos.exchange.models import ConsentGrant
from elaos.exchange.tests.conftest import agency_get, bearer, give_consent, register


@pytest.fixture
def citizen_with_address(citizen):  # type: ignore[no-untyped-def]
    citizen.province = Province.objects.get(code="01")
    citizen.district = District.objects.get(code="0101")
    citizen.address_line = "ບ້ານ ສີສະຫວາດ, ຮ່ອມ 5"
    citizen.national_id = "0123456789"
    citizen.save()
    return citizen


def address_path(person) -> str:  # type: ignore[no-untyped-def]
    return f"/exchange/persons/{person.public_id}/address"


def test_address_released_under_consent_and_logged_with_the_hash(
    client, claims_system, token, citizen_with_address, lsso, sms_code
):  # type: ignore[no-untyped-def]
    give_consent(citizen_with_address, lsso, sms_code)

    response = agency_get(client, address_path(citizen_with_address), token)

    assert response.status_code == 200
    body = response.json()
    assert body["province"] == "01"
    assert body["address_line"] == "ບ້ານ ສີສະຫວາດ, ຮ່ອມ 5"
    event = AuditEvent.objects.filter(action="exchange.read").get()
    assert event.subject_id == citizen_with_address.pk
    assert event.data["client"] == str(claims_system.public_id)
    assert event.data["purpose"] == "service_delivery"
    assert event.data["dataset"] == "person.address.read"
    assert event.data["response_sha256"] == hashlib.sha256(response.content).hexdigest()
    assert response["X-ELaos-Response-SHA256"] == event.data["response_sha256"]
    assert audit_verify_chain()[1] is None


def test_person_named_by_national_id(client, token, citizen_with_address, lsso, sms_code):  # type: ignore[no-untyped-def]
    give_consent(citizen_with_address, lsso, sms_code)

    response = agency_get(client, "/exchange/persons/0123456789/address", token)

    assert response.status_code == 200
    assert response.json()["person"] == str(citizen_with_address.public_id)


def test_without_consent_refused_and_logged(client, token, citizen_with_address):  # type: ignore[no-untyped-def]
    response = agency_get(client, address_path(citizen_with_address), token)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"
    assert "ສີສະຫວາດ" not in response.content.decode()
    refused = AuditEvent.objects.get(action="exchange.refused")
    assert refused.subject_id == citizen_with_address.pk
    assert refused.data["error"] == "consent_required"
    assert not AuditEvent.objects.filter(action="exchange.read").exists()


def test_unknown_person_answers_like_no_consent(client, token):  # type: ignore[no-untyped-def]
    response = agency_get(client, "/exchange/persons/9999999999/address", token)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


def test_consent_to_another_agency_does_not_count(client, token, citizen_with_address, other_agency, root, sms_code):  # type: ignore[no-untyped-def]
    register(root, other_agency, ["person.address.read"])
    give_consent(citizen_with_address, other_agency, sms_code)

    assert agency_get(client, address_path(citizen_with_address), token).json()["code"] == "consent_required"


def test_consent_for_another_dataset_or_purpose_does_not_count(client, token, citizen_with_address, lsso, sms_code):  # type: ignore[no-untyped-def]
    give_consent(citizen_with_address, lsso, sms_code, datasets=["services.application.status"])

    assert agency_get(client, address_path(citizen_with_address), token).status_code == 403
    give_consent(citizen_with_address, lsso, sms_code, purpose="eligibility_check")
    assert agency_get(client, address_path(citizen_with_address), token).status_code == 403
    assert agency_get(client, address_path(citizen_with_address), token, purpose="eligibility_check").status_code == 200


def test_revoked_consent_refused(client, token, citizen_with_address, lsso, sms_code):  # type: ignore[no-untyped-def]
    grant = give_consent(citizen_with_address, lsso, sms_code)
    assert agency_get(client, address_path(citizen_with_address), token).status_code == 200

    services.consent_grant_revoke(actor=citizen_with_address, grant=grant)

    response = agency_get(client, address_path(citizen_with_address), token)
    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


def test_expired_consent_refused(client, token, citizen_with_address, lsso, sms_code):  # type: ignore[no-untyped-def]
    grant = give_consent(citizen_with_address, lsso, sms_code)
    ConsentGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    assert agency_get(client, address_path(citizen_with_address), token).json()["code"] == "consent_required"


def test_wrong_scope_is_insufficient_scope(client, claims_system, citizen_with_address, lsso, sms_code):  # type: ignore[no-untyped-def]
    give_consent(citizen_with_address, lsso, sms_code)
    npa_only = bearer(claims_system, ["npa.read"])

    response = agency_get(client, address_path(citizen_with_address), npa_only)

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert AuditEvent.objects.filter(action="exchange.refused", data__error="insufficient_scope").exists()


def test_scope_in_token_but_not_granted_to_the_client_is_refused(client, root, lsso, citizen_with_address):  # type: ignore[no-untyped-def]
    npa_system = register(root, lsso, ["npa.read"])
    token = bearer(npa_system, ["npa.read", "person.address.read"])

    assert agency_get(client, address_path(citizen_with_address), token).json()["error"] == "insufficient_scope"


def test_purpose_is_required_and_from_the_list(client, token, citizen_with_address):  # type: ignore[no-untyped-def]
    assert agency_get(client, address_path(citizen_with_address), token, purpose=None).status_code == 400
    response = agency_get(client, address_path(citizen_with_address), token, purpose="curiosity")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("kind", ["missing", "garbage", "expired", "user_token", "archived_client"])
def test_bad_tokens_are_unauthenticated(client, claims_system, token, root, citizen, kind):  # type: ignore[no-untyped-def]
    headers = {"HTTP_X_PURPOSE": "service_delivery"}
    if kind == "garbage":
        headers["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    elif kind == "expired":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer(claims_system, ['npa.read'], expires_in=-10)}"
    elif kind == "user_token":
        # A token a person gave through the authorization-code flow is not a machine client's token.
        AccessToken.objects.create(
            application=claims_system.application,
            user=citizen,
            token="user-token-abc",
            scope="npa.read",
            expires=timezone.now() + datetime.timedelta(hours=1),
        )
        headers["HTTP_AUTHORIZATION"] = "Bearer user-token-abc"
    elif kind == "archived_client":
        services.agency_client_archive(actor=root, client=claims_system, reason="retired")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    response = client.get("/api/v1/exchange/consents/check", {"person": "x", "dataset": "npa.read"}, **headers)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    if kind == "missing":
        # No token was offered, so there is no token to call invalid.
        assert "WWW-Authenticate" not in response
    else:
        # RFC 6750 §3.1: a Bearer token was sent and refused.
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_other_authorization_schemes_get_no_bearer_challenge(client):  # type: ignore[no-untyped-def]
    response = client.get(
        "/api/v1/exchange/consents/check",
        {"person": "x", "dataset": "npa.read"},
        HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==",
        HTTP_X_PURPOSE="service_delivery",
    )

    assert response.status_code == 401
    assert "WWW-Authenticate" not in response


def test_rate_limit_per_client(client, root, lsso, other_agency, citizen):  # type: ignore[no-untyped-def]
    slow = register(root, lsso, ["npa.read", "person.address.read"], rate=3)
    other = register(root, other_agency, ["person.address.read"], rate=3)
    slow_token, other_token = bearer(slow, ["person.address.read"]), bearer(other, ["person.address.read"])
    path = address_path(citizen)

    statuses = [agency_get(client, path, slow_token).status_code for _ in range(4)]

    assert statuses == [403, 403, 403, 429]
    limited = agency_get(client, path, slow_token)
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another client has its own budget.
    assert agency_get(client, path, other_token).status_code == 403


def test_npa_register_entry(client, token, moha_registered_npa):  # type: ignore[no-untyped-def]
    response = agency_get(client, f"/exchange/npas/{moha_registered_npa.registration_number}", token)

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    event = AuditEvent.objects.get(action="exchange.read")
    assert event.subject_id is None
    assert event.data["reference"] == moha_registered_npa.registration_number
    assert agency_get(client, "/exchange/npas/NPA-1999-9999", token).status_code == 404


def test_application_status_under_consent(
    client, token, lsso, submitted_certificate_application, citizen, other_citizen, sms_code
):  # type: ignore[no-untyped-def]
    give_consent(citizen, lsso, sms_code, datasets=["services.application.status"])

    response = agency_get(client, f"/exchange/persons/{citizen.public_id}/applications", token)

    assert response.status_code == 200
    [application] = response.json()["applications"]
    assert application["reference"] == submitted_certificate_application.reference
    assert application["state"] == submitted_certificate_application.state
    other = agency_get(client, f"/exchange/persons/{other_citizen.public_id}/applications", token)
    assert other.status_code == 403


def test_consent_check_says_only_yes_or_no(client, token, citizen, lsso, sms_code):  # type: ignore[no-untyped-def]
    def check(dataset: str = "person.address.read") -> object:
        response = client.get(
            "/api/v1/exchange/consents/check",
            {"person": str(citizen.public_id), "dataset": dataset},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return response.json()

    assert check() == {"granted": False}
    give_consent(citizen, lsso, sms_code)
    assert check() == {"granted": True}
    assert check("services.application.status") == {"granted": False}
    assert check("nonsense")["code"] == "invalid_request"


def test_agency_asks_for_consent_and_the_person_is_told(client, token, citizen):  # type: ignore[no-untyped-def]
    from elaos.notifications.models import Message

    payload = {
        "person": str(citizen.public_id),
        "datasets": ["person.address.read"],
        "purpose": "eligibility_check",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "note": "ກວດສິດຮັບເງິນບຳນານ",
    }
    response = client.post(
        "/api/v1/exchange/consent-requests",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 202
    grant = ConsentGrant.objects.get(person=citizen)
    assert grant.status == ConsentGrant.Status.REQUESTED
    assert Message.objects.filter(to=citizen.phone).exists()
    # An unknown person gets the same answer and nothing is created.
    payload["person"] = "0000000000"
    unknown = client.post(
        "/api/v1/exchange/consent-requests",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert unknown.status_code == 202
    assert ConsentGrant.objects.count() == 1


def test_consent_request_with_bad_terms_is_refused(client, token, citizen):  # type: ignore[no-untyped-def]
    payload = {
        "person": "0000000000",
        "datasets": ["person.address.read"],
        "purpose": "service_delivery",
        "valid_until": "2000-01-01",
    }
    response = client.post(
        "/api/v1/exchange/consent-requests",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 422
    assert "valid_until" in response.json()["errors"]


def test_client_credentials_token_from_the_token_endpoint(client, root, lsso, citizen, sms_code):  # type: ignore[no-untyped-def]
    registered = services.agency_client_register(
        actor=root, organisation=lsso, name="Pensions", scopes=["person.address.read"], rate_limit_per_minute=10
    )
    basic = base64.b64encode(f"{registered.client.application.client_id}:{registered.client_secret}".encode()).decode()

    issued = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "person.address.read"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )

    assert issued.status_code == 200, issued.content
    access_token = issued.json()["access_token"]
    give_consent(citizen, lsso, sms_code)
    assert agency_get(client, address_path(citizen), access_token).status_code == 200


def token_request(client, registered: services.RegisteredClient, scope: str | None):  # type: ignore[no-untyped-def]
    basic = base64.b64encode(f"{registered.client.application.client_id}:{registered.client_secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")


def test_token_endpoint_refuses_a_scope_the_client_was_not_granted(client, root, lsso):  # type: ignore[no-untyped-def]
    registered = services.agency_client_register(
        actor=root, organisation=lsso, name="Register reader", scopes=["npa.read"], rate_limit_per_minute=10
    )

    for scope in ("person.address.read", "npa.read person.address.read", "openid", "national_id"):
        refused = token_request(client, registered, scope)

        assert refused.status_code == 400, scope
        assert refused.json()["error"] == "invalid_scope", scope
    assert not AccessToken.objects.filter(application=registered.client.application).exists()

    issued = token_request(client, registered, "npa.read")

    assert issued.status_code == 200, issued.content
    assert issued.json()["scope"] == "npa.read"


def test_token_endpoint_without_a_scope_issues_no_dataset(client, root, lsso):  # type: ignore[no-untyped-def]
    """The default scopes (openid) are not the client's, so a request naming no scope gets a token for none: it
    reads nothing (insufficient_scope), rather than being widened to the client's datasets or to openid."""
    registered = services.agency_client_register(
        actor=root, organisation=lsso, name="Register reader", scopes=["npa.read"], rate_limit_per_minute=10
    )

    response = token_request(client, registered, None)

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == ""
    token = response.json()["access_token"]
    assert AccessToken.objects.get(token=token).scope == ""
    refused = agency_get(client, "/exchange/npas/NPA-0001", token)
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"


def test_archived_client_gets_no_token(client, root, lsso):  # type: ignore[no-untyped-def]
    registered = services.agency_client_register(
        actor=root, organisation=lsso, name="Register reader", scopes=["npa.read"], rate_limit_per_minute=10
    )
    services.agency_client_archive(actor=root, client=registered.client, reason="retired")

    response = token_request(client, registered, "npa.read")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.filter(application=registered.client.application).exists()


def test_recruitment_licence_check(client, root, lsso):  # type: ignore[no-untyped-def]
    from elaos.migration.models import RecruitmentAgency

    RecruitmentAgency.objects.create(
        licence_number="MOLSW-RA-2024-007",
        name_lo="ບໍລິສັດ ຈັດຫາງານ ທົດສອບ",
        enterprise_registration_number="01-000123",
        licensed_on=datetime.date(2024, 1, 10),
        licence_expires_on=datetime.date(2027, 1, 9),
    )
    checker = register(root, lsso, ["migration.licence.check"])
    token = bearer(checker, ["migration.licence.check"])

    response = agency_get(client, "/exchange/recruitment-licences/MOLSW-RA-2024-007", token, purpose="licensing")

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert agency_get(client, "/exchange/recruitment-licences/NOPE", token, purpose="licensing").status_code == 404
