"""The audit chain: one append-only table in which each row carries the SHA-256 of its content and of the
row before it, plus a one-row head holding the last sequence number and hash. Editing, inserting or deleting
a row breaks the chain at that row, which `audit_verify` finds.

Rows are written inside the caller's transaction, so an audit row exists exactly when the change it records
was committed. Every audited write takes its turn on the head row; `audit_at_end` keeps that turn short for
transactions that do more after their first audited change.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from elaos.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _content_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    prev_hash: str,
    subject_id: int | None = None,
) -> str:
    fields = [seq, at, actor_id, action, object_type, object_id, data, prev_hash]
    # The subject joined the chain later: rows without one keep the hash they were written with.
    if subject_id is not None:
        fields.append(subject_id)
    payload = json.dumps(
        fields,
        cls=DjangoJSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _row_hash(event: AuditEvent) -> str:
    return _content_hash(
        seq=event.seq,
        at=event.at.isoformat(),
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
        prev_hash=event.prev_hash,
        subject_id=event.subject_id,
    )


def audit_record(
    *,
    actor: Any = None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    subject: Any = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction that makes the change.

    `subject` is the person (a user) the event is about, e.g. whose data an officer or agency read; citizens
    see such rows in "who accessed my data"."""
    return audit_record_many([{"actor": actor, "action": action, "obj": obj, "data": data, "subject": subject}])[0]


def audit_record_many(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events at once, in order (each entry holds audit_record's arguments): the head is locked,
    read and moved once, and the rows are inserted together. Must run inside the transaction that makes the
    changes they record. Inside `audit_at_end` the events are made now and appended when that block ends (their
    `seq`, `at` and hashes are set then)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic() with the change it records")
    events = [_event(entry) for entry in entries]
    pending = _pending.get()
    if pending is None:
        _append(events)
        return events
    for event in events:
        kept = _Kept()
        transaction.on_commit(kept)
        pending.append((event, kept))
    return events


class _Kept:
    """Registered with on_commit for each held-back event: Django drops it when a savepoint the event was
    recorded in is rolled back, which tells `audit_at_end` to drop the event too. Calling it does nothing."""

    __slots__ = ()

    def __call__(self) -> None:
        return None


_pending: ContextVar[list[tuple[AuditEvent, _Kept]] | None] = ContextVar("elaos_audit_pending", default=None)


@contextmanager
def audit_at_end() -> Iterator[None]:
    """A transaction (`transaction.atomic()`) whose audit rows are appended, in order, when it ends. Use it for
    work that records events early and then goes on (checks, other writes, a document to render): the chain's
    head, which every audited write in the platform waits for, is then locked only from the end of the block
    to the commit instead of from the first event. Events recorded in a savepoint that was rolled back are
    dropped with it; an error leaving the block drops them all. Nested blocks join the outermost one."""
    with transaction.atomic():
        if _pending.get() is not None:
            yield
            return
        pending: list[tuple[AuditEvent, _Kept]] = []
        token = _pending.set(pending)
        try:
            yield
        finally:
            _pending.reset(token)
        alive = {id(func) for _sids, func, _robust in connection.run_on_commit}
        _append([event for event, kept in pending if id(kept) in alive])


def _event(entry: dict[str, Any]) -> AuditEvent:
    """An unsaved event with what the entry says, taken now (the data as the database will return it)."""
    actor, obj, subject = entry.get("actor"), entry.get("obj"), entry.get("subject")
    return AuditEvent(
        actor_id=getattr(actor, "pk", None)
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None,
        action=entry["action"],
        subject_id=getattr(subject, "pk", None) if subject is not None else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(getattr(obj, "public_id", None) or obj.pk) if obj is not None else "",
        # Round-trip through JSON so the hash is computed over exactly what the database will return.
        data=json.loads(json.dumps(entry.get("data") or {}, cls=DjangoJSONEncoder)),
    )


def _append(events: list[AuditEvent]) -> None:
    """Chain the events after the head and insert them: the head is locked, read and moved once."""
    if not events:
        return
    head = _locked_head()
    now = timezone.now()
    seq, prev_hash = head.seq, head.hash
    for event in events:
        seq += 1
        event.seq, event.at, event.prev_hash = seq, now, prev_hash
        event.hash = prev_hash = _row_hash(event)
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)


def _locked_head() -> AuditHead:
    """The head row, locked until the transaction ends: appends take turns (PostgreSQL row lock; SQLite's
    IMMEDIATE transaction holds the database write lock already). One query, except for the very first append."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        with transaction.atomic():
            AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def audit_verify_chain(batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in order; return how many rows were checked and the first break, if any."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _iterate(batch_size):
        if event.seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"row {expected_seq} is missing (next row is {event.seq})")
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.seq, "previous-hash link does not match the row before it")
        if _row_hash(event) != event.hash:
            return checked, ChainBreak(event.seq, "content does not match its hash (row was edited)")
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    # Removing rows from the end leaves a valid chain; the head row records where the chain really ends.
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    last_seq = expected_seq - 1
    if head_seq != last_seq or head_hash != expected_prev:
        # Name the first row the head does not vouch for: the first row deleted from the end, a row appended
        # past the head, or a last row rewritten with a fresh hash.
        if head_seq != last_seq:
            seq, reason = min(head_seq, last_seq) + 1, f"chain ends at row {last_seq} but its head says {head_seq}"
        else:
            seq, reason = last_seq, "the last row does not match the hash its head recorded"
        return min(checked, seq - 1), ChainBreak(seq, reason)
    return checked, None


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last_seq = 0
    with transaction.atomic():
        while True:
            batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
            if not batch:
                return
            yield from batch
            last_seq = batch[-1].seq


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(getattr(obj, "public_id", None) or obj.pk)
    )
