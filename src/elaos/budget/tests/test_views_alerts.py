"""Alerts: a signed-in person follows an agency, a payee or a keyword, sees and cancels their own subscriptions;
someone else's subscription answers 404; bad input is explained and kept."""

import pytest
from django.urls import reverse

from elaos.budget.models import AlertSubscription
from elaos.budget.tests.portal_data import Portal

pytest_plugins = ["elaos.budget.tests.portal_data"]

pytestmark = pytest.mark.django_db


def test_visitors_are_asked_to_sign_in(client, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("budget:alerts")).status_code == 302


def test_follow_an_agency_by_sms(client, portal: Portal, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    response = client.post(reverse("budget:alerts"), {"kind": "agency", "agency": "moh", "channel": "sms"})
    assert response.status_code == 302
    subscription = AlertSubscription.objects.get(user=citizen)
    assert subscription.agency == portal.health
    assert subscription.channel == "sms"
    # The same form sent again creates nothing new.
    client.post(reverse("budget:alerts"), {"kind": "agency", "agency": "moh", "channel": "sms"})
    assert AlertSubscription.objects.filter(user=citizen).count() == 1
    assert "ກະຊວງສາທາລະນະສຸກ" in client.get(reverse("budget:alerts")).content.decode()


def test_follow_a_payee_by_its_page_address_or_registration_number(client, portal: Portal, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    page = "https://e-laos.gov.la" + reverse("budget:payee", args=[portal.builder.public_id])
    client.post(reverse("budget:alerts"), {"kind": "payee", "payee": page, "channel": "sms"})
    client.post(reverse("budget:alerts"), {"kind": "payee", "payee": "0101-2025-77", "channel": "sms"})
    assert list(AlertSubscription.objects.filter(user=citizen).values_list("payee", flat=True)) == [portal.builder.pk]


def test_bad_input_is_explained_and_kept(client, portal: Portal, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    response = client.post(reverse("budget:alerts"), {"kind": "payee", "payee": "nobody-123", "channel": "email"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="nobody-123"' in html
    assert "id_payee_error" in html
    assert "id_channel_error" in html  # the citizen has no e-mail address
    response = client.post(reverse("budget:alerts"), {"kind": "keyword", "keyword": "", "channel": "sms"})
    assert "id_keyword_error" in response.content.decode()
    assert not AlertSubscription.objects.exists()


def test_cancel_own_subscription_only(client, portal: Portal, citizen, other_citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    client.post(reverse("budget:alerts"), {"kind": "keyword", "keyword": "ໂຮງໝໍ", "channel": "sms"})
    subscription = AlertSubscription.objects.get(user=citizen)
    client.force_login(other_citizen)
    assert client.post(reverse("budget:alert_cancel", args=[subscription.public_id])).status_code == 404
    client.force_login(citizen)
    assert client.post(reverse("budget:alert_cancel", args=[subscription.public_id])).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.archived_at is not None
    assert "“ໂຮງໝໍ”" not in client.get(reverse("budget:alerts")).content.decode()
