"""The daily reconciliation as CSV, the same for the back-office download and `manage.py payments_reconcile`.
Column names are a data format for finance tools, so they stay in English and do not change."""

import csv
from typing import TextIO

from django.utils import timezone

from elaos.payments.selectors import ReconciliationDay

CSV_COLUMNS = [
    "date",
    "agency_code",
    "agency_name_lo",
    "agency_name_en",
    "reference",
    "amount_kip",
    "currency",
    "bank_transaction_id",
    "bank_reference",
    "paid_at",
]


def reconciliation_csv(report: ReconciliationDay, out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for payment in report.payments:
        writer.writerow(
            [
                report.day.isoformat(),
                _cell(payment.agency.code),
                _cell(payment.agency.name_lo),
                _cell(payment.agency.name_en),
                payment.reference,
                payment.amount_kip,
                "LAK",
                _cell(payment.bank_transaction_id or ""),
                _cell(payment.bank_reference),
                timezone.localtime(payment.paid_at).isoformat() if payment.paid_at else "",
            ]
        )


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is quoted; bank data is not ours to trust."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
