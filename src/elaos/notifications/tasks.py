import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from elaos.core.tasks import enqueue_on_commit
from elaos.notifications.backends import DeliveryError, PermanentDeliveryError, get_backend
from elaos.notifications.models import Message

logger = logging.getLogger(__name__)


@task(queue_name="notifications")
def deliver_message(message_id: int) -> str:
    """Hand one message to its backend. Safe to run twice: a sent or failed message is left alone, and the
    row lock keeps two workers from delivering the same message at once."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status in (Message.Status.SENT, Message.Status.FAILED):
            return message.status if message else "missing"
        message.attempts += 1
        try:
            delivered = get_backend(message.backend).deliver(message)
        except PermanentDeliveryError as exc:
            message.status, message.last_error, message.next_attempt_at = (
                Message.Status.FAILED,
                str(exc),
                None,
            )
        except DeliveryError as exc:
            message.last_error = str(exc)
            if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                message.status, message.next_attempt_at = Message.Status.FAILED, None
            else:
                # Exponential backoff: 30 s, 60 s, 2 min, 4 min, …
                delay = timedelta(seconds=settings.NOTIFY_BACKOFF_SECONDS * 2 ** (message.attempts - 1))
                message.status, message.next_attempt_at = Message.Status.RETRYING, timezone.now() + delay
                enqueue_delivery(message, run_after=message.next_attempt_at)
        else:
            message.status, message.sent_at = Message.Status.SENT, timezone.now()
            message.provider_reference, message.last_error, message.next_attempt_at = (
                delivered.reference,
                "",
                None,
            )
        message.save()
    logger.info("message %s %s after %s attempt(s)", message.public_id, message.status, message.attempts)
    return message.status


def enqueue_delivery(message: Message, run_after: datetime | None = None) -> None:
    """Queue delivery once the surrounding transaction commits (never for a rolled-back message)."""
    enqueue_on_commit(deliver_message, message.pk, run_after=run_after)
