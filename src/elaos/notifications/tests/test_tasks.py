"""deliver_message on the real database task backend: delivered once, retried with backoff, given up on."""

import datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from pytest_django import DjangoCaptureOnCommitCallbacks

from conftest import SmsGateway, run_task_worker
from elaos.notifications.models import Message
from elaos.notifications.services import sms_send
from elaos.notifications.tasks import deliver_message

PHONE = "+8562055512345"
LAO_BODY = "ລະຫັດຢືນຢັນຂອງທ່ານແມ່ນ 482913"


def deliver(message: Message) -> Message:
    deliver_message.call(message.pk)
    message.refresh_from_db()
    return message


@pytest.fixture
def queued(db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Message:
    """One Lao SMS through the Kannel adapter, with its first delivery task enqueued."""
    with override_settings(NOTIFY_SMS_BACKEND="kannel"), django_capture_on_commit_callbacks(execute=True):
        return sms_send(to=PHONE, body=LAO_BODY)


def retry_tasks() -> list[DBTaskResult]:
    """Tasks enqueued to run later (a first delivery runs at once)."""
    return list(DBTaskResult.objects.exclude(run_after=get_date_max()))


# The worker runs its own transactions, so these tests commit for real.


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_after_commit() -> None:
    with transaction.atomic():
        message = sms_send(to=PHONE, body=LAO_BODY)
        assert not DBTaskResult.objects.exists()
    task = DBTaskResult.objects.get()

    run_task_worker()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.provider_reference == f"outbox-{message.public_id}"
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "sent")


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_through_the_gateway_once_per_idempotency_key(sms_gateway: SmsGateway) -> None:
    first = sms_send(to=PHONE, body=LAO_BODY, idempotency_key="sign-in:7")
    second = sms_send(to=PHONE, body=LAO_BODY, idempotency_key="sign-in:7")

    run_task_worker()

    assert first.pk == second.pk
    assert Message.objects.get().status == Message.Status.SENT
    assert DBTaskResult.objects.count() == 1
    assert [p["text"] for p in sms_gateway.params] == [LAO_BODY]


@pytest.mark.django_db(transaction=True)
def test_worker_gives_up_after_the_last_attempt(sms_gateway: SmsGateway) -> None:
    sms_gateway.answer((503, "Service unavailable"))

    with override_settings(NOTIFY_BACKOFF_SECONDS=0):
        sms_send(to=PHONE, body=LAO_BODY)
        run_task_worker()

    message = Message.objects.get()
    assert message.status == Message.Status.FAILED
    assert message.attempts == settings.NOTIFY_MAX_ATTEMPTS
    assert message.next_attempt_at is None
    assert "503" in message.last_error
    assert len(sms_gateway.queries) == settings.NOTIFY_MAX_ATTEMPTS
    assert DBTaskResult.objects.successful().count() == settings.NOTIFY_MAX_ATTEMPTS


# One delivery at a time, inside the test's transaction.


def test_accepted_by_the_gateway_is_sent(queued: Message, sms_gateway: SmsGateway) -> None:
    message = deliver(queued)

    assert message.status == Message.Status.SENT
    assert (message.attempts, message.last_error) == (1, "")
    assert message.provider_reference == "0: Accepted for delivery"


def test_delivering_twice_sends_once(queued: Message, sms_gateway: SmsGateway) -> None:
    deliver(queued)

    assert deliver_message.call(queued.pk) == Message.Status.SENT
    assert len(sms_gateway.queries) == 1
    queued.refresh_from_db()
    assert queued.attempts == 1


def test_server_error_schedules_a_retry_with_backoff(
    queued: Message, sms_gateway: SmsGateway, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sms_gateway.answer((503, "Service unavailable"))
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        message = deliver(queued)

    assert message.status == Message.Status.RETRYING
    assert message.attempts == 1
    assert "503" in message.last_error
    delay = datetime.timedelta(seconds=settings.NOTIFY_BACKOFF_SECONDS)
    assert before + delay <= message.next_attempt_at <= timezone.now() + delay
    [retry] = retry_tasks()
    assert retry.run_after == message.next_attempt_at
    assert retry.args_kwargs["args"] == [message.pk]
    assert retry.status == "READY"
    assert retry not in DBTaskResult.objects.ready()


def test_backoff_doubles_with_each_attempt(
    queued: Message, sms_gateway: SmsGateway, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sms_gateway.answer((503, "Service unavailable"))

    with django_capture_on_commit_callbacks(execute=True):
        deliver(queued)
        before = timezone.now()
        message = deliver(queued)

    assert message.attempts == 2
    delay = datetime.timedelta(seconds=2 * settings.NOTIFY_BACKOFF_SECONDS)
    assert before + delay <= message.next_attempt_at <= timezone.now() + delay
    assert len(retry_tasks()) == 2


def test_retry_then_success(
    queued: Message, sms_gateway: SmsGateway, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sms_gateway.answer((503, "Service unavailable"), (202, "0: Accepted for delivery"))

    with django_capture_on_commit_callbacks(execute=True):
        deliver(queued)
        message = deliver(queued)

    assert message.status == Message.Status.SENT
    assert (message.attempts, message.last_error, message.next_attempt_at) == (2, "", None)


def test_last_failed_attempt_gives_up(
    queued: Message, sms_gateway: SmsGateway, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sms_gateway.answer((503, "Service unavailable"))
    Message.objects.filter(pk=queued.pk).update(attempts=settings.NOTIFY_MAX_ATTEMPTS - 1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = deliver(queued)

    assert message.status == Message.Status.FAILED
    assert message.attempts == settings.NOTIFY_MAX_ATTEMPTS
    assert message.next_attempt_at is None
    assert callbacks == []


def test_refusal_fails_without_retry(
    queued: Message, sms_gateway: SmsGateway, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sms_gateway.answer((400, "Missing receiver number"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = deliver(queued)

    assert message.status == Message.Status.FAILED
    assert message.attempts == 1
    assert "400" in message.last_error
    assert callbacks == []
    assert deliver_message.call(message.pk) == Message.Status.FAILED
    assert len(sms_gateway.queries) == 1


def test_unreachable_gateway_is_retried(
    queued: Message, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    gateway = SmsGateway()
    gateway.server.server_close()

    with (
        override_settings(SMS_GATEWAY_URL=gateway.url),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        message = deliver(queued)

    assert message.status == Message.Status.RETRYING
    assert "unreachable" in message.last_error
    assert message.next_attempt_at is not None
    assert len(callbacks) == 1


def test_missing_message_is_reported(db: None) -> None:
    assert deliver_message.call(123456) == "missing"
