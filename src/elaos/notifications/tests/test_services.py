"""message_send: stores length and encoding, queues delivery only when the caller's transaction commits, and
never makes two messages for one idempotency key."""

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from elaos.notifications import tasks
from elaos.notifications.models import Message
from elaos.notifications.services import email_send, sms_send

PHONE = "+8562055512345"


@pytest.fixture(autouse=True)
def _forget_waiting_tasks() -> Iterator[None]:
    """What a test's process learnt about waiting tasks must not outlive the test's database."""
    yield
    tasks._covered_until.clear()


def test_lao_sms_is_stored_as_ucs2_with_its_parts(db: None) -> None:
    message = sms_send(to=PHONE, body="ສ" * 71)
    message.refresh_from_db()

    assert (message.channel, message.encoding, message.parts) == ("sms", "ucs2", 2)
    assert (message.status, message.backend, message.attempts) == ("queued", "outbox", 0)


def test_latin_sms_is_stored_as_gsm7(db: None) -> None:
    message = sms_send(to=PHONE, body="Your e-Laos code is 482913")
    message.refresh_from_db()

    assert (message.encoding, message.parts) == ("gsm7", 1)


def test_long_latin_sms_is_stored_with_its_parts(db: None) -> None:
    message = sms_send(to=PHONE, body="x" * 161)
    message.refresh_from_db()

    assert (message.encoding, message.parts) == ("gsm7", 2)


def test_email_has_no_sms_encoding(db: None) -> None:
    message = email_send(to="somchai@example.la", subject="ຢືນຢັນອີເມວ", body="ສະບາຍດີ " * 50)
    message.refresh_from_db()

    assert (message.channel, message.subject, message.encoding, message.parts) == ("email", "ຢືນຢັນອີເມວ", "", 1)


def test_backend_is_chosen_by_settings(db: None) -> None:
    with override_settings(NOTIFY_SMS_BACKEND="kannel"):
        sms = sms_send(to=PHONE, body="hello")
    email = email_send(to="somchai@example.la", subject="s", body="b")

    assert (sms.backend, email.backend) == ("kannel", "outbox")


def test_unknown_backend_is_refused(db: None) -> None:
    with override_settings(NOTIFY_SMS_BACKEND="carrier-pigeon"), pytest.raises(ValueError, match="carrier-pigeon"):
        sms_send(to=PHONE, body="hello")

    assert not Message.objects.exists()


@pytest.mark.parametrize(("to", "body"), [("", "hello"), (PHONE, "")])
def test_message_without_recipient_or_body_is_refused(db: None, to: str, body: str) -> None:
    with pytest.raises(ValidationError):
        sms_send(to=to, body=body)

    assert not Message.objects.exists()


def test_delivery_is_queued_only_when_the_transaction_commits(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        message = sms_send(to=PHONE, body="ລະຫັດ 482913")
        assert not DBTaskResult.objects.exists()

    assert len(callbacks) == 1
    callbacks[0]()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [], "kwargs": {}}
    assert task.queue_name == "notifications"
    assert task.task_path == "elaos.notifications.tasks.deliver_due"
    message.refresh_from_db()
    assert message.status == "queued"
    assert message.next_attempt_at is not None


def test_many_messages_in_one_transaction_queue_one_task(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(5):
            sms_send(to=PHONE, body=f"ລະຫັດ {n}")

    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 1


@override_settings(NOTIFY_LINGER_SECONDS=0.25)
def test_a_waiting_task_is_not_queued_twice(db: None) -> None:
    """Transactions that commit while the first task has not started yet: it will deliver their messages too."""
    for _ in range(3):
        tasks._covered_until.clear()  # each time as if from another process: the task table is asked
        tasks._enqueue_now()  # what each transaction's commit runs

    [task] = DBTaskResult.objects.all()
    assert task.status == "READY"

    # A worker took it. It claims for NOTIFY_LINGER_SECONDS after its start, so commits up to half that time
    # after it was seen waiting are still its own; after that, the next commit needs a new task.
    DBTaskResult.objects.update(status="RUNNING")
    tasks._enqueue_now()
    assert DBTaskResult.objects.count() == 1
    tasks._covered_until.clear()  # half the linger has passed (or another process commits)
    tasks._enqueue_now()
    assert DBTaskResult.objects.count() == 2


def test_without_linger_every_commit_asks(db: None) -> None:
    """NOTIFY_LINGER_SECONDS = 0 (the test settings): no task is taken as covering later commits."""
    tasks._enqueue_now()
    DBTaskResult.objects.update(status="RUNNING")
    tasks._enqueue_now()

    assert DBTaskResult.objects.count() == 2
