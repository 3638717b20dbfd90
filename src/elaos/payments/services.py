"""Writes of the payments engine: asking for a payment, cancelling it, expiring it, and the bank's callback.

A domain never imports payments models; it calls `payment_create` and registers with `on_payment_paid` a handler
that is called, in the transaction that marks the payment paid, with the payment (its `subject_type` and
`subject_id` say what was paid for).
"""

import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.core.lao import format_kip, localized
from elaos.notifications.services import email_send, sms_send
from elaos.payments import access, bank, conf, emvco
from elaos.payments.models import MAX_AMOUNT_KIP, BankCallback, Payment
from elaos.payments.tasks import enqueue_expiry

logger = logging.getLogger(__name__)

PaidHandler = Callable[[Payment], None]
_PAID_HANDLERS: list[PaidHandler] = []

# Allowed status moves; every move goes through _payment_transition.
TRANSITIONS: dict[str, set[str]] = {
    Payment.Status.PENDING: {Payment.Status.PAID, Payment.Status.CANCELLED, Payment.Status.EXPIRED},
    Payment.Status.PAID: set(),
    Payment.Status.CANCELLED: set(),
    Payment.Status.EXPIRED: set(),
}

# Letters and digits nobody confuses when reading a reference aloud or typing it (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "ELA"
MAX_CALLBACK_BODY = 16 * 1024
# Bank and server clocks drift a little; a timestamp this far ahead is still taken as "now".
CLOCK_SKEW_SECONDS = 30


def on_payment_paid(handler: PaidHandler) -> PaidHandler:
    """Register `handler(payment)`, called inside the transaction that marks a payment paid. Domains register in
    their AppConfig.ready(); a handler that raises rolls the payment back and the bank is answered 500, so it
    retries. Usable as a decorator."""
    if handler not in _PAID_HANDLERS:
        _PAID_HANDLERS.append(handler)
    return handler


def new_reference() -> str:
    """ELA-XXXX-XXXX: about 8.5 × 10¹¹ combinations, random so references cannot be guessed from each other."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{REFERENCE_PREFIX}-{chars[:4]}-{chars[4:]}"


def merchant_name_for(agency: Organisation) -> str:
    """The QR's merchant name must be ASCII: the agency's English name, else its abbreviation or code."""
    names = (emvco.ascii_name(c or "") for c in (agency.name_en, agency.abbreviation, agency.code.upper()))
    return next((name for name in names if name), "E-LAOS")


@transaction.atomic
def payment_create(
    *,
    actor: object,
    payer: Any,
    agency: Organisation,
    amount_kip: int,
    purpose_lo: str,
    purpose_en: str,
    subject_type: str,
    subject_id: str,
    idempotency_key: str | None = None,
    expires_at: datetime | None = None,
) -> Payment:
    """Ask `payer` to pay `amount_kip` to `agency` for a subject. A subject has at most one pending payment: asking
    again for the same subject, payer, agency and amount returns it; the same idempotency key returns the same
    payment whatever its status."""
    if isinstance(amount_kip, bool) or not isinstance(amount_kip, int) or amount_kip <= 0:
        raise ValidationError({"amount_kip": _("The amount must be a whole number of kip, more than zero.")})
    if amount_kip > MAX_AMOUNT_KIP:
        raise ValidationError({"amount_kip": _("The amount is too large.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The deadline to pay must be in the future.")})
    subject_id = str(subject_id)
    if idempotency_key:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if (existing.payer_id, existing.subject_type, existing.subject_id) != (payer.pk, subject_type, subject_id):
                raise ValidationError(_("This idempotency key was used for another payment."))
            return existing
    pending = _pending_for_subject(subject_type, subject_id)
    if pending is not None and pending.expires_at <= timezone.now():
        # Past its deadline but not swept yet: expire it now so the subject can be asked for again.
        _payment_transition(actor=None, payment=pending, to=Payment.Status.EXPIRED)
    elif pending is not None:
        return _reuse_pending(pending, payer=payer, agency=agency, amount_kip=amount_kip)
    if agency.is_archived:
        raise ValidationError({"agency": _("This agency no longer takes payments.")})
    reference = new_reference()
    while Payment.objects.filter(reference=reference).exists():
        reference = new_reference()
    payment = Payment(
        reference=reference,
        amount_kip=amount_kip,
        payer=payer,
        agency=agency,
        purpose_lo=purpose_lo,
        purpose_en=purpose_en,
        subject_type=subject_type,
        subject_id=subject_id,
        idempotency_key=idempotency_key or None,
        expires_at=expires_at or timezone.now() + timedelta(seconds=conf.expiry_seconds()),
        qr_payload=emvco.build(
            amount_kip=amount_kip,
            merchant_name=merchant_name_for(agency),
            bill_number=reference,
            reference_label=agency.code[: emvco.MAX_ADDITIONAL_VALUE],
        ),
        created_by=_user(actor),
        updated_by=_user(actor),
    )
    payment.full_clean()
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        # A concurrent request created the subject's pending payment first: answer with that one.
        pending = _pending_for_subject(subject_type, subject_id)
        if pending is None:
            raise
        return _reuse_pending(pending, payer=payer, agency=agency, amount_kip=amount_kip)
    audit_record(
        actor=actor,
        action="payment.create",
        obj=payment,
        data={
            "reference": payment.reference,
            "amount_kip": payment.amount_kip,
            "agency": agency.code,
            "subject_type": subject_type,
            "subject_id": subject_id,
        },
    )
    enqueue_expiry(run_after=payment.expires_at)
    return payment


def _pending_for_subject(subject_type: str, subject_id: str) -> Payment | None:
    return (
        Payment.objects.select_for_update()
        .filter(subject_type=subject_type, subject_id=subject_id, status=Payment.Status.PENDING)
        .first()
    )


def _reuse_pending(pending: Payment, *, payer: Any, agency: Organisation, amount_kip: int) -> Payment:
    if (pending.payer_id, pending.agency_id, pending.amount_kip) != (payer.pk, agency.pk, amount_kip):
        raise ValidationError(
            _("A payment with a different amount or payer is already waiting for this; cancel it first.")
        )
    return pending


@transaction.atomic
def payment_cancel(*, actor: object, payment: Payment, reason: str = "") -> Payment:
    """Withdraw a payment that has not been paid: its QR code stops being accepted."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if not access.can_cancel(actor, payment):
        raise PermissionDenied
    if payment.status != Payment.Status.PENDING:
        raise ValidationError(_("Only a payment that is awaiting payment can be cancelled."))
    return _payment_transition(actor=actor, payment=payment, to=Payment.Status.CANCELLED, data={"reason": reason})


