"""Reads of protection cases, already filtered for the actor (elaos.protection.access). Every read of a case is
written to the audit chain ("protection.case.read…"), naming the person concerned when they have an account.

A case the actor may not see and a case that does not exist take the same path and raise the same Http404."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.core.models import Province
from elaos.protection import access
from elaos.protection.anonymise import Release, k_threshold, suppress_counts, suppress_total
from elaos.protection.export import anonymised_release
from elaos.protection.models import (
    AgeBand,
    BreakGlassAccess,
    CaseIdentity,
    Exploitation,
    Gender,
    ProtectionCase,
    Referral,
)


def _subject(case: ProtectionCase) -> Any:
    identity = CaseIdentity.objects.filter(case=case).select_related("account").first()
    return identity.account if identity is not None else None


def case_list(actor: Any) -> QuerySet[ProtectionCase]:
    """The cases the actor may see, without identity, newest first."""
    return access.visible_cases(actor).select_related("organisation", "case_worker", "province")


def audit_list_read(actor: Any, cases: list[ProtectionCase], *, channel: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="protection.case.read_list",
            data={"channel": channel, "cases": [str(c.public_id) for c in cases]},
        )


def case_read(actor: Any, public_id: uuid.UUID | str, *, purpose: str = "detail") -> ProtectionCase:
    """One case the actor may see, audited; anything else is a 404."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    case = case_list(actor).filter(public_id=key).first()
    if case is None:
        raise Http404
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"protection.case.read_{purpose}" if purpose != "detail" else "protection.case.read",
            obj=case,
            data={"purpose": purpose},
            subject=_subject(case),
        )
    return case


def case_page(case: ProtectionCase) -> dict[str, Any]:
    """Everything the case's own page shows, for a case already read with case_read."""
    today = timezone.localdate()
    plan = list(case.plan_items.active())
    for item in plan:
        item.overdue = item.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "facts": case_facts(case),
        "identity": CaseIdentity.objects.filter(case=case).first(),
        "consents": list(case.consents.active().select_related("recipient_organisation")),
        "risk": case.risk_assessments.select_related("assessed_by").first(),
        "plan": plan,
        "referrals": list(case.referrals.active()),
        "notes": list(case.notes.select_related("author")),
        "transfers": list(case.transfers.select_related("from_organisation", "to_organisation")),
        "break_glass": list(case.break_glass.select_related("user")[:20]),
    }


def _labels(values: list[str], choices: Any) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(v, v)) for v in values) or "—"


def case_facts(case: ProtectionCase) -> list[tuple[str, str]]:
    """The case facts as (label, value) rows, in HTCDS order."""
    from django.utils.translation import gettext as _

    from elaos.core.lao import format_date
    from elaos.protection.models import ControlMethod, Country, Recruitment, Vulnerability

    def day(value: Any) -> str:
        return format_date(value) if value else "—"

    return [
        (_("Trafficking status"), case.get_trafficking_status_display()),
        (_("Migrant type"), case.get_migrant_type_display()),
        (_("Gender"), case.get_gender_display()),
        (_("Age when trafficked"), case.get_age_band_display()),
        (_("Citizenship"), case.get_citizenship_display()),
        (_("Home province"), case.province.name_lo if case.province else "—"),
        (_("Country of exploitation"), case.get_country_of_exploitation_display()),
        (_("Countries of transit"), _labels(case.countries_of_transit, Country)),
        (_("Types of exploitation"), _labels(case.types_of_exploitation, Exploitation)),
        (_("Methods of control"), _labels(case.methods_of_control, ControlMethod)),
        (_("Methods of recruitment"), _labels(case.methods_of_recruitment, Recruitment)),
        (_("Industry (forced labour)"), case.get_forced_labour_industry_display() or "—"),
        (_("Vulnerabilities"), _labels(case.vulnerabilities, Vulnerability)),
        (_("Recruited on"), day(case.recruited_on)),
        (_("Identified on"), day(case.identified_on)),
        (_("Opened on"), day(case.opened_on)),
    ]


def case_for_break_glass(actor: Any, reference: str) -> ProtectionCase | None:
    """A case of one of the actor's offices (where they hold a case role), by its reference."""
    return (
        ProtectionCase.objects.active()
        .filter(
            reference=reference.strip().upper(),
            organisation__in=access.case_organisations(actor),
        )
        .first()
    )


def break_glass_alerts(actor: Any) -> QuerySet[BreakGlassAccess]:
    """Emergency accesses to cases of the offices the actor supervises, newest first (last 30 days)."""
    since = timezone.now() - datetime.timedelta(days=30)
    return (
        BreakGlassAccess.objects.filter(
            case__organisation__in=access.case_organisations(actor, access.CASE_SUPERVISOR), opened_at__gte=since
        )
        .select_related("case", "user")
        .order_by("-opened_at")
    )


# Referrals, as the recipient sees them


def referrals_received(actor: Any) -> QuerySet[Referral]:
    return access.received_referrals(actor).select_related("case")


