"""Which scopes a client may ask for.

All scopes are declared once, in settings (OIDC_SCOPES + EXCHANGE_SCOPES make OAUTH2_PROVIDER["SCOPES"]). A client
registered as an agency client (elaos.oidc.models.AgencyClient) gets only the scopes its administrator granted it;
an exchange app machine client (elaos.exchange.models.AgencyClient, the application's `exchange_client`) only the
datasets it was registered for, and none once it is archived, so that a token is narrowed when it is issued and not
only when it is used. A client that is neither is offered every declared scope.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

# What the consent screen says each OpenID scope releases, in the reader's language.
SCOPE_LABELS = {
    "openid": _("Your e-Laos account identifier (not your name)"),
    "profile": _("Your name, date of birth and preferred language"),
    "phone": _("Your mobile number"),
    "email": _("Your e-mail address"),
    "address": _("Your address: village, district and province"),
    "national_id": _("Your national ID number"),
    "npa.read": _("The register of non-profit associations"),
    "migration.licence.check": _("Recruitment agency licence checks"),
    "services.application.status": _("The status of your applications"),
    "services.application.submit": _("Sending applications on your behalf"),
    "person.address.read": _("Your address, with your consent"),
}


def scope_label(scope: str) -> str:
    return str(SCOPE_LABELS.get(scope, oauth2_settings.SCOPES.get(scope, scope)))


class ClientScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return oauth2_settings.SCOPES

    def get_available_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list:
        available = list(oauth2_settings.SCOPES)
        if application is None:
            return available
        # Reverse one-to-one accessors raise a subclass of AttributeError when the row is missing.
        agency_client = getattr(application, "agency_client", None)
        if agency_client is not None:
            available = [scope for scope in available if scope in agency_client.allowed_scopes]
        exchange_client = getattr(application, "exchange_client", None)
        if exchange_client is not None:
            allowed = () if exchange_client.archived_at is not None else exchange_client.scopes
            available = [scope for scope in available if scope in allowed]
        return available

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list:
        available = self.get_available_scopes(application, request)
        return [scope for scope in oauth2_settings.DEFAULT_SCOPES if scope in available]
