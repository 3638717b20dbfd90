"""Writes of the exchange: agency clients, consent grants with their one-time codes and receipts, the audit rows
of agency reads, webhook subscriptions and the deliveries of events to them."""

import hashlib
import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, get_application_model

from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.core.events import EVENT_TYPES
from elaos.core.lao import localized
from elaos.core.tasks import enqueue_on_commit
from elaos.exchange import access, webhooks
from elaos.exchange.datasets import DATASETS, EVENT_DATASETS, PERSONAL_DATASETS, Purpose
from elaos.exchange.models import AgencyClient, ConsentCode, ConsentGrant, WebhookDelivery, WebhookSubscription
from elaos.exchange.receipts import RECEIPT_VERSION, receipt_sign
from elaos.notifications.services import email_send, sms_send

logger = logging.getLogger(__name__)

Status = ConsentGrant.Status
# (from, to) moves of a consent grant; only the services below make them.
CONSENT_MOVES = {
    (Status.REQUESTED, Status.AWAITING_CODE),
    (Status.REQUESTED, Status.DECLINED),
    (Status.AWAITING_CODE, Status.ACTIVE),
    (Status.AWAITING_CODE, Status.REVOKED),
    (Status.ACTIVE, Status.REVOKED),
}
CHANNELS = ("sms", "email")


class TooManyCodes(Exception):
    """More consent codes were asked for in the last hour than EXCHANGE_CONSENT_CODES_PER_HOUR allows."""


# Agency clients


def _clean_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in DATASETS]
    if unknown or not scopes:
        raise ValidationError({"scopes": _("Choose one or more datasets from the list.")})
    return sorted(set(scopes))


@dataclass(frozen=True)
class RegisteredClient:
    client: AgencyClient
    client_secret: str


@transaction.atomic
def agency_client_register(
    *, actor: Any, organisation: Organisation, name: str, scopes: list[str], rate_limit_per_minute: int
) -> RegisteredClient:
    """Register an agency's system: an OAuth2 confidential client using the client-credentials grant. The secret
    is returned once, to show to the administrator; only its hash is kept."""
    if not access.can_manage_clients(actor, organisation):
        raise PermissionDenied
    scopes = _clean_scopes(scopes)
    secret = secrets.token_urlsafe(40)
    application_model = get_application_model()
    application = application_model(
        name=f"{organisation.code}: {name}"[:255],
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        skip_authorization=True,
    )
    application.save()
    client = AgencyClient(
        organisation=organisation,
        application=application,
        name=name.strip(),
        scopes=scopes,
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action="exchange.client_register",
        obj=client,
        data={"agency": organisation.code, "scopes": scopes, "client_id": application.client_id},
    )
    return RegisteredClient(client=client, client_secret=secret)


@transaction.atomic
def agency_client_update(
    *, actor: Any, client: AgencyClient, scopes: list[str], rate_limit_per_minute: int
) -> AgencyClient:
    if not access.can_manage_clients(actor, client.organisation):
        raise PermissionDenied
    client.scopes = _clean_scopes(scopes)
    client.rate_limit_per_minute = rate_limit_per_minute
    client.updated_by = actor
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action="exchange.client_update",
        obj=client,
        data={"scopes": client.scopes, "rate_limit_per_minute": rate_limit_per_minute},
    )
    return client


@transaction.atomic
def agency_client_archive(*, actor: Any, client: AgencyClient, reason: str) -> AgencyClient:
    """Switch a system off: its tokens stop working at once and its webhooks stop."""
    if not access.can_manage_clients(actor, client.organisation):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    client.archived_at, client.archived_by, client.archive_reason = timezone.now(), actor, reason.strip()
    client.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    AccessToken.objects.filter(application=client.application).delete()
    client.webhooks.active().update(archived_at=timezone.now(), archived_by=actor, archive_reason=reason.strip())
    audit_record(actor=actor, action="exchange.client_archive", obj=client, data={"reason": reason.strip()})
    return client


