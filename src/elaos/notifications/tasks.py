"""Delivery of queued messages, in batches, through the task queue.

How a message travels:

1. `message_send` stores it (status `queued`, due now) in the caller's transaction and, when that transaction
   commits, makes sure one `deliver_due` task is waiting in the queue: if one is already waiting (not yet started)
   it will see this message too, so no second task is added. A thousand messages sent in a second make a handful
   of tasks, not a thousand, and a handful of queries for them: a task keeps claiming until NOTIFY_LINGER_SECONDS
   (0.25 s) after its start, so a process that saw one waiting asks again only after half that time.
2. `deliver_due` claims up to NOTIFY_BATCH_SIZE due messages in one short transaction (PostgreSQL: `SELECT … FOR
   UPDATE SKIP LOCKED`, so several workers take different messages; SQLite: the IMMEDIATE transaction serialises
   the claim): each becomes `sending`, with `attempts + 1`, a claim id, and `next_attempt_at` = the end of its
   lease (NOTIFY_LEASE_SECONDS, 10 min). The claim is committed before anything is sent. A full batch adds one
   more task, so that a second worker can help.
3. The batch goes to its backend (the Kannel adapter sends up to NOTIFY_SMS_CONCURRENCY requests at once, each
   sender thread over its own keep-alive connection); each answer is recorded as soon as it arrives, in small
   groups (at most every NOTIFY_FLUSH_SECONDS, or NOTIFY_FLUSH_SIZE answers): `sent`, `retrying` with exponential
   backoff (30 s, 60 s, 2 min…) for a temporary error, `failed` for a refusal or after NOTIFY_MAX_ATTEMPTS. A
   result is written only while the claim is still ours.
4. A message whose worker died (SIGKILL, power cut, OOM) stays `sending` until its lease ends; it is then due
   again, and the next `deliver_due` claims it like any other (any new message queues one; so does the periodic
   sweep, once settings.PERIODIC_TASKS lists `elaos.notifications.tasks.deliver_due`).

What can still happen (the honest window): a worker that dies after the gateway accepted a message and before
the answer was committed (at most one flush group, NOTIFY_FLUSH_SECONDS, plus the requests in flight) sends those
messages again when their lease ends, and so does a worker stalled longer than the lease. Delivery to the gateway is
therefore at-least-once; every request carries our stable message id (in Kannel's `dlr-url`, see
backends.dlr_url). The local gateway simulator delivers each id once; a real Kannel does not deduplicate by itself
and passes a repeat on to the SMSC, so in that window a phone may get the same text twice, but both delivery
reports come back under the same id and our records count one message. In the fault test (a worker SIGKILLed in
the middle of 500 messages) 3 to 7 messages were repeated. Nothing is lost: a message leaves the due set only when
a result is recorded for it.
"""

import logging
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from elaos.core.tasks import enqueue_on_commit
from elaos.notifications.backends import Delivered, Outcome, PermanentDeliveryError, get_backend
from elaos.notifications.models import Message

logger = logging.getLogger(__name__)

DUE = [Message.Status.QUEUED, Message.Status.RETRYING, Message.Status.SENDING]


def _setting(name: str, default: float) -> Any:
    return getattr(settings, name, default)


@task(queue_name="notifications")
def deliver_due() -> dict[str, int]:
    """Deliver every due message, batch after batch, until none is left (or NOTIFY_TASK_SECONDS have passed: the
    task then hands over to a new one, so that a worker is never held by one task for long)."""
    batch_size = int(_setting("NOTIFY_BATCH_SIZE", 500))
    started = time.monotonic()
    stop_at = started + float(_setting("NOTIFY_TASK_SECONDS", 60))
    linger_until = started + _linger()
    totals: dict[str, int] = defaultdict(int)
    while True:
        claim, batch = claim_due(limit=batch_size)
        if not batch:
            # Senders that saw this task waiting skipped adding one for a while (see _enqueue_now): it claims
            # until LINGER seconds after its start, so that their messages are delivered by it.
            if time.monotonic() >= linger_until:
                break
            time.sleep(LINGER_POLL_SECONDS)
            continue
        if len(batch) == batch_size:
            enqueue_delivery()  # more may be waiting: another worker can take the next batch meanwhile
        for status, count in deliver_claimed(claim, batch).items():
            totals[status] += count
        if time.monotonic() > stop_at:
            enqueue_delivery()
            break
    return dict(totals)


def claim_due(*, limit: int) -> tuple[uuid.UUID, list[Message]]:
    """Claim up to `limit` due messages for this worker, committed before any of them is sent."""
    claim = uuid.uuid4()
    now = timezone.now()
    # Longer than the slowest batch can take (500 messages / 16 at a time x the 10 s HTTP timeout is about 5 min),
    # so that a live worker's claim never runs out under it.
    lease = timedelta(seconds=float(_setting("NOTIFY_LEASE_SECONDS", 600)))
    due = Message.objects.filter(status__in=DUE, next_attempt_at__lte=now).order_by("next_attempt_at")
    if not due.exists():
        # A plain read first: on SQLite the claim's transaction takes the database's write lock, which every
        # sender is waiting for; an idle or lingering task must not take it for nothing.
        return claim, []
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return claim, []
        Message.objects.filter(pk__in=ids).update(
            status=Message.Status.SENDING, claim=claim, attempts=F("attempts") + 1, next_attempt_at=now + lease
        )
    return claim, list(Message.objects.filter(claim=claim).order_by("pk"))