def referral_read(actor: Any, public_id: uuid.UUID | str) -> Referral:
    """A referral addressed to the actor's association or office, audited as a (minimal) read of its case."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    referral = referrals_received(actor).filter(public_id=key).first()
    if referral is None:
        raise Http404
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="protection.case.read_referral",
            obj=referral,
            data={"case": str(referral.case.public_id)},
            subject=_subject(referral.case),
        )
    return referral


# Choices for forms


def referral_offices() -> QuerySet[Organisation]:
    return Organisation.objects.active().order_by("code")


def referral_npas() -> list[Any]:
    """Active associations of the public register (elaos.civil_society's own read)."""
    from elaos.civil_society.selectors import RegisterFilters, npa_register

    return list(npa_register(RegisterFilters(status="active")))


def npa_name(registration_number: str) -> str | None:
    """The register's name of an active association, or None when it is not one."""
    for npa in referral_npas():
        if npa.registration_number == registration_number:
            return npa.name_lo + (f" ({npa.name_en})" if npa.name_en else "")
    return None


def case_workers_of(organisation: Organisation) -> QuerySet[Any]:
    from elaos.accounts.models import User
    from elaos.agencies.access import office_assignments

    users = office_assignments(organisation).filter(role__code=access.CASE_WORKER).values("user")
    return User.objects.filter(pk__in=users).order_by("email")


# Statistics and the anonymised export (no actor: nothing in them identifies a case)


@dataclass(frozen=True)
class StatCount:
    code: str
    name_lo: str
    name_en: str
    count: int | None  # None: withheld (between 1 and k − 1, or to protect a withheld cell)


@dataclass(frozen=True)
class CaseStatistics:
    k: int
    total: int | None
    by_exploitation_type: list[StatCount]
    by_sex: list[StatCount]
    by_age_band: list[StatCount]
    by_province: list[StatCount]
    by_status: list[StatCount]

    def as_dict(self) -> dict[str, Any]:
        def rows(counts: list[StatCount]) -> list[dict[str, Any]]:
            return [{"code": c.code, "name_lo": c.name_lo, "name_en": c.name_en, "count": c.count} for c in counts]

        return {
            "k": self.k,
            "total": self.total,
            "by_exploitation_type": rows(self.by_exploitation_type),
            "by_sex": rows(self.by_sex),
            "by_age_band": rows(self.by_age_band),
            "by_province": rows(self.by_province),
            "by_status": rows(self.by_status),
        }


def _labelled(choices: Any) -> list[tuple[str, str, str]]:
    from django.utils import translation

    out = []
    for value, label in choices.choices:
        with translation.override("lo"):
            name_lo = str(label)
        with translation.override("en"):
            name_en = str(label)
        out.append((value, name_lo, name_en))
    return out


def _suppressed(
    labels: list[tuple[str, str, str]], counts: dict[str, int], *, k: int, additive: bool = True
) -> list[StatCount]:
    shown = suppress_counts({code: counts.get(code, 0) for code, _lo, _en in labels}, k=k, additive=additive)
    return [StatCount(code, lo, en, shown[code]) for code, lo, en in labels]


def case_statistics(*, year: int | None = None) -> CaseStatistics:
    """Counts of protection cases (all offices) by exploitation type, sex, age band, home province and status, with
    no published count between 1 and k − 1 (k = 11). One case with two types of exploitation counts under both,
    so that dimension does not add up to the total. Archived cases are left out; `year` keeps the cases opened
    that year."""
    k = k_threshold()
    cases = ProtectionCase.objects.active()
    if year is not None:
        cases = cases.filter(opened_on__year=year)
    total = cases.count()

    def grouped(field: str) -> dict[str, int]:
        rows = cases.order_by().values(field).annotate(n=Count("pk"))
        return {str(r[field]) if r[field] is not None else "": r["n"] for r in rows}

    types: dict[str, int] = {}
    for values in cases.values_list("types_of_exploitation", flat=True):
        for value in set(values or []):
            types[value] = types.get(value, 0) + 1
    provinces = [(p.code, p.name_lo, p.name_en) for p in Province.objects.order_by("code")]
    by_province = grouped("province__code")
    if by_province.get(""):
        provinces.append(("", "ບໍ່ຮູ້", "Unknown"))
    return CaseStatistics(
        k=k,
        total=suppress_total(total, k=k),
        by_exploitation_type=_suppressed(_labelled(Exploitation), types, k=k, additive=False),
        by_sex=_suppressed(_labelled(Gender), grouped("gender"), k=k),
        by_age_band=_suppressed(_labelled(AgeBand), grouped("age_band"), k=k),
        by_province=_suppressed(provinces, by_province, k=k),
        by_status=_suppressed(_labelled(ProtectionCase.Status), grouped("status"), k=k),
    )


def case_export() -> Release:
    """Every case (all offices) as k-anonymous HTCDS rows."""
    return anonymised_release(ProtectionCase.objects.active().select_related("province").order_by("pk"))