# Consent


def _code_hash(grant: ConsentGrant, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"consent:{grant.public_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def consent_terms_check(
    *, datasets: list[str], purpose: str, valid_until: Any, client: AgencyClient | None = None
) -> list[str]:
    """The terms of a consent, checked; with `client`, also that the asking system may read those data."""
    errors: dict[str, str] = {}
    if not datasets or any(d not in PERSONAL_DATASETS for d in datasets):
        errors["datasets"] = _("Choose the data the agency may read.")
    elif client is not None and any(d not in client.scopes for d in datasets):
        errors["datasets"] = _("This system may not read some of these data.")
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose a purpose from the list.")
    today = timezone.localdate()
    if valid_until is None or valid_until <= today:
        errors["valid_until"] = _("The end date must be after today.")
    elif valid_until > today + timedelta(days=settings.EXCHANGE_CONSENT_MAX_DAYS):
        errors["valid_until"] = _("Consent can be given for at most %(days)s days.") % {
            "days": settings.EXCHANGE_CONSENT_MAX_DAYS
        }
    if errors:
        raise ValidationError(errors)
    return sorted(set(datasets))


def _move(grant: ConsentGrant, to: str) -> None:
    if (grant.status, to) not in CONSENT_MOVES:
        raise ValidationError(_("This is not possible for a consent in this state."))
    grant.status = to


def _lock(grant: ConsentGrant, actor: Any) -> ConsentGrant:
    locked = ConsentGrant.objects.select_for_update().select_related("organisation", "person").get(pk=grant.pk)
    if locked.person_id != getattr(actor, "pk", None):
        raise PermissionDenied
    return locked


def _send_code(*, grant: ConsentGrant, channel: str) -> ConsentCode:
    person = grant.person
    if channel not in CHANNELS or (channel == "sms" and not person.phone) or (channel == "email" and not person.email):
        raise ValidationError({"channel": _("Choose where to receive the code: your mobile number or e-mail.")})
    since = timezone.now() - timedelta(hours=1)
    if (
        ConsentCode.objects.filter(person=person, created_at__gte=since).count()
        >= settings.EXCHANGE_CONSENT_CODES_PER_HOUR
    ):
        raise TooManyCodes
    ConsentCode.objects.filter(grant=grant, used_at__isnull=True).update(expires_at=timezone.now())
    code = "".join(secrets.choice("0123456789") for _ in range(6))
    record = ConsentCode.objects.create(
        grant=grant,
        person=person,
        channel=channel,
        code_hash=_code_hash(grant, code),
        expires_at=timezone.now() + timedelta(seconds=settings.EXCHANGE_CONSENT_CODE_TTL_SECONDS),
    )
    with translation.override(person.preferred_language):
        agency = localized(grant.organisation, "name")
        body = _("e-Laos consent code: %(code)s. It lets %(agency)s read your data. Never share it.") % {
            "code": code,
            "agency": agency,
        }
        if channel == "sms":
            sms_send(to=person.phone, body=body, idempotency_key=f"consent-code:{record.pk}")
        else:
            email_send(
                to=person.email,
                subject=_("Your e-Laos consent code"),
                body=body,
                idempotency_key=f"consent-code:{record.pk}",
            )
    return record


