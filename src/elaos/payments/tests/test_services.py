"""The payments engine's writes: asking for a payment, cancelling, expiring, and the bank's signed callback."""

import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import StaffFactory
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.audit import audit_events_for
from elaos.notifications.models import Message
from elaos.payments import bank, emvco, services
from elaos.payments.models import BankCallback, Payment
from elaos.payments.tests.conftest import SUBJECT_TYPE, callback_body, make_payment, pay, signed

pytestmark = pytest.mark.django_db


def actions(payment: Payment) -> list[str]:
    return list(audit_events_for(payment).values_list("action", flat=True))


# --- payment_create ----------------------------------------------------------------------------------------------


def test_a_payment_carries_a_reference_and_a_lao_qr(citizen: User, ministry: Organisation) -> None:
    payment = make_payment(citizen, ministry, amount_kip=75_000)

    assert re.fullmatch(r"ELA-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", payment.reference)
    assert payment.status == Payment.Status.PENDING
    assert payment.expires_at > timezone.now() + timedelta(hours=23)
    qr = emvco.parse(payment.qr_payload)
    assert (qr.amount_kip, qr.currency, qr.bill_number) == (75_000, "418", payment.reference)
    assert (qr.merchant_name, qr.reference_label) == ("Labour", "molsw")
    assert actions(payment) == ["payment.create"]


@pytest.mark.parametrize("amount", [0, -1, 1.5, "5000", True, None, 10**12])
def test_only_whole_kip_above_zero(citizen: User, ministry: Organisation, amount: object) -> None:
    with pytest.raises(ValidationError):
        make_payment(citizen, ministry, amount_kip=amount)  # type: ignore[arg-type]

    assert not Payment.objects.exists()


def test_asking_again_for_the_same_subject_returns_the_pending_payment(citizen: User, ministry: Organisation) -> None:
    first = make_payment(citizen, ministry)

    assert make_payment(citizen, ministry) == first
    assert Payment.objects.count() == 1


def test_a_different_amount_for_a_subject_with_a_pending_payment_is_refused(
    citizen: User, ministry: Organisation
) -> None:
    make_payment(citizen, ministry, amount_kip=50_000)

    with pytest.raises(ValidationError):
        make_payment(citizen, ministry, amount_kip=60_000)


def test_the_same_idempotency_key_returns_the_same_payment(citizen: User, ministry: Organisation) -> None:
    kwargs = {
        "actor": citizen,
        "payer": citizen,
        "agency": ministry,
        "amount_kip": 1000,
        "purpose_lo": "ຄ່າ",
        "purpose_en": "Fee",
        "subject_type": SUBJECT_TYPE,
        "subject_id": "x",
        "idempotency_key": "k-1",
    }
    first = services.payment_create(**kwargs)
    services.payment_cancel(actor=citizen, payment=first)

    assert services.payment_create(**kwargs) == first


def test_a_payment_past_its_deadline_is_replaced(citizen: User, ministry: Organisation) -> None:
    old = make_payment(citizen, ministry)
    Payment.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    new = make_payment(citizen, ministry)

    assert new != old
    old.refresh_from_db()
    assert old.status == Payment.Status.EXPIRED


def test_an_archived_agency_takes_no_payments(citizen: User, ministry: Organisation) -> None:
    Organisation.objects.filter(pk=ministry.pk).update(archived_at=timezone.now())
    ministry.refresh_from_db()

    with pytest.raises(ValidationError):
        make_payment(citizen, ministry)


def test_a_lao_only_agency_name_falls_back_to_its_code(citizen: User) -> None:
    agency = Organisation.objects.create(code="mof", kind=Organisation.Kind.MINISTRY, name_lo="ກະຊວງການເງິນ")

    payment = make_payment(citizen, agency)

    assert emvco.parse(payment.qr_payload).merchant_name == "MOF"


# --- payment_cancel and expiry -----------------------------------------------------------------------------------


def test_the_payer_cancels_a_pending_payment(citizen: User, payment: Payment) -> None:
    services.payment_cancel(actor=citizen, payment=payment, reason="changed my mind")

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert actions(payment) == ["payment.create", "payment.cancelled"]


def test_someone_else_cannot_cancel(other_citizen: User, payment: Payment) -> None:
    with pytest.raises(PermissionDenied):
        services.payment_cancel(actor=other_citizen, payment=payment)


