"""Reads of the payments engine, already filtered for who is asking."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from elaos.agencies.models import Organisation
from elaos.payments.models import Payment


def payments_for(user: object) -> QuerySet[Payment]:
    """The payments the user owes or has paid; nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return Payment.objects.none()
    return Payment.objects.filter(payer=user).select_related("agency")


def payment_for_payer(*, actor: object, public_id: uuid.UUID | str) -> Payment | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return payments_for(actor).filter(public_id=key).first()


def payment_for_subject(*, subject_type: str, subject_id: str) -> Payment | None:
    """The newest payment asked for this subject (for the domain that owns it), whatever its status."""
    return Payment.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("-created_at").first()


@dataclass
class AgencyDay:
    agency: Organisation
    count: int = 0
    total_kip: int = 0


@dataclass
class ReconciliationDay:
    """The payments confirmed by the bank on one day (Vientiane time), per agency."""

    day: datetime.date
    agencies: list[AgencyDay] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.payments)

    @property
    def total_kip(self) -> int:
        return sum(p.amount_kip for p in self.payments)


def reconciliation_day(*, day: datetime.date, agencies: QuerySet[Organisation]) -> ReconciliationDay:
    """Paid payments of `agencies` (see access.reconcilable_agencies) whose bank payment time falls on `day`."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    payments = list(
        Payment.objects.filter(status=Payment.Status.PAID, paid_at__gte=start, paid_at__lt=end, agency__in=agencies)
        .select_related("agency")
        .order_by("agency__code", "paid_at", "pk")
    )
    report = ReconciliationDay(day=day, payments=payments)
    by_agency: dict[int, AgencyDay] = {}
    for payment in payments:
        row = by_agency.setdefault(payment.agency_id, AgencyDay(agency=payment.agency))
        row.count += 1
        row.total_kip += payment.amount_kip
    report.agencies = list(by_agency.values())
    return report
