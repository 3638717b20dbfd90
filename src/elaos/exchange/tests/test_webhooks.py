"""Webhooks: real HTTP deliveries to a local receiver, signed (Standard Webhooks), retried with backoff, never sent
for a change that was rolled back, and events about a person sent only to agencies holding that person's consent."""

import base64
import hashlib
import hmac
import json

import pytest
from django.db import transaction
from django.test import override_settings

from conftest import run_task_worker
from elaos.civil_society.services import npa_create
from elaos.exchange import services, webhooks
from elaos.exchange.models import WebhookDelivery
from elaos.exchange.tests.conftest import give_consent, register

pytestmark = pytest.mark.django_db(transaction=True)


def register_association(name: str = "ສະມາຄົມ ນ້ຳສະອາດ") -> object:
    return npa_create(actor=None, name_lo=name, name_en="Clean Water", type="social_welfare", level="national")


@pytest.fixture
def subscription(root, claims_system, receiver):  # type: ignore[no-untyped-def]
    return services.webhook_subscribe(
        actor=root, client=claims_system, url=receiver.url, event_types=["npa.registered", "npa.dissolved"]
    )


def test_delivery_is_signed_and_verifiable_by_the_receiver(subscription, receiver):  # type: ignore[no-untyped-def]
    npa = register_association()
    run_task_worker()

    [(headers, body)] = receiver.requests
    assert webhooks.signature_verify(secret=subscription.secret, headers=headers, body=body)
    # The same check written from the Standard Webhooks specification alone.
    key = base64.b64decode(subscription.secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    event = json.loads(body)
    assert event["type"] == "npa.registered"
    assert event["data"]["registration_number"] == npa.registration_number
    assert headers["X-ELaos-Event"] == "npa.registered"
    # A body changed on the way, or another secret, fails.
    assert not webhooks.signature_verify(secret=subscription.secret, headers=headers, body=body + b" ")
    assert not webhooks.signature_verify(secret=webhooks.secret_generate(), headers=headers, body=body)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_server_errors_are_retried_with_the_same_id(subscription, receiver):  # type: ignore[no-untyped-def]
    receiver.answer(500, 503, 204)

    register_association()
    run_task_worker()

    assert len(receiver.requests) == 3
    assert len({h["webhook-id"] for h, _ in receiver.requests}) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)


def test_timeouts_are_retried(subscription, receiver):  # type: ignore[no-untyped-def]
    receiver.answer(0, 204)

    register_association()
    run_task_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 204)


def test_backoff_waits_before_the_next_attempt(subscription, receiver):  # type: ignore[no-untyped-def]
    receiver.answer(500)

    with override_settings(EXCHANGE_WEBHOOK_BACKOFF_SECONDS=60):
        register_association()
        run_task_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("retrying", 1, "HTTP 500")
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 59 <= wait <= 61
    assert len(receiver.requests) == 1


def test_gives_up_after_the_last_attempt_then_an_admin_retries(root, subscription, receiver):  # type: ignore[no-untyped-def]
    receiver.answer(500)
    with override_settings(EXCHANGE_WEBHOOK_MAX_ATTEMPTS=2):
        register_association()
        run_task_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)

    receiver.answer(204)
    services.webhook_delivery_retry(actor=root, delivery=delivery)
    run_task_worker()

    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_no_delivery_for_a_rolled_back_change(subscription, receiver):  # type: ignore[no-untyped-def]
    @transaction.atomic
    def registration_that_fails() -> None:
        register_association()
        raise RuntimeError("the registration failed after all")

    with pytest.raises(RuntimeError):
        registration_that_fails()
    run_task_worker()

    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_only_subscribed_events_are_sent(root, claims_system, receiver):  # type: ignore[no-untyped-def]
    services.webhook_subscribe(actor=root, client=claims_system, url=receiver.url, event_types=["npa.dissolved"])

    register_association()
    run_task_worker()

    assert receiver.requests == []


# Not transactional: the application fixtures need the geography that a transactional test's flush removes. The
# deliveries run at once (the immediate task backend): the in-process database worker would close the test's
# connection, and with it the test's transaction on PostgreSQL.
@pytest.mark.django_db
def test_application_status_goes_only_to_agencies_with_consent(
    django_capture_on_commit_callbacks,
    root,
    lsso,
    other_agency,
    claims_system,
    receiver,
    citizen,
    officer,
    sms_code,
    submitted_certificate_application,
    settings,  # last: its override is undone first, before the receiver's
):  # type: ignore[no-untyped-def]
    from elaos.workflows.services import workflow_transition

    others = register(root, other_agency, ["services.application.status"])
    mine = services.webhook_subscribe(
        actor=root, client=claims_system, url=receiver.url, event_types=["application.status_changed"]
    )
    services.webhook_subscribe(
        actor=root, client=others, url=receiver.url + "/other", event_types=["application.status_changed"]
    )
    give_consent(citizen, lsso, sms_code, datasets=["services.application.status"])
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "notifications"],
        }
    }
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow_transition(
            instance=submitted_certificate_application.workflow, transition="start_review", actor=officer
        )

    assert [d.subscription_id for d in WebhookDelivery.objects.all()] == [mine.subscription.pk]
    [(_headers, body)] = receiver.requests
    assert json.loads(body)["data"]["person"] == str(citizen.public_id)


def test_webhook_address_must_be_https(root, claims_system):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.webhook_subscribe(
            actor=root, client=claims_system, url="http://agency.example/hooks", event_types=["npa.registered"]
        )
    assert "url" in refused.value.message_dict