@transaction.atomic
def consent_grant_start(
    *, actor: Any, organisation: Organisation, datasets: list[str], purpose: str, valid_until: Any, channel: str
) -> ConsentGrant:
    """A person starts giving consent; a one-time code is sent to them to confirm it."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    datasets = consent_terms_check(datasets=datasets, purpose=purpose, valid_until=valid_until)
    if organisation.is_archived:
        raise ValidationError({"organisation": _("Choose an agency from the list.")})
    grant = ConsentGrant(
        person=actor,
        organisation=organisation,
        datasets=datasets,
        purpose=purpose,
        valid_until=valid_until,
        status=Status.AWAITING_CODE,
        created_by=actor,
    )
    grant.full_clean()
    grant.save()
    _send_code(grant=grant, channel=channel)
    audit_record(actor=actor, action="exchange.consent_start", obj=grant, subject=actor, data=_terms(grant))
    return grant


@transaction.atomic
def consent_code_resend(*, actor: Any, grant: ConsentGrant, channel: str) -> ConsentGrant:
    grant = _lock(grant, actor)
    if grant.status != Status.AWAITING_CODE:
        raise ValidationError(_("This is not possible for a consent in this state."))
    _send_code(grant=grant, channel=channel)
    return grant


def _terms(grant: ConsentGrant) -> dict[str, Any]:
    return {
        "agency": grant.organisation.code,
        "datasets": grant.datasets,
        "purpose": grant.purpose,
        "valid_until": grant.valid_until,
    }


def _receipt_claims(grant: ConsentGrant, channel: str) -> dict[str, Any]:
    return {
        "ver": RECEIPT_VERSION,
        "iss": settings.SITE_URL,
        "jti": str(grant.public_id),
        "sub": str(grant.person.public_id),
        "iat": int(grant.confirmed_at.timestamp()),
        "agency": {
            "code": grant.organisation.code,
            "name_lo": grant.organisation.name_lo,
            "name_en": grant.organisation.name_en,
        },
        "datasets": grant.datasets,
        "purpose": grant.purpose,
        "valid_until": grant.valid_until.isoformat(),
        "confirmed_by": channel,
        "status_url": settings.SITE_URL + reverse("api:consent_receipt_verify"),
    }


def consent_grant_confirm(*, actor: Any, grant: ConsentGrant, code: str) -> ConsentGrant:
    """The one-time code makes the grant active and issues its signed receipt. A wrong code counts against the
    code (and that count is kept although the confirmation is refused); five wrong tries spend it."""
    if not _consent_code_use(actor=actor, grant=grant, code=code):
        raise ValidationError({"code": _("This code is wrong or has expired. Ask for a new one.")})
    grant.refresh_from_db()
    return grant


@transaction.atomic
def _consent_code_use(*, actor: Any, grant: ConsentGrant, code: str) -> bool:
    grant = _lock(grant, actor)
    if grant.status != Status.AWAITING_CODE:
        raise ValidationError(_("This is not possible for a consent in this state."))
    record = grant.codes.select_for_update().filter(used_at__isnull=True, expires_at__gt=timezone.now()).first()
    if record is None or record.failed_attempts >= settings.AXES_FAILURE_LIMIT:
        return False
    if not hmac.compare_digest(record.code_hash, _code_hash(grant, (code or "").strip())):
        record.failed_attempts += 1
        record.save(update_fields=["failed_attempts"])
        return False
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    _move(grant, Status.ACTIVE)
    grant.confirmed_at = timezone.now()
    grant.receipt = receipt_sign(_receipt_claims(grant, record.channel))
    grant.updated_by = actor
    grant.save()
    audit_record(actor=actor, action="exchange.consent_grant", obj=grant, subject=actor, data=_terms(grant))
    return True


@transaction.atomic
def consent_grant_revoke(*, actor: Any, grant: ConsentGrant) -> ConsentGrant:
    """Withdraw consent: from now on the agency reads nothing more under it."""
    grant = _lock(grant, actor)
    _move(grant, Status.REVOKED)
    grant.revoked_at = timezone.now()
    grant.updated_by = actor
    grant.save()
    grant.codes.filter(used_at__isnull=True).update(expires_at=timezone.now())
    audit_record(actor=actor, action="exchange.consent_revoke", obj=grant, subject=actor, data=_terms(grant))
    return grant


@transaction.atomic
def consent_request_create(
    *, client: AgencyClient, person: Any, datasets: list[str], purpose: str, valid_until: Any, note: str = ""
) -> ConsentGrant:
    """An agency system asks a person for consent; the person approves (then confirms with a code) or declines."""
    datasets = consent_terms_check(datasets=datasets, purpose=purpose, valid_until=valid_until, client=client)
    grant = ConsentGrant(
        person=person,
        organisation=client.organisation,
        datasets=datasets,
        purpose=purpose,
        valid_until=valid_until,
        status=Status.REQUESTED,
        requested_by=client,
        request_note=note.strip()[:500],
    )
    grant.full_clean()
    grant.save()
    with translation.override(person.preferred_language):
        body = _("%(agency)s asks for your consent to read your data. Open e-Laos to approve or decline: %(url)s") % {
            "agency": localized(client.organisation, "name"),
            "url": settings.SITE_URL + reverse("exchange:consent_detail", args=[grant.public_id]),
        }
        if person.phone:
            sms_send(to=person.phone, body=body, idempotency_key=f"consent-request:{grant.public_id}")
        elif person.email:
            email_send(
                to=person.email,
                subject=_("An agency asks for your consent"),
                body=body,
                idempotency_key=f"consent-request:{grant.public_id}",
            )
    audit_record(
        action="exchange.consent_request",
        obj=grant,
        subject=person,
        data={**_terms(grant), "client": str(client.public_id)},
    )
    return grant


@transaction.atomic
def consent_request_approve(*, actor: Any, grant: ConsentGrant, channel: str) -> ConsentGrant:
    grant = _lock(grant, actor)
    _move(grant, Status.AWAITING_CODE)
    if grant.is_expired:
        raise ValidationError(_("This request has expired."))
    grant.updated_by = actor
    grant.save()
    _send_code(grant=grant, channel=channel)
    return grant


@transaction.atomic
def consent_request_decline(*, actor: Any, grant: ConsentGrant) -> ConsentGrant:
    grant = _lock(grant, actor)
    _move(grant, Status.DECLINED)
    grant.updated_by = actor
    grant.save()
    audit_record(actor=actor, action="exchange.consent_decline", obj=grant, subject=actor, data=_terms(grant))
    return grant


# Agency reads, in the audit chain


@transaction.atomic
def exchange_read_record(
    *, client: AgencyClient, dataset: str, purpose: str, person: Any, response_sha256: str, reference: str = ""
) -> None:
    """An agency system was given data: who, for what, about whom, and the hash of exactly what it received."""
    audit_record(
        action="exchange.read",
        obj=client,
        subject=person,
        data={
            "client": str(client.public_id),
            "client_name": client.name,
            "agency": client.organisation.code,
            "dataset": dataset,
            "purpose": purpose,
            "reference": reference,
            "response_sha256": response_sha256,
        },
    )


@transaction.atomic
def exchange_refusal_record(
    *, client: AgencyClient, dataset: str, purpose: str, person: Any, error: str, reference: str = ""
) -> None:
    audit_record(
        action="exchange.refused",
        obj=client,
        subject=person,
        data={
            "client": str(client.public_id),
            "agency": client.organisation.code,
            "dataset": dataset,
            "purpose": purpose,
            "reference": reference,
            "error": error,
        },
    )


# Webhooks


def _check_webhook(url: str, event_types: list[str]) -> list[str]:
    errors: dict[str, str] = {}
    if not event_types or any(t not in EVENT_TYPES for t in event_types):
        errors["event_types"] = _("Choose one or more events from the list.")
    if not url.startswith("https://") and not (settings.EXCHANGE_WEBHOOK_ALLOW_HTTP and url.startswith("http://")):
        errors["url"] = _("The address must start with https://.")
    if errors:
        raise ValidationError(errors)
    return sorted(set(event_types))


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str


@transaction.atomic
def webhook_subscribe(*, actor: Any, client: AgencyClient, url: str, event_types: list[str]) -> NewSubscription:
    """Subscribe a system to events. `actor` is the administrator, or None when the system subscribes itself
    through the API with its own token."""
    if actor is not None and not access.can_manage_clients(actor, client.organisation):
        raise PermissionDenied
    event_types = _check_webhook(url.strip(), event_types)
    subscription = WebhookSubscription(
        client=client,
        url=url.strip(),
        event_types=event_types,
        secret=webhooks.secret_generate(),
        created_by=actor,
    )
    subscription.full_clean()
    subscription.save()
    audit_record(
        actor=actor,
        action="exchange.webhook_subscribe",
        obj=subscription,
        data={"client": str(client.public_id), "url": subscription.url, "events": event_types},
    )
    return NewSubscription(subscription=subscription, secret=subscription.secret)


@transaction.atomic
def webhook_unsubscribe(*, actor: Any, subscription: WebhookSubscription) -> WebhookSubscription:
    if actor is not None and not access.can_manage_clients(actor, subscription.client.organisation):
        raise PermissionDenied
    subscription.archived_at, subscription.archived_by = timezone.now(), actor
    subscription.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit_record(actor=actor, action="exchange.webhook_unsubscribe", obj=subscription, data={})
    return subscription


@transaction.atomic
def webhook_delivery_retry(*, actor: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """An administrator sends a failed delivery again (after fixing their receiver): a fresh round of attempts."""
    delivery = WebhookDelivery.objects.select_for_update().select_related("subscription__client").get(pk=delivery.pk)
    if not access.can_manage_clients(actor, delivery.subscription.client.organisation):
        raise PermissionDenied
    if delivery.status != WebhookDelivery.Status.FAILED:
        return delivery
    delivery.status, delivery.attempts, delivery.next_attempt_at = WebhookDelivery.Status.PENDING, 0, None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    enqueue_on_commit(_deliver_task(), delivery.pk)
    audit_record(
        actor=actor,
        action="exchange.webhook_retry",
        obj=delivery.subscription,
        data={"delivery": str(delivery.public_id)},
    )
    return delivery


def _consenting_organisations(person_id: str, dataset: str) -> set[int]:
    today = timezone.localdate()
    grants = ConsentGrant.objects.filter(
        person__public_id=person_id, status=Status.ACTIVE, valid_until__gte=today
    ).values_list("organisation_id", "datasets")
    return {org for org, datasets in grants if dataset in datasets}


def event_fan_out(event_type: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per active subscription to this event. An event about a person goes only to agencies holding
    that person's consent for the matching dataset; without a person it goes nowhere. Deciding who gets it only
    reads; a transaction is opened only when there are deliveries to write (on SQLite every transaction takes the
    one write lock, and most events have no subscriber)."""
    subscriptions = (
        WebhookSubscription.objects.active().filter(client__archived_at__isnull=True).select_related("client")
    )
    wanted = [s for s in subscriptions if event_type in s.event_types]
    dataset = EVENT_DATASETS.get(event_type)
    if dataset is not None and wanted:
        person = payload.get("person")
        allowed = _consenting_organisations(person, dataset) if person else set()
        wanted = [s for s in wanted if s.client.organisation_id in allowed]
    if not wanted:
        return []
    now = timezone.now()
    deliveries = []
    with transaction.atomic():
        for subscription in wanted:
            delivery_id = uuid.uuid4()
            delivery = WebhookDelivery.objects.create(
                public_id=delivery_id,
                subscription=subscription,
                event_type=event_type,
                payload={"type": event_type, "timestamp": now.isoformat(), "data": payload},
            )
            enqueue_on_commit(_deliver_task(), delivery.pk)
            deliveries.append(delivery)
    return deliveries


def _deliver_task() -> Any:
    from elaos.exchange.tasks import webhook_deliver

    return webhook_deliver


def on_event(event_type: str, payload: dict[str, Any]) -> None:
    """The exchange's subscriber to domain events (see ExchangeConfig.ready). It runs after the change committed;
    a failure here is logged and never breaks the request that made the change."""
    try:
        event_fan_out(event_type, payload)
    except Exception:
        logger.exception("webhook fan-out failed for %s", event_type)
