"""deliver_due on the real database task backend: claimed, delivered once, retried with backoff, given up on, and
taken over from a worker that died."""

import datetime
import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from pytest_django import DjangoCaptureOnCommitCallbacks

from conftest import SmsGateway, run_task_worker
from elaos.notifications.backends import Delivered
from elaos.notifications.models import Message
from elaos.notifications.services import sms_send
from elaos.notifications.tasks import claim_due, deliver_due, record_results

PHONE = "+8562055512345"
LAO_BODY = "ລະຫັດຢືນຢັນຂອງທ່ານແມ່ນ 482913"


def deliver(message: Message) -> Message:
    """One run of the delivery task once `message` is due (a retry's backoff has passed)."""
    Message.objects.filter(pk=message.pk, status__in=["queued", "retrying"]).update(next_attempt_at=timezone.now())
    deliver_due.call()
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
    assert (task.status, task.return_value) == ("SUCCESSFUL", {"sent": 1})


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_through_the_gateway_once_per_idempotency_key(sms_gateway: SmsGateway) -> None:
    first = sms_send(to=PHONE, body=LAO_BODY, idempotency_key="sign-in:7")
    second = sms_send(to=PHONE, body=LAO_BODY, idempotency_key="sign-in:7")

    run_task_worker()

    assert first.pk == second.pk
    assert Message.objects.get().status == Message.Status.SENT
    assert DBTaskResult.objects.count() == 1
    [params] = sms_gateway.params
    assert params["text"] == LAO_BODY
    # Our id travels in the delivery-report URL, the id a repeat at the gateway and the SMSC's report carry.
    dlr = urlsplit(params["dlr-url"])
    assert dict(parse_qsl(dlr.query)) == {"id": str(first.public_id), "status": "%d"}
    assert params["dlr-mask"] == "3"


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_many_messages_in_one_task(sms_gateway: SmsGateway) -> None:
    for n in range(30):
        with transaction.atomic():
            sms_send(to=PHONE, body=f"{LAO_BODY} {n}")

    run_task_worker()

    assert Message.objects.filter(status=Message.Status.SENT).count() == 30
    assert DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().return_value == {"sent": 30}
    assert sorted(p["text"] for p in sms_gateway.params) == sorted(f"{LAO_BODY} {n}" for n in range(30))
    assert len({p["dlr-url"] for p in sms_gateway.params}) == 30


@pytest.mark.django_db(transaction=True)
def test_a_full_batch_asks_for_help(sms_gateway: SmsGateway) -> None:
    with transaction.atomic():
        for n in range(7):
            sms_send(to=PHONE, body=f"{LAO_BODY} {n}")

    with override_settings(NOTIFY_BATCH_SIZE=3):
        run_task_worker()

    assert Message.objects.filter(status=Message.Status.SENT).count() == 7
    assert len(sms_gateway.queries) == 7
    # Two full batches each queued a helper task; the helpers found the rest (or nothing) to do.
    assert DBTaskResult.objects.successful().count() >= 2


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
    # Every request was the same message, under the same id.
    assert len({p["dlr-url"] for p in sms_gateway.params}) == 1
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


# One delivery at a time, inside the test's transaction.


def test_accepted_by_the_gateway_is_sent(queued: Message, sms_gateway: SmsGateway) -> None:
    message = deliver(queued)

    assert message.status == Message.Status.SENT
    assert (message.attempts, message.last_error) == (1, "")
    assert message.provider_reference == "0: Accepted for delivery"


def test_delivering_twice_sends_once(queued: Message, sms_gateway: SmsGateway) -> None:
    deliver(queued)

    assert deliver_due.call() == {}
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
    assert retry.args_kwargs["args"] == []
    assert retry.task_path == "elaos.notifications.tasks.deliver_due"
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
    assert deliver(message).status == Message.Status.FAILED
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


def test_nothing_due_does_nothing(db: None) -> None:
    assert deliver_due.call() == {}


def test_a_retry_is_not_sent_before_its_time(queued: Message, sms_gateway: SmsGateway) -> None:
    sms_gateway.answer((503, "Service unavailable"), (202, "0: Accepted for delivery"))
    deliver(queued)

    assert deliver_due.call() == {}
    assert len(sms_gateway.queries) == 1


# Claims: what another worker is sending is left alone until its lease ends.


def test_a_message_being_sent_is_not_claimed_twice(queued: Message) -> None:
    claim, [claimed] = claim_due(limit=10)

    assert (claimed.pk, claimed.status, claimed.attempts, claimed.claim) == (
        queued.pk,
        Message.Status.SENDING,
        1,
        claim,
    )
    lease = datetime.timedelta(seconds=600)
    assert timezone.now() + lease - datetime.timedelta(seconds=5) < claimed.next_attempt_at
    assert claim_due(limit=10)[1] == []


def test_a_dead_workers_claim_is_taken_over_when_its_lease_ends(queued: Message, sms_gateway: SmsGateway) -> None:
    dead_claim, _ = claim_due(limit=10)  # ... and the worker holding it was killed
    Message.objects.filter(pk=queued.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))

    assert deliver_due.call() == {"sent": 1}

    message = Message.objects.get(pk=queued.pk)
    assert (message.status, message.attempts, message.claim) == (Message.Status.SENT, 2, None)
    # The dead worker's late answer, should it ever come, changes nothing.
    record_results(dead_claim, [(message, Delivered(reference="late"))], {}, [])
    message.refresh_from_db()
    assert message.provider_reference == "0: Accepted for delivery"


def test_a_batch_records_each_answer(db: None, sms_gateway: SmsGateway) -> None:
    sms_gateway.answer((202, "0: Accepted for delivery"), (503, "Service unavailable"), (400, "Missing text"))
    sms_gateway.replies.append((202, "0: Accepted for delivery"))
    for n in range(4):
        sms_send(to=PHONE, body=f"{LAO_BODY} {n}")

    counts = deliver_due.call()

    assert counts == {"sent": 2, "retrying": 1, "failed": 1}
    statuses = sorted(Message.objects.values_list("status", flat=True))
    assert statuses == ["failed", "retrying", "sent", "sent"]
    assert not Message.objects.filter(claim__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_claim_different_messages() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database does not let two connections write; PostgreSQL runs it")
    for n in range(40):
        sms_send(to=PHONE, body=f"{LAO_BODY} {n}")
    claimed: list[list[int]] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait(timeout=10)
            claimed.append([m.pk for m in claim_due(limit=25)[1]])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    first, second = claimed
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(Message.objects.values_list("pk", flat=True))


def test_with_the_immediate_task_backend_the_commit_delivers(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """The browser tests run tasks at once (django-tasks' immediate backend): the commit delivers the message."""
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
    with override_settings(TASKS=immediate), django_capture_on_commit_callbacks(execute=True):
        message = sms_send(to=PHONE, body=LAO_BODY)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert not DBTaskResult.objects.exists()


def test_a_task_claims_until_its_linger_has_passed(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Senders that saw a task waiting add none for a while: what they commit shortly after the task started,
    even once it found nothing left, is still delivered by it."""
    from elaos.notifications import tasks

    late: list[Message] = []
    sleep = tasks.time.sleep

    def send_while_lingering(seconds: float) -> None:
        if not late:
            late.append(sms_send(to=PHONE, body=LAO_BODY))
        sleep(seconds)

    monkeypatch.setattr(tasks.time, "sleep", send_while_lingering)
    with override_settings(NOTIFY_LINGER_SECONDS=0.3):
        assert deliver_due.call() == {"sent": 1}

    [message] = late
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
