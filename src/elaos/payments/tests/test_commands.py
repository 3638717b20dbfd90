"""manage.py payments_reconcile: the day's paid payments of every agency, as CSV."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.payments.reports import CSV_COLUMNS
from elaos.payments.tests.conftest import make_payment, pay

pytestmark = pytest.mark.django_db


def test_prints_the_days_paid_payments_as_csv(
    citizen: User, ministry: Organisation, district_office: Organisation
) -> None:
    first = make_payment(citizen, ministry, amount_kip=10_000, subject_id="1")
    second = make_payment(citizen, district_office, amount_kip=20_000, subject_id="2")
    make_payment(citizen, ministry, subject_id="pending")
    pay(first, transaction_id="T1", bank_reference="B1")
    pay(second, transaction_id="T2")
    out = io.StringIO()

    call_command("payments_reconcile", "--date", timezone.localdate().isoformat(), stdout=out)

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == CSV_COLUMNS
    assert [(r[1], r[4], r[5], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("molsw", first.reference, "10000", "LAK", "T1", "B1"),
        ("molsw-vte-chanthabouly", second.reference, "20000", "LAK", "T2", ""),
    ]


def test_a_day_without_payments_prints_the_header_only(db: None) -> None:
    out = io.StringIO()

    call_command("payments_reconcile", "--date", "2020-01-01", stdout=out)

    assert out.getvalue().strip() == ",".join(CSV_COLUMNS)


def test_a_bad_date_is_an_error(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("payments_reconcile", "--date", "yesterday")
