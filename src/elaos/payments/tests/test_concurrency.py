"""Two deliveries of the same bank callback at the same moment: one pays, the other is a duplicate."""

import threading

import pytest
from django.db import connection, connections

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.payments import services
from elaos.payments.models import BankCallback, Payment
from elaos.payments.tests.conftest import callback_body, make_payment, signed


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across connections (PostgreSQL)")
def test_simultaneous_replays_pay_once(citizen: User, ministry: Organisation, paid_handler: list[Payment]) -> None:
    payment = make_payment(citizen, ministry)
    request = signed(callback_body(payment, transaction_id="BCEL-RACE"))
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def deliver() -> None:
        try:
            start.wait()
            outcomes.append(services.bank_callback_process(**request).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "duplicate", "duplicate", "duplicate"]
    assert len(paid_handler) == 1
    assert BankCallback.objects.count() == 4
    assert list(audit_events_for(payment).values_list("action", flat=True)) == ["payment.create", "payment.paid"]