@transaction.atomic
def payment_expire(*, actor: object, payment: Payment) -> Payment:
    """Expire one pending payment that is past its deadline; anything else is left as it is."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING or payment.expires_at > timezone.now():
        return payment
    return _payment_transition(actor=actor, payment=payment, to=Payment.Status.EXPIRED)


def payments_expire_overdue(*, batch_size: int = 500) -> int:
    """Expire every pending payment past its deadline, one short transaction each. Safe to run at any time."""
    expired, last_pk = 0, 0
    while True:
        overdue = list(
            Payment.objects.filter(status=Payment.Status.PENDING, expires_at__lte=timezone.now(), pk__gt=last_pk)
            .order_by("pk")
            .only("pk")[:batch_size]
        )
        for payment in overdue:
            expired += payment_expire(actor=None, payment=payment).status == Payment.Status.EXPIRED
        if len(overdue) < batch_size:
            return expired
        last_pk = overdue[-1].pk


def _payment_transition(
    *, actor: object, payment: Payment, to: str, data: dict[str, Any] | None = None, **changes: Any
) -> Payment:
    """The only place a payment's status changes: checks the move, saves, writes the audit row (its history)."""
    if to not in TRANSITIONS[payment.status]:
        raise ValidationError(_("A payment cannot move from this status to that one."))
    before = payment.status
    payment.status = to
    for name, value in changes.items():
        setattr(payment, name, value)
    payment.updated_by = _user(actor)  # type: ignore[assignment]
    payment.full_clean()
    payment.save()
    audit_record(
        actor=actor,
        action=f"payment.{to}",
        obj=payment,
        data={"reference": payment.reference, "from": before, "to": to, **(data or {})},
    )
    return payment


@dataclass
class _Decision:
    outcome: str
    reason: str = ""
    detail: str = ""
    payment: Payment | None = None


@transaction.atomic
def bank_callback_process(*, body: bytes, signature: str, timestamp: str) -> BankCallback:
    """Verify and apply one bank callback, and keep it (with the outcome and why) whatever happens.

    Refused: a wrong signature, a timestamp older than PAYMENTS_CALLBACK_MAX_AGE_SECONDS or in the future, a body
    that is not the expected JSON, an unknown reference, another amount or currency, a payment that is not awaiting
    payment. A callback repeating an accepted transaction id is a duplicate and changes nothing."""
    callback = BankCallback(
        body=body[:MAX_CALLBACK_BODY].decode("utf-8", "backslashreplace"),
        headers={bank.SIGNATURE_HEADER: signature[:200], bank.TIMESTAMP_HEADER: timestamp[:40]},
    )
    if len(body) > MAX_CALLBACK_BODY:
        decision = _Decision(BankCallback.Outcome.REJECTED, "body_too_large", f"{len(body)} bytes")
    elif not bank.callback_signature_valid(body=body, signature=signature, timestamp=timestamp):
        decision = _Decision(BankCallback.Outcome.REJECTED, "bad_signature", "the signature does not match")
    else:
        callback.signature_valid = True
        decision = _decide(callback, body=body, timestamp=timestamp)
    callback.outcome, callback.reason, callback.detail = decision.outcome, decision.reason, decision.detail
    callback.payment = decision.payment
    callback.full_clean()
    callback.save()
    log = logger.info if decision.outcome != BankCallback.Outcome.REJECTED else logger.warning
    log(
        "bank callback %s %s %s",
        decision.outcome,
        decision.reason,
        decision.payment.reference if decision.payment else "",
        extra={"detail": decision.detail, "transaction_id": callback.transaction_id},
    )
    return callback


