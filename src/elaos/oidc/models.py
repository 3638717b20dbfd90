from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import APPLICATION_MODEL

from elaos.core.models import BaseModel


class AgencyClient(BaseModel):
    """An agency's system registered as an OpenID Connect / OAuth client, with the scopes it may ask for.

    The OAuth side (client id, hashed secret, redirect URIs, grant type) is django-oauth-toolkit's Application;
    this row says whose system it is, names it for the consent screen in both languages, and bounds its scopes."""

    application = models.OneToOneField(APPLICATION_MODEL, on_delete=models.PROTECT, related_name="agency_client")
    organisation = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="oidc_clients"
    )
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    allowed_scopes = models.JSONField(_("allowed scopes"), default=list, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("agency client")
        verbose_name_plural = _("agency clients")

    def __str__(self) -> str:
        return self.name_lo


class FederatedIdentity(BaseModel):
    """An account at an upstream identity provider (issuer + subject) linked to an e-Laos account."""

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="federated_identities")
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="federated_identity_unique")]
        verbose_name = _("federated identity")
        verbose_name_plural = _("federated identities")

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
