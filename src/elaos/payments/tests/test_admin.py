"""The admin shows payments and bank callbacks but changes neither: they change only through services."""

import pytest
from django.test import Client

from conftest import StaffFactory, confirmed_totp, totp_now
from elaos.payments.models import BankCallback, Payment
from elaos.payments.tests.conftest import pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_verified(client: Client) -> Client:
    admin = StaffFactory(is_superuser=True)
    device = confirmed_totp(admin)
    client.force_login(admin)
    client.post("/accounts/second-factor/", {"token": totp_now(device)})
    return client


def test_bank_callbacks_are_listed_and_read_only(admin_client_verified: Client, payment: Payment) -> None:
    callback = pay(payment)

    assert admin_client_verified.get("/admin/payments/bankcallback/").status_code == 200
    assert admin_client_verified.get(f"/admin/payments/bankcallback/{callback.pk}/change/").status_code == 200
    assert admin_client_verified.get("/admin/payments/bankcallback/add/").status_code == 403
    response = admin_client_verified.post(f"/admin/payments/bankcallback/{callback.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert BankCallback.objects.count() == 1


def test_payments_are_read_only(admin_client_verified: Client, payment: Payment) -> None:
    assert admin_client_verified.get("/admin/payments/payment/").status_code == 200
    assert admin_client_verified.get("/admin/payments/payment/add/").status_code == 403
    admin_client_verified.post(f"/admin/payments/payment/{payment.pk}/change/", {"status": "paid"})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
