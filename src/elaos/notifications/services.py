"""Writes of the notifications engine: every module sends SMS and e-mail only through these functions."""

import uuid
from collections.abc import Callable
from functools import cache

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Field
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
    now = timezone.now()
    message = Message(
        idempotency_key=key, backend=backend_name_for(channel), next_attempt_at=now, created_at=now, **fields
    )
    # Uniqueness is the database's to check (the insert below): asking first would cost two queries per message
    # and still race with another request using the same key.
    message.full_clean(validate_unique=False)
    if not _insert(message):
        # The key was used before (a retried request), or another request with it won the race: theirs is the
        # message.
        existing = Message.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise IntegrityError(f"message with idempotency key {key!r} neither inserted nor found")
        if (existing.to, existing.body, existing.subject) != (to, body, subject):
            raise ValueError(f"idempotency key {key!r} was already used for a different message") from None
        return existing
    enqueue_delivery()
    return message


def _insert(message: Message) -> bool:
    """Insert `message` unless its idempotency key is taken; True (and its pk set) when it was inserted.

    This runs once for every message a request or a task sends, so it is one plain statement (`INSERT … ON
    CONFLICT (idempotency_key) DO NOTHING RETURNING id`, PostgreSQL and SQLite ≥ 3.35) whose text is built once:
    no savepoint around it (a taken key is not an error that aborts the caller's transaction) and no ORM insert
    compiled for each message, which together cost more than the insert itself. (No pre_save/post_save signal is
    sent: nothing listens for them on messages.)"""
    db = router.db_for_write(Message)
    conn = connections[db]
    if not (conn.features.supports_update_conflicts_with_target and conn.features.can_return_columns_from_insert):
        try:
            with transaction.atomic(using=db):
                message.save(force_insert=True, using=db)
        except IntegrityError:
            return False
        return True
    fields = _insert_fields()
    sql = _INSERT_SQL.get(conn.vendor) or _INSERT_SQL.setdefault(conn.vendor, _insert_sql(conn.ops.quote_name))
    params = [field.get_db_prep_save(field.pre_save(message, True), conn) for field in fields]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding = False
    message._state.db = db
    return True


@cache
def _insert_fields() -> list[Field]:
    return [field for field in Message._meta.concrete_fields if not field.primary_key]


_INSERT_SQL: dict[str, str] = {}  # by database vendor


def _insert_sql(quote: Callable[[str], str]) -> str:
    fields = _insert_fields()
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    key = quote(Message._meta.get_field("idempotency_key").column)
    return (
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote(Message._meta.pk.column)}"  # type: ignore[union-attr]
    )


def sms_send(*, to: str, body: str, idempotency_key: str | None = None) -> Message:
    return message_send(channel=Message.Channel.SMS, to=to, body=body, idempotency_key=idempotency_key)


def email_send(*, to: str, subject: str, body: str, idempotency_key: str | None = None) -> Message:
    return message_send(
        channel=Message.Channel.EMAIL, to=to, subject=subject, body=body, idempotency_key=idempotency_key
    )
