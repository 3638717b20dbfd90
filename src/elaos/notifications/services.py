"""Writes of the notifications engine: every module sends SMS and e-mail only through these functions."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from elaos.notifications.backends import backend_name_for
from elaos.notifications.models import Message
from elaos.notifications.sms import sms_length
from elaos.notifications.tasks import enqueue_delivery


def message_send(*, channel: str, to: str, body: str, subject: str = "", idempotency_key: str | None = None) -> Message:
    """Queue one message; it is handed to the task queue when the caller's transaction commits (see
    elaos.notifications.tasks for how queued messages are delivered, in batches).

    The same idempotency key always yields the same message, so a retried request never sends twice.
    """
    key = idempotency_key or f"msg:{uuid.uuid4()}"
    fields: dict[str, object] = {"channel": channel, "to": to, "body": body, "subject": subject}
    if channel == Message.Channel.SMS:
        length = sms_length(body)
        fields.update(encoding=length.encoding, parts=length.parts)
    message = Message(idempotency_key=key, backend=backend_name_for(channel), next_attempt_at=timezone.now(), **fields)
    # Uniqueness is the database's to check (the insert below): asking first would cost two queries per message
    # and still race with another request using the same key.
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # The key was used before (a retried request), or another request with it won the race: theirs is the
        # message.
        existing = Message.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        if (existing.to, existing.body, existing.subject) != (to, body, subject):
            raise ValueError(f"idempotency key {key!r} was already used for a different message") from None
        return existing
    enqueue_delivery()
    return message


def sms_send(*, to: str, body: str, idempotency_key: str | None = None) -> Message:
    return message_send(channel=Message.Channel.SMS, to=to, body=body, idempotency_key=idempotency_key)


def email_send(*, to: str, subject: str, body: str, idempotency_key: str | None = None) -> Message:
    return message_send(
        channel=Message.Channel.EMAIL, to=to, subject=subject, body=body, idempotency_key=idempotency_key
    )
