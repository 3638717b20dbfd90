"""GET /api/v1/payments/{public_id}: the payer's own payment, 404 for anyone else's."""

import uuid

import pytest
from django.test import Client

from elaos.accounts.models import User
from elaos.payments import emvco
from elaos.payments.models import Payment
from elaos.payments.tests.conftest import pay

pytestmark = pytest.mark.django_db


def url(payment: Payment) -> str:
    return f"/api/v1/payments/{payment.public_id}"


def test_the_payer_reads_their_payment(client: Client, citizen: User, payment: Payment) -> None:
    client.force_login(citizen)

    response = client.get(url(payment), headers={"accept-language": "en"})

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "reference", "status", "amount", "currency", "purpose_en", "agency")} == {
        "id": str(payment.public_id),
        "reference": payment.reference,
        "status": "pending",
        "amount": 50_000,
        "currency": "LAK",
        "purpose_en": "Permit fee",
        "agency": "Labour",
    }
    assert body["paid_at"] is None
    assert emvco.parse(body["qr_payload"]).bill_number == payment.reference


def test_a_paid_payment_has_no_qr_to_pay_again(client: Client, citizen: User, payment: Payment) -> None:
    pay(payment)
    client.force_login(citizen)

    body = client.get(url(payment)).json()

    assert body["status"] == "paid"
    assert body["paid_at"] is not None
    assert body["qr_payload"] is None


def test_another_persons_payment_is_not_found(client: Client, other_citizen: User, payment: Payment) -> None:
    client.force_login(other_citizen)

    response = client.get(url(payment))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert payment.reference not in response.content.decode()


@pytest.mark.parametrize("public_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_id_is_not_found(client: Client, citizen: User, public_id: str) -> None:
    client.force_login(citizen)

    response = client.get(f"/api/v1/payments/{public_id}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_sign_in_first(client: Client, payment: Payment) -> None:
    response = client.get(url(payment))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