def test_staff_of_the_agency_can_cancel(payment: Payment, ministry: Organisation) -> None:
    staff = StaffFactory()
    RoleAssignment.objects.create(user=staff, organisation=ministry, role=Role.objects.get(code="reviewer"))

    assert services.payment_cancel(actor=staff, payment=payment).status == Payment.Status.CANCELLED


def test_a_paid_payment_cannot_be_cancelled(citizen: User, payment: Payment) -> None:
    pay(payment)

    with pytest.raises(ValidationError):
        services.payment_cancel(actor=citizen, payment=payment)


def test_overdue_payments_expire_and_others_stay(citizen: User, ministry: Organisation) -> None:
    overdue = make_payment(citizen, ministry, subject_id="1")
    make_payment(citizen, ministry, subject_id="2")
    paid = make_payment(citizen, ministry, subject_id="3")
    pay(paid)
    Payment.objects.filter(pk__in=[overdue.pk, paid.pk]).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert services.payments_expire_overdue() == 1
    assert services.payments_expire_overdue() == 0

    statuses = dict(Payment.objects.values_list("subject_id", "status"))
    assert statuses == {"1": "expired", "2": "pending", "3": "paid"}
    assert actions(overdue)[-1] == "payment.expired"


# --- bank_callback_process ---------------------------------------------------------------------------------------


def test_an_accepted_callback_pays_the_payment(citizen: User, payment: Payment, paid_handler: list[Payment]) -> None:
    paid_at = timezone.now() - timedelta(minutes=1)

    callback = pay(payment, transaction_id="BCEL-42", bank_reference="FT123", paid_at=paid_at)

    assert (callback.outcome, callback.reason, callback.signature_valid) == ("accepted", "", True)
    assert callback.payment == payment
    assert callback.transaction_id == "BCEL-42"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert (payment.bank_transaction_id, payment.bank_reference, payment.paid_at) == ("BCEL-42", "FT123", paid_at)
    assert actions(payment) == ["payment.create", "payment.paid"]
    assert paid_handler == [payment]
    assert paid_handler[0].status == Payment.Status.PAID


def test_the_payer_gets_a_receipt_by_sms_in_their_language(citizen: User, payment: Payment) -> None:
    pay(payment)

    message = Message.objects.get(to=citizen.phone)
    assert payment.reference in message.body
    assert "₭50.000" in message.body


def test_a_payer_without_a_phone_gets_the_receipt_by_email(ministry: Organisation) -> None:
    payer = User.objects.create_user(email="noy@example.la", preferred_language="en")
    payment = make_payment(payer, ministry)

    pay(payment)

    message = Message.objects.get(to="noy@example.la")
    assert payment.reference in message.subject
    assert "₭50,000" in message.body
    assert "Permit fee" in message.body


def test_a_wrong_signature_is_rejected_and_changes_nothing(payment: Payment, paid_handler: list[Payment]) -> None:
    request = signed(callback_body(payment))
    request["signature"] = "0" * 64

    callback = services.bank_callback_process(**request)

    assert (callback.outcome, callback.reason, callback.signature_valid) == ("rejected", "bad_signature", False)
    assert callback.payment is None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert paid_handler == []
    assert actions(payment) == ["payment.create"]


def test_a_body_changed_after_signing_is_rejected(payment: Payment) -> None:
    request = signed(callback_body(payment, amount=1))
    request["body"] = callback_body(payment)

    assert services.bank_callback_process(**request).reason == "bad_signature"


def test_a_replayed_callback_is_a_duplicate_and_the_handler_runs_once(
    payment: Payment, paid_handler: list[Payment]
) -> None:
    request = signed(callback_body(payment, transaction_id="BCEL-7"))
    services.bank_callback_process(**request)
    payment.refresh_from_db()
    paid_at = payment.paid_at

    again = services.bank_callback_process(**request)
    fresh = pay(payment, transaction_id="BCEL-7")

    assert (again.outcome, fresh.outcome) == ("duplicate", "duplicate")
    assert again.payment == payment
    payment.refresh_from_db()
    assert payment.paid_at == paid_at
    assert len(paid_handler) == 1
    assert actions(payment).count("payment.paid") == 1
    assert Message.objects.count() == 1
    assert BankCallback.objects.count() == 3


