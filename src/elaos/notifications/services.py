"""Writes of the notifications engine: every module sends SMS and e-mail only through these functions."""

import uuid

from django.db import IntegrityError, transaction

from elaos.notifications.backends import backend_name_for
from elaos.notifications.models import Message
from elaos.notifications.sms import sms_length
from elaos.notifications.tasks import enqueue_delivery


def message_send(*, channel: str, to: str, body: str, subject: str = "", idempotency_key: str | None = None) -> Message:
    """Queue one message; it is handed to the task queue when the caller's transaction commits.

    The same idempotency key always yields the same message, so a retried request never sends twice.
    """
    key = idempotency_key or f"msg:{uuid.uuid4()}"
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if (existing.to, existing.body, existing.subject) != (to, body, subject):
            raise ValueError(f"idempotency key {key!r} was already used for a different message")
        return existing
    fields: dict[str, object] = {"channel": channel, "to": to, "body": body, "subject": subject}
    if channel == Message.Channel.SMS:
        length = sms_length(body)
        fields.update(encoding=length.encoding, parts=length.parts)
    message = Message(idempotency_key=key, backend=backend_name_for(channel), **fields)
    message.full_clean()
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another request with the same key won the race; theirs is the message.
        return Message.objects.get(idempotency_key=key)
    enqueue_delivery(message)
    return message


def sms_send(*, to: str, body: str, idempotency_key: str | None = None) -> Message:
    return message_send(channel=Message.Channel.SMS, to=to, body=body, idempotency_key=idempotency_key)


def email_send(*, to: str, subject: str, body: str, idempotency_key: str | None = None) -> Message:
    return message_send(
        channel=Message.Channel.EMAIL, to=to, subject=subject, body=body, idempotency_key=idempotency_key
    )
