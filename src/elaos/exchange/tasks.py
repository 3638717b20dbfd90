"""Webhook delivery: one signed POST per attempt, retried with exponential backoff.

The HTTP call happens outside any transaction (a slow receiver must not hold database locks); before it, the
delivery is leased by pushing its next attempt time past the call's timeout, so a second worker running the
same delivery at once leaves it alone."""

import json
import logging
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from elaos.core.tasks import enqueue_on_commit
from elaos.exchange import webhooks
from elaos.exchange.models import WebhookDelivery

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status


def _claim(delivery_id: int) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (Status.DELIVERED, Status.FAILED):
            return None
        now = timezone.now()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + timedelta(seconds=settings.EXCHANGE_WEBHOOK_TIMEOUT_SECONDS + 30)
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return delivery


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "e-Laos-Webhooks/1",
        "X-ELaos-Event": delivery.event_type,
        **webhooks.signed_headers(secret=delivery.subscription.secret, message_id=str(delivery.public_id), body=body),
    }
    try:
        response = httpx.post(
            delivery.subscription.url,
            content=body,
            headers=headers,
            timeout=settings.EXCHANGE_WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.TimeoutException:
        return None, "timeout"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    return response.status_code, "" if response.is_success else f"HTTP {response.status_code}"


@task()
def webhook_deliver(delivery_id: int) -> str:
    """Make one attempt. Idempotent: a delivered or failed delivery, or one not yet due, is left alone."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    status_code, error = _post(delivery)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.last_status_code, delivery.last_error = status_code, error
        if not error:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = Status.DELIVERED, timezone.now(), None
        elif delivery.attempts >= settings.EXCHANGE_WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Status.FAILED, None
        else:
            # Exponential backoff: 30 s, 1 min, 2 min, 4 min, … with the default base.
            delay = timedelta(seconds=settings.EXCHANGE_WEBHOOK_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1))
            delivery.status, delivery.next_attempt_at = Status.RETRYING, timezone.now() + delay
            enqueue_on_commit(webhook_deliver, delivery.pk, run_after=delivery.next_attempt_at)
        delivery.save()
    logger.info("webhook %s %s after %s attempt(s)", delivery.public_id, delivery.status, delivery.attempts)
    return delivery.status


@task()
def webhook_sweep() -> int:
    """Periodic: queue deliveries that are due but have no task waiting (a lost worker, a backend that cannot
    defer)."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - timedelta(minutes=1)),
        status__in=(Status.PENDING, Status.RETRYING),
    ).values_list("pk", flat=True)[:500]
    count = 0
    for pk in due:
        webhook_deliver.enqueue(pk)
        count += 1
    return count
