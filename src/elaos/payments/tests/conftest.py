"""Payments test helpers: a pending payment of the citizen's, a recorder registered as the paid handler, and a
bank that signs callbacks like the real one."""

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.payments import bank, services
from elaos.payments.models import BankCallback, Payment

# A subject no domain claims, so domains' paid handlers ignore these payments.
SUBJECT_TYPE = "tests.subject"


def make_payment(payer: User, agency: Organisation, *, amount_kip: int = 50_000, subject_id: str = "a1") -> Payment:
    return services.payment_create(
        actor=payer,
        payer=payer,
        agency=agency,
        amount_kip=amount_kip,
        purpose_lo="ຄ່າທຳນຽມໃບອະນຸຍາດ",
        purpose_en="Permit fee",
        subject_type=SUBJECT_TYPE,
        subject_id=subject_id,
    )


def callback_body(payment: Payment, **overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "reference": payment.reference,
        "amount": payment.amount_kip,
        "currency": "LAK",
        "transaction_id": "BCEL-0001",
        "paid_at": timezone.now().isoformat(),
        **overrides,
    }
    return json.dumps({k: v for k, v in fields.items() if v is not None}).encode()


def signed(body: bytes, *, timestamp: int | None = None) -> dict[str, Any]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"body": body, "signature": bank.callback_signature(body=body, timestamp=stamp), "timestamp": stamp}


def pay(
    payment: Payment, *, timestamp: int | None = None, paid_at: datetime | str | None = None, **overrides: Any
) -> BankCallback:
    """Send the bank's signed callback for `payment` through the real verification."""
    if paid_at is not None:
        overrides["paid_at"] = paid_at.isoformat() if isinstance(paid_at, datetime) else paid_at
    return services.bank_callback_process(**signed(callback_body(payment, **overrides), timestamp=timestamp))


@pytest.fixture
def payment(citizen: User, ministry: Organisation) -> Payment:
    return make_payment(citizen, ministry)


@pytest.fixture(autouse=True)
def no_domain_handlers(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[Payment], None]]:
    """The engine is tested alone: the handlers domains registered at start-up are set aside."""
    handlers: list[Callable[[Payment], None]] = []
    monkeypatch.setattr(services, "_PAID_HANDLERS", handlers)
    return handlers


@pytest.fixture
def paid_handler(no_domain_handlers: list[Callable[[Payment], None]]) -> list[Payment]:
    """A handler that records each payment it is told about."""
    calls: list[Payment] = []
    services.on_payment_paid(calls.append)
    return calls
