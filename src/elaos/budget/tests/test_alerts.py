"""Alert digests: new transactions and flags since the last digest, by SMS or e-mail, never sent twice."""

import datetime

import pytest

from conftest import UserFactory
from elaos.budget.alerts import alert_subscription_cancel, alert_subscription_create, alerts_send
from elaos.budget.flags import flags_detect
from elaos.budget.models import AlertSubscription
from elaos.budget.tests import oversight_data as data
from elaos.notifications.models import Message

D = datetime.date


@pytest.fixture
def world(db: None) -> dict:
    parent = data.agency("moh")
    office = data.agency("moh-vte", parent=parent)
    other = data.agency("mof")
    shop = data.payee("Lao Pharma", name_lo="ບໍລິສັດ ຢາລາວ")
    data.pay(office, shop, 50_000_000, D(2025, 1, 5))  # before anyone subscribed
    return {"parent": parent, "office": office, "other": other, "shop": shop}


def test_agency_digest_by_sms_once(world: dict) -> None:
    alice = UserFactory(phone="+8562055500001", preferred_language="en")
    sub = alert_subscription_create(actor=alice, kind="agency", channel="sms", agency=world["parent"])
    assert alerts_send()["sent"] == 0  # nothing new since subscribing

    data.pay(world["office"], world["shop"], 45_000_000, D(2025, 2, 1))  # an office of the agency followed
    data.pay(world["parent"], world["shop"], 120_000_000, D(2025, 2, 2))
    data.pay(world["other"], world["shop"], 99_000_000, D(2025, 2, 3))  # another agency
    flags_detect()

    assert alerts_send() == {"subscriptions": 1, "sent": 1}
    (message,) = Message.objects.all()
    assert message.channel == "sms"
    assert message.to == alice.phone
    assert "2 new payments" in message.body
    assert "₭165,000,000" in message.body
    assert "1 red flags" in message.body  # the 120 M payment has no contract
    assert message.parts <= 3

    assert alerts_send()["sent"] == 0  # the same news never twice
    assert Message.objects.count() == 1
    sub.refresh_from_db()
    assert sub.last_sent_at is not None


def test_payee_digest_by_email_lists_the_payments(world: dict) -> None:
    bob = UserFactory(phone=None, email="bob@example.la", preferred_language="en")
    alert_subscription_create(actor=bob, kind="payee", channel="email", payee=world["shop"])
    paid = data.pay(world["other"], world["shop"], 31_000_000, D(2025, 3, 1), purpose_en="Gloves")
    data.pay(world["other"], data.payee(), 31_000_000, D(2025, 3, 1))

    alerts_send()

    (message,) = Message.objects.all()
    assert message.to == "bob@example.la"
    assert "Lao Pharma" in message.subject
    assert "Gloves" in message.body
    assert f"/budget/payments/{paid.id}/" in message.body
    assert "New payments published: 1" in message.body


def test_keyword_digest_and_cancel(world: dict) -> None:
    carol = UserFactory(phone="+8562055500003")
    sub = alert_subscription_create(actor=carol, kind="keyword", channel="sms", keyword="  ວັກຊີນ ")
    assert sub.keyword == "ວັກຊີນ"
    data.pay(world["other"], world["shop"], 60_000_000, D(2025, 4, 1), purpose_lo="ຊື້ວັກຊີນ")
    data.pay(world["other"], world["shop"], 60_000_000, D(2025, 4, 2), purpose_lo="ຊື້ເຄື່ອງ")
    assert alerts_send()["sent"] == 1
    assert Message.objects.get().to == carol.phone

    alert_subscription_cancel(actor=carol, subscription=sub)
    data.pay(world["other"], world["shop"], 60_000_000, D(2025, 4, 3), purpose_lo="ວັກຊີນ")
    assert alerts_send() == {"subscriptions": 0, "sent": 0}


def test_subscribing_twice_keeps_one_subscription(world: dict) -> None:
    dave = UserFactory()
    first = alert_subscription_create(actor=dave, kind="agency", channel="sms", agency=world["parent"])
    again = alert_subscription_create(actor=dave, kind="agency", channel="sms", agency=world["parent"])
    assert first == again
    assert AlertSubscription.objects.count() == 1


def test_no_address_no_message_but_cursor_moves(world: dict) -> None:
    erin = UserFactory(email=None)  # follows by e-mail but has only a phone
    sub = alert_subscription_create(actor=erin, kind="payee", channel="email", payee=world["shop"])
    tx = data.pay(world["other"], world["shop"], 70_000_000, D(2025, 5, 1))
    assert alerts_send()["sent"] == 0
    sub.refresh_from_db()
    assert sub.last_transaction_id == tx.id
    assert not Message.objects.exists()