def test_a_paid_payment_is_never_paid_twice(payment: Payment, paid_handler: list[Payment]) -> None:
    pay(payment, transaction_id="BCEL-1")

    second = pay(payment, transaction_id="BCEL-2")

    assert (second.outcome, second.reason) == ("rejected", "already_paid")
    payment.refresh_from_db()
    assert payment.bank_transaction_id == "BCEL-1"
    assert len(paid_handler) == 1


@pytest.mark.parametrize(("age", "reason"), [(301, "stale_timestamp"), (-3600, "future_timestamp")])
def test_old_or_future_timestamps_are_rejected(payment: Payment, age: int, reason: str) -> None:
    callback = pay(payment, timestamp=int(time.time()) - age)

    assert (callback.outcome, callback.reason, callback.signature_valid) == ("rejected", reason, True)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_timestamp_that_is_not_a_number_is_rejected(payment: Payment) -> None:
    body = callback_body(payment)
    request = signed(body)
    request["timestamp"] = "yesterday"
    request["signature"] = bank.callback_signature(body=body, timestamp="yesterday")

    assert services.bank_callback_process(**request).reason == "bad_timestamp"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"amount": 49_999}, "amount_mismatch"),
        ({"amount": "50000"}, "malformed_body"),
        ({"currency": "THB"}, "currency_mismatch"),
        ({"reference": "ELA-ZZZZ-ZZZZ"}, "unknown_reference"),
        ({"transaction_id": None}, "malformed_body"),
        ({"paid_at": "2025-01-01 10:00"}, "malformed_body"),
    ],
)
def test_a_callback_that_does_not_match_is_rejected_with_its_reason(
    payment: Payment, paid_handler: list[Payment], overrides: dict, reason: str
) -> None:
    callback = pay(payment, **overrides)

    assert (callback.outcome, callback.reason) == ("rejected", reason)
    assert callback.detail
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert paid_handler == []


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_rejected(db: None, body: bytes) -> None:
    callback = services.bank_callback_process(**signed(body))

    assert (callback.outcome, callback.reason) == ("rejected", "malformed_body")


def test_an_oversized_body_is_rejected_and_kept_cut_short(db: None) -> None:
    callback = services.bank_callback_process(**signed(b"x" * 100_000))

    assert callback.reason == "body_too_large"
    assert len(callback.body) == services.MAX_CALLBACK_BODY


def test_a_transaction_id_cannot_pay_two_payments(citizen: User, ministry: Organisation) -> None:
    first = make_payment(citizen, ministry, subject_id="1")
    second = make_payment(citizen, ministry, subject_id="2")
    pay(first, transaction_id="BCEL-9")

    callback = pay(second, transaction_id="BCEL-9")

    assert (callback.outcome, callback.reason) == ("rejected", "transaction_reused")
    second.refresh_from_db()
    assert second.status == Payment.Status.PENDING


def test_a_callback_for_an_expired_payment_is_rejected(payment: Payment, paid_handler: list[Payment]) -> None:
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    services.payments_expire_overdue()

    callback = pay(payment, paid_at=timezone.now() - timedelta(minutes=2))

    assert (callback.outcome, callback.reason) == ("rejected", "payment_expired")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert paid_handler == []


def test_a_payment_made_after_the_deadline_is_rejected_even_before_the_sweep(payment: Payment) -> None:
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    callback = pay(payment, paid_at=timezone.now())

    assert callback.reason == "payment_expired"


def test_a_callback_for_a_cancelled_payment_is_rejected(citizen: User, payment: Payment) -> None:
    services.payment_cancel(actor=citizen, payment=payment)

    assert pay(payment).reason == "payment_cancelled"


def test_a_failing_handler_rolls_the_payment_back(payment: Payment, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(paid: Payment) -> None:
        raise RuntimeError("domain is down")

    monkeypatch.setattr(services, "_PAID_HANDLERS", [broken])

    with pytest.raises(RuntimeError):
        pay(payment)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not BankCallback.objects.exists()
    assert actions(payment) == ["payment.create"]


def test_a_handler_is_registered_once(no_domain_handlers: list) -> None:
    def handler(paid: Payment) -> None:
        pass

    assert services.on_payment_paid(handler) is handler
    services.on_payment_paid(handler)

    assert no_domain_handlers == [handler]
