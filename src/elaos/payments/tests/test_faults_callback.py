"""A bank callback replayed: the same signed request delivered again, and several copies of it at the same moment,
through the real endpoint. One payment, one state change, one paid notice to the domain; every copy answered 200
so that the bank stops retrying. (Sequential replays through the services are in test_services, simultaneous ones
through the services in test_concurrency.)"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.payments.models import BankCallback, Payment
from elaos.payments.tests.conftest import callback_body, make_payment, signed
from elaos.payments.tests.test_views import post_callback


def test_the_same_signed_callback_replayed_later_changes_nothing(
    citizen: User, ministry: Organisation, paid_handler: list[Payment]
) -> None:
    payment = make_payment(citizen, ministry)
    request = signed(callback_body(payment, transaction_id="BCEL-REPLAY"))
    client = Client(enforce_csrf_checks=True)

    answers = [post_callback(client, request) for _ in range(3)]

    assert [(a.status_code, a.json()["outcome"]) for a in answers] == [  # type: ignore[attr-defined]
        (200, "accepted"),
        (200, "duplicate"),
        (200, "duplicate"),
    ]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert len(paid_handler) == 1
    assert list(audit_events_for(payment).values_list("action", flat=True)) == ["payment.create", "payment.paid"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across connections (PostgreSQL)")
def test_simultaneous_copies_through_the_endpoint_pay_once(
    citizen: User, ministry: Organisation, paid_handler: list[Payment]
) -> None:
    payment = make_payment(citizen, ministry)
    request = signed(callback_body(payment, transaction_id="BCEL-RACE-HTTP"))
    start = threading.Barrier(4)
    answers: list[tuple[int, str]] = []

    def deliver() -> None:
        try:
            start.wait(timeout=10)
            response = post_callback(Client(enforce_csrf_checks=True), request)
            answers.append((response.status_code, response.json()["outcome"]))  # type: ignore[attr-defined]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == [(200, "accepted"), (200, "duplicate"), (200, "duplicate"), (200, "duplicate")]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert len(paid_handler) == 1
    assert BankCallback.objects.filter(outcome="accepted").count() == 1
    assert list(audit_events_for(payment).values_list("action", flat=True)) == ["payment.create", "payment.paid"]
