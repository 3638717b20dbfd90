"""Expiry: a payment asks for a sweep at its deadline; the `expire_payments` task expires what is overdue."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from conftest import run_task_worker
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.payments import services
from elaos.payments.models import Payment
from elaos.payments.tasks import expire_payments
from elaos.payments.tests.conftest import SUBJECT_TYPE, make_payment

pytestmark = pytest.mark.django_db


def test_creating_a_payment_queues_its_expiry_at_the_deadline(
    citizen: User, ministry: Organisation, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        payment = make_payment(citizen, ministry)

    queued = DBTaskResult.objects.get(task_path="elaos.payments.tasks.expire_payments")
    assert queued.run_after == payment.expires_at


# The worker runs its own transactions, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_the_worker_expires_the_payment_once_its_deadline_passes(citizen: User, ministry: Organisation) -> None:
    payment = services.payment_create(
        actor=citizen,
        payer=citizen,
        agency=ministry,
        amount_kip=1000,
        purpose_lo="ຄ່າ",
        purpose_en="Fee",
        subject_type=SUBJECT_TYPE,
        subject_id="soon",
        expires_at=timezone.now() + timedelta(milliseconds=300),
    )
    run_task_worker()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING

    time.sleep(0.4)
    run_task_worker()

    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED


def test_the_task_is_idempotent(citizen: User, ministry: Organisation) -> None:
    payment = make_payment(citizen, ministry)
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert expire_payments.call() == 1
    assert expire_payments.call() == 0


def test_a_deadline_in_the_past_is_refused(citizen: User, ministry: Organisation) -> None:
    with pytest.raises(ValidationError):
        services.payment_create(
            actor=citizen,
            payer=citizen,
            agency=ministry,
            amount_kip=1000,
            purpose_lo="ຄ່າ",
            purpose_en="Fee",
            subject_type=SUBJECT_TYPE,
            subject_id="past",
            expires_at=timezone.now(),
        )
