"""The exchange pages: a citizen's consents (give with the code, revoke, receipt), receipt checking, and the agency
administrators' pages for systems, webhooks and deliveries."""

import datetime

from django.utils import timezone

from conftest import confirmed_totp, totp_now
from elaos.exchange.models import AgencyClient, ConsentGrant, WebhookSubscription
from elaos.exchange.tests.conftest import give_consent


def verified(client, user):  # type: ignore[no-untyped-def]
    device = confirmed_totp(user)
    client.force_login(user)
    assert client.post("/accounts/second-factor/", {"token": totp_now(device)}).status_code == 302
    return client


def test_give_consent_with_the_code_then_revoke(client, citizen, claims_system, sms_code):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    started = client.post(
        "/exchange/consents/",
        {
            "agency": "lsso",
            "datasets": ["person.address.read"],
            "purpose": "service_delivery",
            "valid_until": until,
            "channel": "sms",
        },
    )
    grant = ConsentGrant.objects.get()
    assert started.status_code == 302
    assert started["Location"] == f"/exchange/consents/{grant.public_id}/"

    wrong = client.post(started["Location"], {"action": "confirm", "code": "12345"})
    assert wrong.status_code == 422
    confirmed = client.post(started["Location"], {"action": "confirm", "code": sms_code(citizen.phone)})
    assert confirmed.status_code == 302
    grant.refresh_from_db()
    assert grant.status == ConsentGrant.Status.ACTIVE

    receipt = client.get(f"/exchange/consents/{grant.public_id}/receipt.json")
    assert receipt.json()["claims"]["jti"] == str(grant.public_id)
    checked = client.post(
        "/exchange/receipts/verify/", {"receipt": receipt.content.decode()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Genuine receipt" in checked.content.decode()

    client.post(started["Location"], {"action": "revoke"})
    grant.refresh_from_db()
    assert grant.status == ConsentGrant.Status.REVOKED


def test_consent_form_keeps_input_and_shows_errors(client, citizen, claims_system):  # type: ignore[no-untyped-def]
    client.force_login(citizen)

    response = client.post(
        "/exchange/consents/", {"agency": "lsso", "purpose": "service_delivery", "valid_until": "2000-01-01"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="2000-01-01"' in page
    assert 'id="id_datasets_error"' in page
    assert not ConsentGrant.objects.exists()


def test_another_persons_consent_page_is_404(client, citizen, other_citizen, lsso, claims_system, sms_code):  # type: ignore[no-untyped-def]
    grant = give_consent(citizen, lsso, sms_code)
    client.force_login(other_citizen)

    assert client.get(f"/exchange/consents/{grant.public_id}/").status_code == 404
    assert client.post(f"/exchange/consents/{grant.public_id}/", {"action": "revoke"}).status_code == 404
    assert client.get(f"/exchange/consents/{grant.public_id}/receipt.json").status_code == 404


def test_tampered_receipt_is_not_genuine(client, citizen, lsso, claims_system, sms_code):  # type: ignore[no-untyped-def]
    grant = give_consent(citizen, lsso, sms_code)
    tampered = grant.receipt[:-4] + ("AAAA" if not grant.receipt.endswith("AAAA") else "BBBB")

    page = client.post("/exchange/receipts/verify/", {"receipt": tampered}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Not a genuine receipt" in page


def test_office_admin_registers_a_system_and_sees_the_secret_once(client, dana, lsso):  # type: ignore[no-untyped-def]
    verified(client, dana)

    response = client.post(
        "/exchange/systems/new/",
        {
            "organisation": lsso.pk,
            "name": "Pension claims",
            "scopes": ["person.address.read"],
            "rate_limit_per_minute": 30,
        },
    )

    assert response.status_code == 200
    agency_client = AgencyClient.objects.get()
    assert response.context["client_secret"]
    assert agency_client.application.client_secret != response.context["client_secret"]
    detail = client.get(f"/exchange/systems/{agency_client.public_id}/").content.decode()
    assert response.context["client_secret"] not in detail


def test_admin_adds_a_webhook_and_sees_deliveries(client, dana, claims_system, settings):  # type: ignore[no-untyped-def]
    settings.EXCHANGE_WEBHOOK_ALLOW_HTTP = False
    verified(client, dana)
    url = f"/exchange/systems/{claims_system.public_id}/"

    refused = client.post(url, {"action": "subscribe", "url": "http://x.example/h", "event_types": ["npa.registered"]})
    assert refused.status_code == 422
    added = client.post(url, {"action": "subscribe", "url": "https://x.example/h", "event_types": ["npa.registered"]})
    assert added.status_code == 200
    assert added.context["secret"].startswith("whsec_")
    assert WebhookSubscription.objects.get().client == claims_system
    assert client.get(f"{url}deliveries/").status_code == 200


def test_admin_of_another_agency_gets_404(client, claims_system, other_agency):  # type: ignore[no-untyped-def]
    from conftest import staff_with_role

    stranger = staff_with_role("office_admin", other_agency, email="eve@gov.la")
    verified(client, stranger)

    assert client.get(f"/exchange/systems/{claims_system.public_id}/").status_code == 404
    assert client.get(f"/exchange/systems/{claims_system.public_id}/deliveries/").status_code == 404
    assert client.get("/exchange/systems/").status_code == 200
    response = client.post(
        "/exchange/systems/new/",
        {
            "organisation": claims_system.organisation.pk,
            "name": "x",
            "scopes": ["npa.read"],
            "rate_limit_per_minute": 5,
        },
    )
    assert response.status_code == 422
    assert AgencyClient.objects.count() == 1


def test_citizen_cannot_see_staff_pages(client, citizen, claims_system):  # type: ignore[no-untyped-def]
    client.force_login(citizen)

    assert client.get("/exchange/systems/").status_code == 404


def test_switching_a_system_off_stops_its_tokens(client, root, claims_system, token):  # type: ignore[no-untyped-def]
    verified(client, root)

    client.post(f"/exchange/systems/{claims_system.public_id}/", {"action": "archive", "reason": "replaced"})

    response = client.get(
        "/api/v1/exchange/consents/check", {"person": "x", "dataset": "npa.read"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 401


def test_demo_loads_twice_without_adding(db):  # type: ignore[no-untyped-def]
    from elaos.demo.data import load_demo
    from elaos.exchange.demo import load_exchange_demo

    load_demo()

    assert AgencyClient.objects.filter(organisation__code="molsw").count() == 1
    assert ConsentGrant.objects.filter(status=ConsentGrant.Status.REQUESTED).count() == 1
    assert load_exchange_demo() == {"agency_clients": 0, "consent_requests": 0}
