"""Demo data of the exchange: a benefits system of the Ministry of Labour and Social Welfare registered as an agency
client, and its pending request for Somchai's consent to read his address (he approves it at /exchange/consents/).
Fictitious; loading again adds nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from elaos.agencies.models import Organisation
from elaos.exchange import services
from elaos.exchange.models import AgencyClient, ConsentGrant

DEMO_ACTOR_EMAIL = "admin@demo.e-laos.la"
SYSTEM_NAME = "ລະບົບເງິນອຸດໜູນສັງຄົມ / Social benefits system"
CITIZEN_PHONE = "+8562055550101"


@transaction.atomic
def load_exchange_demo() -> dict[str, int]:
    created = {"agency_clients": 0, "consent_requests": 0}
    actor = get_user_model().objects.filter(email=DEMO_ACTOR_EMAIL, is_superuser=True).first()
    molsw = Organisation.objects.filter(code="molsw").first()
    citizen = get_user_model().objects.filter(phone=CITIZEN_PHONE).first()
    if actor is None or molsw is None:
        return created
    client = AgencyClient.objects.active().filter(organisation=molsw, name=SYSTEM_NAME).first()
    if client is None:
        client = services.agency_client_register(
            actor=actor,
            organisation=molsw,
            name=SYSTEM_NAME,
            scopes=["npa.read", "person.address.read", "services.application.status"],
            rate_limit_per_minute=120,
        ).client
        created["agency_clients"] += 1
    if citizen is not None and not ConsentGrant.objects.filter(person=citizen, organisation=molsw).exists():
        services.consent_request_create(
            client=client,
            person=citizen,
            datasets=["person.address.read"],
            purpose="eligibility_check",
            valid_until=timezone.localdate() + timedelta(days=180),
            note="ກວດສອບສິດໄດ້ຮັບເງິນອຸດໜູນຄອບຄົວ / Checking eligibility for the family allowance",
        )
        created["consent_requests"] += 1
    return created
