from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel

# Enough for any fee and within the 13 characters EMVCo allows for an amount.
MAX_AMOUNT_KIP = 999_999_999_999


class Payment(BaseModel):
    """One amount a citizen owes an agency for something (`subject_type` + `subject_id`), paid by bank QR.

    The engine does not know what is paid for: the domain that asked for the payment names its subject and is told
    through `services.on_payment_paid` handlers when the bank confirms it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    reference = models.CharField(_("payment reference"), max_length=16, unique=True)
    amount_kip = models.PositiveBigIntegerField(_("amount (kip)"))
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="payments"
    )
    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="payments"
    )
    purpose_lo = models.CharField(_("purpose (Lao)"), max_length=200)
    purpose_en = models.CharField(_("purpose (English)"), max_length=200, blank=True)
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    qr_payload = models.CharField(max_length=512)
    expires_at = models.DateTimeField(_("pay before"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    bank_transaction_id = models.CharField(_("bank transaction id"), max_length=64, unique=True, null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=models.Q(status="pending"),
                name="payment_one_pending_per_subject",
            ),
            models.CheckConstraint(condition=models.Q(amount_kip__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | models.Q(paid_at__isnull=False, bank_transaction_id__isnull=False),
                name="payment_paid_has_bank_transaction",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["paid_at"]),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_payable(self) -> bool:
        """Its QR code may still be paid: awaiting payment and before its deadline."""
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class BankCallback(models.Model):
    """Every callback the bank (or the simulator) sent, kept as received, with what was decided and why."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DUPLICATE = "duplicate", _("Duplicate")
        REJECTED = "rejected", _("Rejected")

    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    body = models.TextField(_("body as received"), blank=True)
    headers = models.JSONField(_("headers used"), default=dict, blank=True)
    signature_valid = models.BooleanField(_("signature valid"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    transaction_id = models.CharField(_("bank transaction id"), max_length=64, blank=True, db_index=True)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_callbacks",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("bank callback")
        verbose_name_plural = _("bank callbacks")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.outcome} {self.reason}".strip()
