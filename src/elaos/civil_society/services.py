"""Writes of the NPA register: registration (from an approved application), status changes with their reasons,
annual reports. Each writes its audit event in the same transaction and keeps the search index in step."""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.civil_society.access import can_manage_register
from elaos.civil_society.models import (
    AnnualReport,
    AnnualReportIncome,
    AnnualReportSpending,
    Npa,
    NpaOfficer,
    NpaStatusChange,
)
from elaos.civil_society.selectors import SEARCH_KIND, name_key, name_words, npa_name_available
from elaos.core.audit import audit_record
from elaos.search.services import search_index

# Which status may follow which. Dissolution is final: Decree 238 gives no appeal against it.
ALLOWED_MOVES = {
    (Npa.Status.ACTIVE, Npa.Status.SUSPENDED),
    (Npa.Status.SUSPENDED, Npa.Status.ACTIVE),
    (Npa.Status.ACTIVE, Npa.Status.DISSOLVED),
    (Npa.Status.SUSPENDED, Npa.Status.DISSOLVED),
}
ACTIONS = {"suspend": Npa.Status.SUSPENDED, "reinstate": Npa.Status.ACTIVE, "dissolve": Npa.Status.DISSOLVED}
REGISTRATION_NUMBER = re.compile(r"^NPA-(\d{4})-(\d{4,})$")


def npa_index(npa: Npa) -> None:
    """Derive the name-check keys and rewrite the search entry. Call after every change of a name or objectives."""
    npa.name_lo_key = name_key(npa.name_lo)
    npa.name_en_key = name_key(npa.name_en) if npa.name_en else ""
    npa.name_words = " ".join(dict.fromkeys(name_words(f"{npa.name_lo}\n{npa.name_en}\n{npa.abbreviation}")))
    Npa.objects.filter(pk=npa.pk).update(
        name_lo_key=npa.name_lo_key, name_en_key=npa.name_en_key, name_words=npa.name_words
    )
    search_index(
        kind=SEARCH_KIND,
        key=npa.registration_number,
        title_lo=npa.name_lo,
        title_en=" ".join(p for p in (npa.name_en, npa.abbreviation) if p),
        body_lo=npa.objectives_lo,
        body_en=npa.objectives_en,
        url=reverse("npas:profile", args=[npa.registration_number]),
    )


def next_registration_number(year: int) -> str:
    numbers = Npa.objects.filter(registration_number__startswith=f"NPA-{year}-").values_list(
        "registration_number", flat=True
    )
    last = max((int(m.group(2)) for n in numbers if (m := REGISTRATION_NUMBER.match(n))), default=0)
    return f"NPA-{year}-{last + 1:04d}"


@dataclass(frozen=True)
class OfficerIn:
    name_lo: str
    role: str
    name_latin: str = ""


@transaction.atomic
def npa_create(
    *,
    actor: Any,
    name_lo: str,
    type: str,
    level: str,
    registered_on: Any = None,
    officers: list[OfficerIn] | None = None,
    source_application_id: Any = None,
    **fields: Any,
) -> Npa:
    """Enter an association in the register, active, with the next registration number of its year. A name that
    the register already holds (after normalisation, in Lao or English) is refused."""
    registered_on = registered_on or timezone.localdate()
    taken = [s for s in npa_name_available(name_lo=name_lo, name_en=fields.get("name_en")) if s.exact]
    if taken:
        raise ValidationError(
            {"name_lo": _("This name is already registered: %(number)s.") % {"number": taken[0].registration_number}}
        )
    for _attempt in range(5):
        npa = Npa(
            registration_number=next_registration_number(registered_on.year),
            name_lo=name_lo,
            type=type,
            level=level,
            registered_on=registered_on,
            status=Npa.Status.ACTIVE,
            source_application_id=source_application_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
        )
        # Uniqueness is the database's to enforce: a number taken meanwhile is retried below.
        npa.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                npa.save()
            break
        except IntegrityError:
            # Another registration took the number (or this application is already registered: checked by caller).
            continue
    else:
        raise RuntimeError("could not allocate a registration number")
    for officer in officers or []:
        row = NpaOfficer(npa=npa, name_lo=officer.name_lo, name_latin=officer.name_latin, role=officer.role)
        row.since = registered_on
        row.full_clean()
        row.save()
    NpaStatusChange.objects.create(
        npa=npa,
        status=Npa.Status.ACTIVE,
        date=registered_on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    npa_index(npa)
    audit_record(
        actor=actor,
        action="npa.register",
        obj=npa,
        data={"registration_number": npa.registration_number, "application": str(source_application_id or "")},
    )
    return npa


@transaction.atomic
def npa_transition(*, actor: Any, npa: Npa, action: str, reason: str, date: Any = None) -> Npa:
    """Suspend, reinstate or dissolve an association, always with a reason; the change stays in its history."""
    if not can_manage_register(actor):
        raise PermissionDenied
    npa = Npa.objects.select_for_update().get(pk=npa.pk)
    target = ACTIONS.get(action)
    if target is None or (npa.status, target) not in ALLOWED_MOVES:
        raise ValidationError(_("This change of status is not possible from the current status."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for this change of status.")})
    date = date or timezone.localdate()
    if date < npa.registered_on:
        raise ValidationError({"date": _("The date cannot be before the registration.")})
    change = NpaStatusChange(npa=npa, from_status=npa.status, status=target, reason=reason, date=date, actor=actor)
    change.full_clean()
    change.save()
    previous, npa.status = npa.status, target
    npa.updated_by = actor
    npa.save(update_fields=["status", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=f"npa.{action}",
        obj=npa,
        data={"from": previous, "to": target, "reason": reason, "date": date},
    )
    return npa


@dataclass(frozen=True)
class IncomeIn:
    source_lo: str
    amount_kip: int
    foreign: bool = False
    source_en: str = ""


@dataclass(frozen=True)
class SpendingIn:
    purpose_lo: str
    amount_kip: int
    purpose_en: str = ""


@transaction.atomic
def annual_report_submit(
    *,
    actor: Any,
    npa: Npa,
    year: int,
    income: list[IncomeIn],
    spending: list[SpendingIn],
    activities_lo: str = "",
    activities_en: str = "",
) -> AnnualReport:
    """File an association's report for one year; a year is filed once. Lateness is read against the deadline."""
    if npa.status == Npa.Status.DISSOLVED:
        raise ValidationError(_("A dissolved association files no more reports."))
    if AnnualReport.objects.filter(npa=npa, year=year).exists():
        raise ValidationError({"year": _("The report for this year was already filed.")})
    if year < npa.registered_on.year or year >= timezone.localdate().year + 1:
        raise ValidationError({"year": _("There is no report to file for this year.")})
    for amount in [i.amount_kip for i in income] + [s.amount_kip for s in spending]:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationError(_("Amounts are whole numbers of kip."))
    report = AnnualReport.objects.create(
        npa=npa, year=year, activities_lo=activities_lo, activities_en=activities_en, submitted_at=timezone.now()
    )
    AnnualReportIncome.objects.bulk_create(
        AnnualReportIncome(
            report=report, source_lo=i.source_lo, source_en=i.source_en, amount_kip=i.amount_kip, foreign=i.foreign
        )
        for i in income
    )
    AnnualReportSpending.objects.bulk_create(
        AnnualReportSpending(report=report, purpose_lo=s.purpose_lo, purpose_en=s.purpose_en, amount_kip=s.amount_kip)
        for s in spending
    )
    audit_record(actor=actor, action="npa.annual_report", obj=npa, data={"year": year, "late": report.is_late})
    return report