def deliver_claimed(claim: uuid.UUID, batch: list[Message]) -> dict[str, int]:
    """Send a claimed batch through its backends and record each answer soon after it arrives; then schedule one
    delivery at the earliest retry, if any message has to be retried."""
    flush_seconds = float(_setting("NOTIFY_FLUSH_SECONDS", 0.05))
    flush_size = int(_setting("NOTIFY_FLUSH_SIZE", 100))
    counts: dict[str, int] = defaultdict(int)
    retries: list[datetime] = []
    by_backend: dict[str, list[Message]] = defaultdict(list)
    for message in batch:
        by_backend[message.backend].append(message)
    pending: list[tuple[Message, Outcome]] = []
    flushed_at = time.monotonic()
    for name, messages in by_backend.items():
        for message, outcome in get_backend(name).deliver_many(messages):
            pending.append((message, outcome))
            if len(pending) >= flush_size or time.monotonic() - flushed_at >= flush_seconds:
                record_results(claim, pending, counts, retries)
                pending, flushed_at = [], time.monotonic()
    record_results(claim, pending, counts, retries)
    if retries:
        enqueue_delivery(run_after=min(retries))
    logger.info("delivered a batch of %s message(s): %s", len(batch), dict(counts))
    return counts


def record_results(
    claim: uuid.UUID, results: list[tuple[Message, Outcome]], counts: dict[str, int], retries: list[datetime]
) -> None:
    """Write the answers of one flush group in one transaction, only for messages still held by `claim` (rows
    with the same new values share one UPDATE); adds to `counts` per status and to `retries` their times."""
    if not results:
        return
    now = timezone.now()
    max_attempts = settings.NOTIFY_MAX_ATTEMPTS
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
    for message, outcome in results:
        fields: dict[str, Any]
        if isinstance(outcome, Delivered):
            fields = {"status": Message.Status.SENT, "sent_at": now, "provider_reference": outcome.reference[:100]}
            fields.update(last_error="", next_attempt_at=None)
        elif isinstance(outcome, PermanentDeliveryError) or message.attempts >= max_attempts:
            fields = {"status": Message.Status.FAILED, "last_error": str(outcome), "next_attempt_at": None}
        else:
            # Exponential backoff: 30 s, 60 s, 2 min, 4 min, …
            delay = timedelta(seconds=settings.NOTIFY_BACKOFF_SECONDS * 2 ** (message.attempts - 1))
            fields = {"status": Message.Status.RETRYING, "last_error": str(outcome), "next_attempt_at": now + delay}
            retries.append(now + delay)
        fields["claim"] = None
        groups[tuple(fields.items())].append(message.pk)
        status = str(fields["status"])
        counts[status] = counts.get(status, 0) + 1
    with transaction.atomic():
        for fields_items, ids in groups.items():
            Message.objects.filter(pk__in=ids, claim=claim).update(**dict(fields_items))


def _enqueue_now() -> None:
    """Add a deliver_due task unless one is already waiting to start: a waiting task will claim whatever is due
    when it starts, which includes everything committed before now.

    This runs after every committed transaction that sent something, so it usually asks nothing at all: a task
    seen waiting (or added) at time t starts after t and claims until at least LINGER seconds after its start (see
    deliver_due), so every message committed before t + LINGER is claimed by it, and for that long this process
    neither asks again nor adds a task. Otherwise it is one plain indexed query (the READY partial index), its
    text and parameters made once, rather than an ORM query built each time. A deferred retry task does not
    count: it waits for its own time."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(deliver_due.get_backend(), DatabaseBackend):
        deliver_due.enqueue()
        return
    from django_tasks_db.models import DBTaskResult

    conn = connections[router.db_for_write(DBTaskResult)]
    linger = _linger()
    asked_at = time.monotonic()
    if linger > 0 and asked_at < _covered_until.get(conn.alias, 0.0):
        return
    sql, params = _WAITING_SQL.get(conn.alias) or _WAITING_SQL.setdefault(conn.alias, _waiting_sql(conn))
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        waiting = cursor.fetchone() is not None
    if not waiting:
        deliver_due.enqueue()
    if linger > 0:
        # Half the linger, for safety: a task seen waiting at `asked_at` has not started before it.
        _covered_until[conn.alias] = asked_at + linger / 2


# Database alias -> until when (time.monotonic()) a task known to start later covers this process's messages.
_covered_until: dict[str, float] = {}
LINGER_POLL_SECONDS = 0.02


def _linger() -> float:
    return float(_setting("NOTIFY_LINGER_SECONDS", 0.25))


_WAITING_SQL: dict[str, tuple[str, list[Any]]] = {}  # by database alias


def _waiting_sql(conn: Any) -> tuple[str, list[Any]]:
    from django_tasks_db.models import DBTaskResult, get_date_max

    sql = (
        f"SELECT 1 FROM {conn.ops.quote_name(DBTaskResult._meta.db_table)} "  # noqa: S608
        "WHERE status = %s AND task_path = %s AND run_after = %s LIMIT 1"
    )
    return sql, ["READY", deliver_due.module_path, conn.ops.adapt_datetimefield_value(get_date_max())]


def enqueue_delivery(run_after: datetime | None = None) -> None:
    """Have due messages delivered once the surrounding transaction commits (never for a rolled-back message).
    One task per transaction at most, and none when one is already waiting."""
    if run_after is not None:
        enqueue_on_commit(deliver_due, run_after=run_after)
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(callback is _enqueue_now for _, callback, _ in conn.run_on_commit):
        return
    transaction.on_commit(_enqueue_now)
