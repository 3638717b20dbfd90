import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One SMS or e-mail, from the moment it is queued until the gateway accepts it or we give up."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Waiting to retry")
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
    last_error = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["backend", "channel", "-created_at"])]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.channel} to {self.to} ({self.status})"
