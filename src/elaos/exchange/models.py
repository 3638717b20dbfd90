"""Agency data exchange: the machine clients of agencies, the consent citizens give them, and the webhooks they
receive. Access tokens are django-oauth-toolkit's; an agency client wraps one of its applications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from elaos.core.models import BaseModel
from elaos.exchange.datasets import Purpose


class AgencyClient(BaseModel):
    """An agency's computer system, allowed to read some datasets through the exchange API."""

    organisation = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="exchange_clients"
    )
    # Not swappable: the project keeps django-oauth-toolkit's own application model, and settings need not name it.
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.PROTECT, related_name="exchange_client", swappable=False
    )
    name = models.CharField(_("system name"), max_length=200)
    scopes = models.JSONField(_("datasets"), default=list)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)

    class Meta:
        ordering = ["organisation__code", "name"]
        verbose_name = _("agency client")
        verbose_name_plural = _("agency clients")

    def __str__(self) -> str:
        return self.name


class ConsentGrant(BaseModel):
    """A person's permission for one agency to read named datasets about them, for one purpose, until a date.

    A grant the person starts waits for the one-time code; one an agency asks for waits for the person's
    approval first. Only an active grant whose end date has not passed releases data."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked for by the agency")
        AWAITING_CODE = "awaiting_code", _("Waiting for your code")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_grants")
    organisation = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="consent_grants"
    )
    datasets = models.JSONField(_("data"), default=list)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    requested_by = models.ForeignKey(
        AgencyClient, null=True, blank=True, on_delete=models.PROTECT, related_name="consent_requests"
    )
    request_note = models.CharField(_("agency's explanation"), max_length=500, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The signed consent receipt (a compact JWS), issued when the grant became active.
    receipt = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "organisation", "status"])]
        verbose_name = _("consent grant")
        verbose_name_plural = _("consent grants")

    def __str__(self) -> str:
        return f"{self.person} → {self.organisation.code} ({', '.join(self.datasets)})"

    @property
    def is_expired(self) -> bool:
        return self.valid_until < timezone.localdate()

    @property
    def is_in_force(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.is_expired


class ConsentCode(models.Model):
    """A one-time code confirming a consent grant, sent by SMS or e-mail. Only its hash is kept."""

    grant = models.ForeignKey(ConsentGrant, on_delete=models.CASCADE, related_name="codes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=5)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["person", "-created_at"])]

    def __str__(self) -> str:
        return f"code for grant {self.grant_id}"


class WebhookSubscription(BaseModel):
    """An agency system's address for events; each delivery is signed with the subscription's secret."""

    client = models.ForeignKey(AgencyClient, on_delete=models.PROTECT, related_name="webhooks")
    url = models.URLField(_("address (URL)"), max_length=500)
    event_types = models.JSONField(_("events"), default=list)
    # Kept readable: every delivery is signed with it (Standard Webhooks "whsec_" secret).
    secret = models.CharField(max_length=100)

    class Meta:
        ordering = ["client", "url"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RETRYING = "retrying", _("Will retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(unique=True)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries")
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription.url} [{self.status}]"
