"""Reads of the exchange, filtered for who asks: a person sees their own grants and the reads of their own data;
an administrator sees the clients of the agencies they manage."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elaos.agencies.models import Organisation
from elaos.core.lao import localized
from elaos.core.models import AuditEvent
from elaos.exchange import access
from elaos.exchange.datasets import DATASETS, Purpose
from elaos.exchange.models import AgencyClient, ConsentGrant, WebhookDelivery, WebhookSubscription
from elaos.exchange.receipts import receipt_verify

# Reads of a person's data recorded by the apps, with what the person is told they were.
READ_ACTIONS = {
    "exchange.read": gettext_lazy("Read by an agency system"),
    "services.application.read": gettext_lazy("Your application was opened in the back office"),
    "migration.migrant.read": gettext_lazy("Your migrant worker record was opened"),
    "protection.case.read": gettext_lazy("Your protection case was opened"),
}


# Consent


def consents_of(user: Any) -> QuerySet[ConsentGrant]:
    if not getattr(user, "is_authenticated", False):
        return ConsentGrant.objects.none()
    return ConsentGrant.objects.filter(person=user).select_related("organisation", "requested_by")


def consent_of(user: Any, public_id: Any) -> ConsentGrant:
    grant = consents_of(user).filter(public_id=public_id).first()
    if grant is None:
        raise Http404
    return grant


def consent_in_force(*, person: Any, organisation: Organisation, dataset: str, purpose: str) -> ConsentGrant | None:
    """The person's active, unexpired grant to this agency covering this dataset for this purpose, if any."""
    if person is None:
        return None
    grants = ConsentGrant.objects.filter(
        person=person,
        organisation=organisation,
        status=ConsentGrant.Status.ACTIVE,
        purpose=purpose,
        valid_until__gte=timezone.localdate(),
    )
    return next((g for g in grants if dataset in g.datasets), None)


def consent_exists(*, person: Any, organisation: Organisation, dataset: str) -> bool:
    return any(
        consent_in_force(person=person, organisation=organisation, dataset=dataset, purpose=p) for p in Purpose.values
    )


def consent_agencies() -> QuerySet[Organisation]:
    """Agencies a person can give consent to: those with a registered system."""
    with_systems = AgencyClient.objects.active().values("organisation")
    return Organisation.objects.active().filter(pk__in=with_systems).order_by("code")


def person_for_agency(identifier: str) -> Any:
    """The person an agency names, by e-Laos public id or national ID number; None when unknown or ambiguous.
    Callers answer an unknown person exactly as a person without consent, so the answer tells nothing."""
    identifier = (identifier or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    try:
        matches = list(users.filter(public_id=uuid.UUID(identifier))[:2])
    except ValueError:
        matches = list(users.filter(national_id=identifier)[:2]) if identifier else []
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True)
class ReceiptStatus:
    valid: bool
    reason: str
    claims: dict[str, Any] | None
    # "active", "expired", "revoked" or "unknown": the grant's state now, known only online.
    state: str


def receipt_verification(token: str) -> ReceiptStatus:
    check = receipt_verify(token)
    if not check.valid or check.claims is None:
        return ReceiptStatus(False, check.reason, None, "unknown")
    grant = ConsentGrant.objects.filter(public_id=check.claims.get("jti")).first()
    if grant is None:
        state = "unknown"
    elif grant.status == ConsentGrant.Status.REVOKED:
        state = "revoked"
    elif grant.is_expired:
        state = "expired"
    else:
        state = "active" if grant.status == ConsentGrant.Status.ACTIVE else "unknown"
    return ReceiptStatus(True, "ok", check.claims, state)


# Who accessed my data


@dataclass(frozen=True)
class AccessLogEntry:
    at: datetime
    what: str
    who: str
    office: str
    purpose: str
    dataset: str
    reference: str
    seq: int


def access_log(user: Any) -> list[AccessLogEntry]:
    """Every read of the user's data recorded in the audit chain, newest first: by an agency's system or by an
    officer. Only the user's own rows, found by the chain's subject column."""
    if not getattr(user, "is_authenticated", False):
        return []
    events = list(
        AuditEvent.objects.filter(subject=user, action__in=READ_ACTIONS).select_related("actor").order_by("-seq")
    )
    codes = {e.data.get("agency") or e.data.get("office") for e in events} - {None, ""}
    offices = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    entries = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        office = offices.get(data.get("agency") or data.get("office") or "")
        if event.action == "exchange.read":
            who = data.get("client_name", "")
        else:
            who = event.actor.get_full_name() if event.actor else _("An officer")
        dataset = data.get("dataset", "")
        purpose = data.get("purpose", "")
        entries.append(
            AccessLogEntry(
                at=event.at,
                what=str(READ_ACTIONS[event.action]),
                who=str(who),
                office=localized(office, "name") if office else "",
                purpose=str(Purpose(purpose).label) if purpose in Purpose.values else purpose,
                dataset=str(DATASETS[dataset].name) if dataset in DATASETS else "",
                reference=str(data.get("reference", "")),
                seq=event.seq,
            )
        )
    return entries


# Agency clients


def clients_for(user: Any) -> QuerySet[AgencyClient]:
    return (
        AgencyClient.objects.active()
        .filter(organisation__in=access.manageable_organisations(user))
        .select_related("organisation", "application")
    )


def client_for(user: Any, public_id: Any) -> AgencyClient:
    client = clients_for(user).filter(public_id=public_id).first()
    if client is None:
        raise Http404
    return client


def client_by_application(application_id: int) -> AgencyClient | None:
    return (
        AgencyClient.objects.active()
        .select_related("organisation", "application")
        .filter(application_id=application_id)
        .first()
    )


def webhooks_of(client: AgencyClient) -> QuerySet[WebhookSubscription]:
    return client.webhooks.active()


def webhook_of(client: AgencyClient, public_id: Any) -> WebhookSubscription:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:  # a posted value that is no id names no webhook
        raise Http404 from exc
    subscription = webhooks_of(client).filter(public_id=key).first()
    if subscription is None:
        raise Http404
    return subscription


def deliveries_of(client: AgencyClient) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription__client=client).select_related("subscription")
