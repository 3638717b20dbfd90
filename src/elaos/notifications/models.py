import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One SMS or e-mail, from the moment it is queued until the gateway accepts it or we give up.

    `next_attempt_at` is when the message next needs a worker: at once for a queued message, after the backoff
    for one waiting to retry, and at the end of the lease for one being sent (a worker that died while sending
    leaves it there, and it is claimed again once the lease is over). Sent and failed messages have none.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Waiting to retry")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Same key, same message: a retried request or task never sends twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    encoding = models.CharField(max_length=5, blank=True)
    parts = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    backend = models.CharField(max_length=20)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The claim of the worker sending it now; its result is recorded only by the holder of this claim.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["backend", "channel", "-created_at"]),
            # What the delivery task claims: messages still to deliver, by when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "retrying", "sending"]),
                name="notif_message_due_idx",
            ),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.channel} to {self.to} ({self.status})"
