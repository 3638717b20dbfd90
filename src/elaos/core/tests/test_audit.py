"""The audit chain: SHA-256 links, one transaction with the change it records, and `audit_verify` finding
every kind of tampering by row number."""

import hashlib
import io
import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from conftest import UserFactory
from elaos.core.audit import GENESIS_HASH, audit_at_end, audit_events_for, audit_record, audit_verify_chain
from elaos.core.models import AuditEvent, AuditHead


def record_events(count: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(action=f"test.event{i}", data={"i": i, "note": "ສະບາຍດີ"}) for i in range(count)]


def audit_verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def sha256_of(event: AuditEvent) -> str:
    """The documented content hash, computed independently of the code under test."""
    payload = json.dumps(
        [
            event.seq,
            event.at.isoformat(),
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.data,
            event.prev_hash,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    return record_events(3)


def test_rows_link_by_sha256_from_genesis(chain: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("seq"))

    assert [e.seq for e in stored] == [1, 2, 3]
    assert stored[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    for event in stored:
        assert event.hash == sha256_of(event)
    assert len({e.hash for e in stored}) == 3


def test_head_names_the_last_row(chain: list[AuditEvent]) -> None:
    head = AuditHead.objects.get()

    assert (head.seq, head.hash) == (3, chain[-1].hash)


def test_record_names_actor_and_object(db: None) -> None:
    alice = UserFactory()
    with transaction.atomic():
        event = audit_record(actor=alice, action="profile.update", obj=alice, data={"field": "phone"})

    assert event.actor_id == alice.pk
    assert event.object_type == "accounts.user"
    assert event.object_id == str(alice.public_id)
    assert list(audit_events_for(alice)) == [event]


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        audit_record(action="test.loose")

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_row_is_rolled_back_with_its_transaction() -> None:
    @transaction.atomic
    def change_that_fails() -> None:
        audit_record(action="test.doomed")
        raise ValueError("the change failed")

    with pytest.raises(ValueError, match="the change failed"):
        change_that_fails()

    assert not AuditEvent.objects.exists()
    with transaction.atomic():
        kept = audit_record(action="test.kept")
    assert (kept.seq, kept.prev_hash) == (1, GENESIS_HASH)
    assert "audit chain valid: 1 rows" in audit_verify()


def _head_seq() -> int:
    head = AuditHead.objects.filter(pk=1).first()
    return head.seq if head else 0


def test_audit_at_end_appends_the_held_back_rows_in_order_when_the_block_ends(chain: list[AuditEvent]) -> None:
    with audit_at_end():
        first = audit_record(action="test.first", data={"n": 1})
        second = audit_record(action="test.second", data={"n": 2})
        # Nothing is chained or written yet: the head (every audited write's turn) is still free.
        assert (_head_seq(), AuditEvent.objects.count(), first.seq) == (3, 3, None)

    assert [(e.seq, e.action) for e in AuditEvent.objects.filter(seq__gt=3).order_by("seq")] == [
        (4, "test.first"),
        (5, "test.second"),
    ]
    assert (first.seq, second.prev_hash) == (4, first.hash)
    assert audit_verify_chain() == (5, None)


def test_audit_at_end_drops_the_rows_of_a_savepoint_rolled_back_inside_it(db: None) -> None:
    with audit_at_end():
        audit_record(action="test.kept")
        try:
            with transaction.atomic():
                audit_record(action="test.undone")
                raise ValueError("the inner change failed")
        except ValueError:
            pass
        with audit_at_end():  # nested: joins the outer block
            audit_record(action="test.nested")

    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == ["test.kept", "test.nested"]
    assert audit_verify_chain() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_audit_at_end_writes_nothing_when_an_error_leaves_it() -> None:
    def change_that_fails() -> None:
        with audit_at_end():
            audit_record(action="test.doomed")
            raise ValueError("the change failed")

    with pytest.raises(ValueError, match="failed"):
        change_that_fails()

    assert not AuditEvent.objects.exists()
    assert _head_seq() == 0
    with transaction.atomic():
        assert audit_record(action="test.after").seq == 1


def test_verify_passes_on_a_good_chain(chain: list[AuditEvent]) -> None:
    assert "audit chain valid: 3 rows" in audit_verify()
    assert audit_verify_chain() == (3, None)


def test_verify_passes_on_an_empty_chain(db: None) -> None:
    assert "audit chain valid: 0 rows" in audit_verify()


def test_verify_finds_an_edited_row(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=2).update(data={"i": 99})

    with pytest.raises(CommandError, match=r"broken at row 2\b.*edited"):
        audit_verify()


def test_verify_finds_an_edited_row_even_when_rehashed(chain: list[AuditEvent]) -> None:
    forged = AuditEvent.objects.get(seq=2)
    forged.data = {"i": 99}
    AuditEvent.objects.filter(seq=2).update(data=forged.data, hash=sha256_of(forged))

    with pytest.raises(CommandError, match=r"broken at row 3\b.*previous-hash"):
        audit_verify()


def test_verify_finds_a_deleted_middle_row(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=2).delete()

    with pytest.raises(CommandError, match=r"broken at row 2\b.*missing"):
        audit_verify()


def test_verify_finds_a_deleted_last_row(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=3).delete()

    with pytest.raises(CommandError, match=r"broken at row 3\b.*head says 3"):
        audit_verify()


def test_verify_finds_a_forged_row_appended_with_a_valid_link(chain: list[AuditEvent]) -> None:
    forged = AuditEvent(seq=4, at=timezone.now(), action="test.forged", data={}, prev_hash=chain[-1].hash)
    forged.hash = sha256_of(forged)
    forged.save()

    with pytest.raises(CommandError, match=r"broken at row 4\b.*head says 3 \(3 rows valid"):
        audit_verify()


def test_verify_finds_a_forged_row_with_a_wrong_hash(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.create(seq=4, at=timezone.now(), action="test.forged", prev_hash=chain[-1].hash, hash="f" * 64)

    with pytest.raises(CommandError, match=r"broken at row 4\b"):
        audit_verify()


def test_verify_finds_a_rewritten_last_row(chain: list[AuditEvent]) -> None:
    last = AuditEvent.objects.get(seq=3)
    last.action = "test.rewritten"
    AuditEvent.objects.filter(seq=3).update(action=last.action, hash=sha256_of(last))

    with pytest.raises(CommandError, match=r"broken at row 3\b.*head recorded \(2 rows valid"):
        audit_verify()
