"""Demo OpenID Provider client: the social security fund's portal signs people in with e-Laos.

Loading again adds nothing: the client is looked up by its English name first. The secret is printed nowhere; an
administrator issues a new one from the back office when a demo needs it."""

from django.contrib.auth import get_user_model

from elaos.agencies.models import Organisation
from elaos.oidc import services
from elaos.oidc.models import AgencyClient

# The demo superuser of elaos.demo.data registers the client.
DEMO_ACTOR_EMAIL = "admin@demo.e-laos.la"
NAME_EN = "Social security fund portal (demo)"


def load_oidc_demo() -> AgencyClient | None:
    existing = AgencyClient.objects.filter(name_en=NAME_EN).first()
    actor = get_user_model().objects.filter(email=DEMO_ACTOR_EMAIL).first()
    organisation = Organisation.objects.active().order_by("code").first()
    if existing is not None or actor is None or organisation is None:
        return existing
    client, _secret = services.agency_client_register(
        actor=actor,
        organisation=organisation,
        name_lo="ປະຕູບໍລິການ ກອງທຶນປະກັນສັງຄົມ (ຕົວຢ່າງ)",
        name_en=NAME_EN,
        redirect_uris=["https://sso-demo.example.la/callback"],
        post_logout_redirect_uris=["https://sso-demo.example.la/"],
        allowed_scopes=["openid", "profile", "phone", "address"],
    )
    return client
