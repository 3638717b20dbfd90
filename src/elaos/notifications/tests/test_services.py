"""message_send: stores length and encoding, queues delivery only when the caller's transaction commits, and
never makes two messages for one idempotency key."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from elaos.notifications.models import Message
from elaos.notifications.services import email_send, message_send, sms_send

PHONE = "+8562055512345"


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
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert task.queue_name == "notifications"
    assert task.task_path == "elaos.notifications.tasks.deliver_message"


def test_rolled_back_message_is_never_queued(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    @transaction.atomic
    def change_that_fails() -> None:
        sms_send(to=PHONE, body="ລະຫັດ 482913")
        raise ValueError("the caller's change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValueError, match="change"):
        change_that_fails()

    assert callbacks == []
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_same_idempotency_key_gives_the_same_message(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = sms_send(to=PHONE, body="ລະຫັດ 482913", idempotency_key="sign-in:42")
        second = sms_send(to=PHONE, body="ລະຫັດ 482913", idempotency_key="sign-in:42")

    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 1


def test_different_keys_give_different_messages(db: None) -> None:
    first = message_send(channel="sms", to=PHONE, body="one")
    second = message_send(channel="sms", to=PHONE, body="one")

    assert first.pk != second.pk
    assert first.idempotency_key != second.idempotency_key