def _decide(callback: BankCallback, *, body: bytes, timestamp: str) -> _Decision:
    rejected = BankCallback.Outcome.REJECTED
    if not timestamp.strip().isdigit():
        return _Decision(rejected, "bad_timestamp", "the timestamp is not Unix seconds")
    age = time.time() - int(timestamp)
    if age > conf.callback_max_age_seconds():
        return _Decision(rejected, "stale_timestamp", f"signed {int(age)} seconds ago")
    if age < -CLOCK_SKEW_SECONDS:
        return _Decision(rejected, "future_timestamp", f"signed {int(-age)} seconds in the future")
    try:
        notice = _PaidNotice.from_body(body)
    except ValueError as exc:
        return _Decision(rejected, "malformed_body", str(exc))
    callback.transaction_id = notice.transaction_id

    # The payment row lock serialises callbacks for one payment: a concurrent replay waits, then sees it paid.
    payment = Payment.objects.select_for_update().filter(reference=notice.reference).first()
    already = Payment.objects.filter(bank_transaction_id=notice.transaction_id).first()
    if already is not None and already != payment:
        return _Decision(rejected, "transaction_reused", "this transaction id paid another payment", already)
    if payment is None:
        return _Decision(rejected, "unknown_reference", f"no payment {notice.reference!r}")
    if payment.status == Payment.Status.PAID and payment.bank_transaction_id == notice.transaction_id:
        if payment.amount_kip != notice.amount or notice.currency != "LAK":
            return _Decision(rejected, "transaction_reused", "same transaction id with another amount", payment)
        return _Decision(BankCallback.Outcome.DUPLICATE, "already_accepted", "", payment)
    if notice.currency != "LAK":
        return _Decision(rejected, "currency_mismatch", f"expected LAK, got {notice.currency!r}", payment)
    if notice.amount != payment.amount_kip:
        return _Decision(rejected, "amount_mismatch", f"expected {payment.amount_kip}, got {notice.amount}", payment)
    if payment.status == Payment.Status.PAID:
        return _Decision(rejected, "already_paid", f"paid by transaction {payment.bank_transaction_id}", payment)
    if payment.status == Payment.Status.CANCELLED:
        return _Decision(rejected, "payment_cancelled", "the payment was cancelled", payment)
    if payment.status == Payment.Status.EXPIRED or notice.paid_at > payment.expires_at:
        return _Decision(
            rejected, "payment_expired", f"the payment expired at {payment.expires_at.isoformat()}", payment
        )
    _payment_paid(payment, notice)
    return _Decision(BankCallback.Outcome.ACCEPTED, "", "", payment)


@dataclass(frozen=True)
class _PaidNotice:
    reference: str
    amount: int
    currency: str
    transaction_id: str
    paid_at: datetime
    bank_reference: str

    @classmethod
    def from_body(cls, body: bytes) -> "_PaidNotice":
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError("the body is not JSON") from exc
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        texts = {}
        for key in ("reference", "currency", "transaction_id", "paid_at"):
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{key} is missing or not text")
            texts[key] = value.strip()
        amount = data.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValueError("amount is not a whole number of kip")
        if len(texts["transaction_id"]) > 64:
            raise ValueError("transaction_id is longer than 64 characters")
        bank_reference = data.get("bank_reference", "")
        if not isinstance(bank_reference, str) or len(bank_reference) > 64:
            raise ValueError("bank_reference is not text of at most 64 characters")
        paid_at = parse_datetime(texts["paid_at"])
        if paid_at is None or timezone.is_naive(paid_at):
            raise ValueError("paid_at is not an ISO 8601 date and time with its offset")
        return cls(
            reference=texts["reference"].upper(),
            amount=amount,
            currency=texts["currency"],
            transaction_id=texts["transaction_id"],
            paid_at=paid_at,
            bank_reference=bank_reference.strip(),
        )


def _payment_paid(payment: Payment, notice: _PaidNotice) -> None:
    _payment_transition(
        actor=None,
        payment=payment,
        to=Payment.Status.PAID,
        data={"transaction_id": notice.transaction_id, "amount_kip": notice.amount},
        paid_at=notice.paid_at,
        bank_transaction_id=notice.transaction_id,
        bank_reference=notice.bank_reference,
    )
    for handler in list(_PAID_HANDLERS):
        handler(payment)
    _send_receipt(payment)


def _send_receipt(payment: Payment) -> None:
    payer = payment.payer
    with translation.override(payer.preferred_language or "lo"):
        values = {
            "amount": format_kip(payment.amount_kip),
            "purpose": localized(payment, "purpose"),
            "reference": payment.reference,
        }
        body = _("e-Laos: we received %(amount)s for %(purpose)s. Payment reference %(reference)s. Thank you.") % (
            values
        )
        subject = _("e-Laos payment receipt %(reference)s") % values
    key = f"payment-receipt:{payment.public_id}"
    if payer.phone:
        sms_send(to=payer.phone, body=body, idempotency_key=key)
    elif payer.email:
        email_send(to=payer.email, subject=subject, body=body, idempotency_key=key)


def _user(actor: object) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
