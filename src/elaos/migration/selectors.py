"""Reads of safe migration, filtered for the actor: anything the actor may not see is a 404."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from elaos.agencies.models import Organisation
from elaos.core.lao import localized
from elaos.core.models import Province
from elaos.core.privacy import DEFAULT_K, is_publishable, suppress_rows
from elaos.migration import access
from elaos.migration.models import (
    AgencyStatusChange,
    Complaint,
    CorrectionRequest,
    Destination,
    InfoPage,
    IsicSection,
    Migrant,
    Need,
    RecruitmentAgency,
    Referral,
    Returnee,
    Sex,
)
from elaos.search.selectors import search

AGENCY_SEARCH_KIND = "migration.agency"
MAX_SEARCH_HITS = 50


# Recruitment agencies (public)


def _agencies() -> QuerySet[RecruitmentAgency]:
    return RecruitmentAgency.objects.active().annotate(
        upheld_complaints=Count(
            "complaints", filter=Q(complaints__outcome=Complaint.Outcome.UPHELD, complaints__archived_at__isnull=True)
        )
    )


def agency_register(*, q: str = "", status: str = "") -> list[RecruitmentAgency]:
    """The register by licence number; a query matches the licence number exactly, or names (Lao segmented)."""
    agencies = _agencies()
    if status in RecruitmentAgency.Status.values:
        agencies = agencies.filter(status=status)
    q = q.strip()
    if not q:
        return list(agencies.order_by("licence_number"))
    exact = list(agencies.filter(licence_number__iexact=q))
    if exact:
        return exact
    ranked = [hit.key for hit in search(q, kind=AGENCY_SEARCH_KIND, limit=MAX_SEARCH_HITS)]
    by_number = {a.licence_number: a for a in agencies.filter(licence_number__in=ranked)}
    return [by_number[number] for number in ranked if number in by_number]


def agency_detail(licence_number: str) -> RecruitmentAgency:
    agency = (
        _agencies()
        .select_related("province")
        .prefetch_related(
            Prefetch("status_changes", queryset=AgencyStatusChange.objects.order_by("date", "recorded_at", "id"))
        )
        .filter(licence_number=licence_number)
        .first()
    )
    if agency is None:
        raise Http404
    return agency


def sanctions(agency: RecruitmentAgency) -> list[AgencyStatusChange]:
    """Suspensions and revocations, with their published reasons (and reinstatements after them)."""
    return [c for c in agency.status_changes.all() if c.from_status]


def usable_agencies() -> QuerySet[RecruitmentAgency]:
    """Agencies a worker may register with: licence active and not expired."""
    return RecruitmentAgency.objects.active().filter(
        status=RecruitmentAgency.Status.ACTIVE, licence_expires_on__gte=timezone.localdate()
    )


def agency_choices() -> QuerySet[RecruitmentAgency]:
    """Every agency of the register, so that choosing a suspended one gets its clear refusal."""
    return RecruitmentAgency.objects.active().order_by("name_lo")


# Offices


def _ministry_offices() -> list[Organisation]:
    code = access.ministry_code()
    everything = {o.pk: o for o in Organisation.objects.active().select_related("parent")}

    def in_ministry(org: Organisation) -> bool:
        node: Organisation | None = org
        while node is not None and node.parent_id is not None:
            node = everything.get(node.parent_id)
        return node is not None and node.code == code

    return [o for o in everything.values() if in_ministry(o)]


def migration_offices() -> list[Organisation]:
    """Offices a migrant can register with: the labour ministry's provincial and district offices and its
    Migrant Resource Centres (offices)."""
    kinds = {Organisation.Kind.PROVINCIAL_DEPARTMENT, Organisation.Kind.DISTRICT_OFFICE, Organisation.Kind.OFFICE}
    return sorted((o for o in _ministry_offices() if o.kind in kinds), key=lambda o: o.code)


def referral_offices() -> QuerySet[Organisation]:
    """Government offices a returnee can be referred to: any office of the organisation tree."""
    return Organisation.objects.active().exclude(kind=Organisation.Kind.MINISTRY).order_by("code")


def inspection_offices() -> list[Organisation]:
    return sorted(_ministry_offices(), key=lambda o: o.code)


def active_npas() -> Any:
    """Associations that can take referrals: the register's explicit public read, active ones only."""
    from elaos.civil_society.selectors import RegisterFilters, npa_register

    return npa_register(RegisterFilters(status="active"))


def npa_ids_of(user: Any) -> set[int]:
    """The associations the user is a current member of (civil society's own read)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    from elaos.civil_society.selectors import npas_of

    return {membership.npa_id for membership in npas_of(user)}


# Migrant records


def _migrants() -> QuerySet[Migrant]:
    return Migrant.objects.active().select_related("person", "office", "agency", "home_province")


def migrants_of(person: Any) -> QuerySet[Migrant]:
    if not getattr(person, "is_authenticated", False):
        return Migrant.objects.none()
    return _migrants().filter(person=person)


def migrant_queue(actor: Any, *, q: str = "", status: str = "") -> QuerySet[Migrant]:
    """Records of the offices where the actor holds a migration role."""
    records = _migrants().filter(office__in=access.migration_offices_of(actor))
    if status in Migrant.Status.values:
        records = records.filter(status=status)
    if q.strip():
        q = q.strip()
        records = records.filter(
            Q(reference__iexact=q)
            | Q(person__phone__endswith=q)
            | Q(person__given_name_lo__icontains=q)
            | Q(person__given_name_latin__icontains=q)
            | Q(passport_number__iexact=q)
        )
    return records


def migrant_for(actor: Any, public_id: Any) -> Migrant:
    migrant = _migrants().filter(access.migrant_visibility(actor), public_id=public_id).first()
    if migrant is None:
        raise Http404
    return migrant


def migrant_timeline(migrant: Migrant) -> QuerySet:
    return migrant.status_changes.order_by("at", "id")


def correction_requests_for_staff(actor: Any) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.active()
        .filter(migrant__office__in=access.migration_offices_of(actor))
        .select_related("migrant")
        .order_by("status", "-created_at")
    )


def correction_request_for_staff(actor: Any, public_id: Any) -> CorrectionRequest:
    request = correction_requests_for_staff(actor).filter(public_id=public_id).first()
    if request is None:
        raise Http404
    return request


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def my_data(person: Any) -> dict[str, Any]:
    """Everything safe migration holds about a person, for their own download (JSON)."""
    fields = [
        f.name
        for f in Migrant._meta.get_fields()
        if getattr(f, "concrete", False)
        and f.name not in {"id", "person", "created_by", "updated_by", "archived_by", "permit_reminders_sent"}
    ]
    records = []
    for migrant in migrants_of(person).prefetch_related("status_changes", "correction_requests"):
        record: dict[str, Any] = {}
        for name in fields:
            value = getattr(migrant, name)
            if isinstance(value, Organisation):
                value = {"code": value.code, "name_lo": value.name_lo, "name_en": value.name_en}
            elif isinstance(value, RecruitmentAgency):
                value = {"licence_number": value.licence_number, "name_lo": value.name_lo}
            elif isinstance(value, Province):
                value = value.code
            record[name] = _iso(value) if not hasattr(value, "hex") else str(value)
        record["timeline"] = [
            {"status": c.status, "at": c.at.isoformat(), "note": c.note} for c in migrant.status_changes.all()
        ]
        record["correction_requests"] = [
            {"details": r.details, "status": r.status, "resolution": r.resolution, "at": r.created_at.isoformat()}
            for r in migrant.correction_requests.all()
        ]
        records.append(record)
    complaints = [
        {
            "reference": c.reference,
            "category": c.category,
            "against": c.against,
            "status": c.status,
            "outcome": c.outcome,
            "description": c.description,
            "filed_at": c.created_at.isoformat(),
        }
        for c in Complaint.objects.active().filter(complainant=person)
    ]
    returns = [
        {
            "reference": r.reference,
            "returned_on": r.returned_on.isoformat(),
            "returned_from": r.returned_from,
            "needs": r.needs,
            "consent_purpose": r.consent_purpose,
        }
        for r in Returnee.objects.active().filter(person=person)
    ]
    return {
        "data_administrator": "Ministry of Labour and Social Welfare, Lao PDR",
        "purpose": "safe_migration",
        "exported_at": timezone.now().isoformat(),
        "migrant_records": records,
        "complaints": complaints,
        "returns": returns,
    }


# Complaints


def complaints_of(person: Any) -> QuerySet[Complaint]:
    if not getattr(person, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.active().filter(complainant=person).select_related("agency")


def complaint_of(person: Any, public_id: Any) -> Complaint:
    complaint = complaints_of(person).filter(public_id=public_id).first()
    if complaint is None:
        raise Http404
    return complaint


def complaint_by_code(reference: str, code: str) -> Complaint | None:
    """An anonymous complaint, for whoever holds its reference and secret code; None otherwise (no hint which
    of the two was wrong)."""
    from elaos.migration.services import secret_matches

    complaint = Complaint.objects.active().filter(reference=reference.strip().upper()).first()
    if complaint is None or not secret_matches(complaint, code):
        return None
    return complaint


def complaint_queue(actor: Any, *, status: str = "") -> QuerySet[Complaint]:
    offices = access.migration_offices_of(actor)
    inspection = access.inspection_offices_of(actor)
    complaints = (
        Complaint.objects.active()
        .filter(Q(office__in=offices) | Q(inspection_office__in=inspection))
        .select_related("agency", "office")
    )
    if status in Complaint.Status.values:
        complaints = complaints.filter(status=status)
    return complaints.order_by("status", "due_at")


def complaint_for_staff(actor: Any, public_id: Any) -> Complaint:
    complaint = complaint_queue(actor).filter(public_id=public_id).first()
    if complaint is None:
        raise Http404
    return complaint


# Returnees and referrals


def returnee_queue(actor: Any) -> QuerySet[Returnee]:
    return (
        Returnee.objects.active()
        .filter(office__in=access.migration_offices_of(actor))
        .select_related("home_province", "office")
        .annotate(open_referrals=Count("referrals", filter=Q(referrals__status__in=["pending", "accepted"])))
    )


def returnee_for(actor: Any, public_id: Any) -> Returnee:
    returnee = returnee_queue(actor).filter(public_id=public_id).first()
    if returnee is None:
        raise Http404
    return returnee


def referral_inbox(actor: Any) -> QuerySet[Referral]:
    """Referrals sent to the actor's offices or associations."""
    offices = access.staff_offices_of(actor)
    npas = npa_ids_of(actor)
    if not offices.exists() and not npas:
        return Referral.objects.none()
    return (
        Referral.objects.active()
        .filter(Q(to_office__in=offices) | Q(to_npa_id__in=npas))
        .select_related("returnee", "to_office", "to_npa")
        .order_by("status", "due_at")
    )


def referral_for_recipient(actor: Any, public_id: Any) -> Referral:
    referral = referral_inbox(actor).filter(public_id=public_id).first()
    if referral is None:
        raise Http404
    return referral


# Safe-migration information


def info_pages() -> QuerySet[InfoPage]:
    return InfoPage.objects.active().order_by("country")


def info_page(country: str) -> InfoPage:
    page = info_pages().filter(country=country.upper()).first()
    if page is None:
        raise Http404
    return page


# Statistics: every published count goes through elaos.core.privacy.


@dataclass
class StatRow:
    code: str
    label: str
    count: int | None


@dataclass
class StatTable:
    code: str
    title: str
    dimension: str
    rows: list[StatRow]
    total: int | None
    additive: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _table(code: str, title: str, dimension: str, labelled: list[tuple[str, str]], counts: dict[str, int]) -> StatTable:
    k = _k()
    rows, total = suppress_rows([(c, counts.get(c, 0)) for c, _label in labelled], k=k)
    labels = dict(labelled)
    return StatTable(code, title, dimension, [StatRow(c, labels[c], n) for c, n in rows], total)


def _k() -> int:
    from django.conf import settings

    return max(int(getattr(settings, "MIGRATION_STATISTICS_K", DEFAULT_K)), DEFAULT_K)


def _choices(choices: Any) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in choices.choices]


def _grouped(queryset: QuerySet, field: str) -> dict[str, int]:
    rows = queryset.order_by().values(field).annotate(n=Count("pk"))
    return {str(r[field] or ""): r["n"] for r in rows}


def _provinces() -> list[tuple[str, str]]:
    return [(p.code, localized(p, "name")) for p in Province.objects.order_by("code")]


def statistics() -> list[StatTable]:
    """Published tables: no cell between 1 and k-1, and nothing of that size can be worked back from a total."""
    from django.utils.translation import gettext as _

    migrants = Migrant.objects.active()
    complaints = Complaint.objects.active()
    returnees = Returnee.objects.active()
    referrals = Referral.objects.active()
    tables = [
        _table(
            "registrations_by_province",
            _("Registrations by home province"),
            _("Province"),
            _provinces(),
            _grouped(migrants, "home_province__code"),
        ),
        _table(
            "registrations_by_destination",
            _("Registrations by destination"),
            _("Country"),
            _choices(Destination),
            _grouped(migrants, "destination"),
        ),
        _table(
            "registrations_by_sector",
            _("Registrations by industry"),
            _("Industry (ISIC)"),
            _choices(IsicSection),
            _grouped(migrants, "sector"),
        ),
        _table("registrations_by_sex", _("Registrations by sex"), _("Sex"), _choices(Sex), _grouped(migrants, "sex")),
        _table(
            "complaints_by_category",
            _("Complaints by category"),
            _("Category"),
            _choices(Complaint.Category),
            _grouped(complaints, "category"),
        ),
        _table(
            "complaints_by_outcome",
            _("Complaints by outcome"),
            _("Outcome"),
            [("", str(_("Still open"))), *_choices(Complaint.Outcome)],
            _grouped(complaints, "outcome"),
        ),
        _table(
            "returnees_by_province",
            _("Returnees by home province"),
            _("Province"),
            _provinces(),
            _grouped(returnees, "home_province__code"),
        ),
        _table("returnees_by_sex", _("Returnees by sex"), _("Sex"), _choices(Sex), _grouped(returnees, "sex")),
        _table(
            "referrals_by_need",
            _("Reintegration referrals by need"),
            _("Need"),
            _choices(Need),
            _grouped(referrals, "need"),
        ),
    ]
    return tables + protection_tables()


PROTECTION_TABLES = {
    "by_exploitation_type": (gettext_noop("Protection cases by type of exploitation"), gettext_noop("Type"), False),
    "by_sex": (gettext_noop("Protection cases by sex"), gettext_noop("Sex"), True),
    "by_age_band": (gettext_noop("Protection cases by age"), gettext_noop("Age"), True),
    "by_province": (gettext_noop("Protection cases by home province"), gettext_noop("Province"), True),
    "by_status": (gettext_noop("Protection cases by status"), gettext_noop("Status"), True),
}


def protection_tables() -> list[StatTable]:
    """Protection cases, counted by the protection app's own `case_statistics()` (suppressed there). Every count
    is checked again here; an app that is not installed yet publishes nothing (the page says so)."""
    from django.utils.translation import gettext as _

    try:
        from elaos.protection.selectors import case_statistics
    except ImportError:
        return []
    try:
        data = case_statistics().as_dict()
    except AttributeError:
        return []
    k = _k()
    language = translation.get_language() or "lo"
    tables = []
    for code, (title, dimension, additive) in PROTECTION_TABLES.items():
        if code not in data:
            continue
        rows = []
        for row in data[code]:
            count = row.get("count")
            label = row.get("name_en") if language.startswith("en") else row.get("name_lo")
            rows.append(StatRow(str(row.get("code", "")), label or row.get("name_lo") or "", count))
        if not all(is_publishable(r.count, k) for r in rows):
            # Suppressed again here if the source let a small count through (never expected).
            suppressed, _total = suppress_rows([(r.code, r.count) for r in rows], k=k)
            rows = [StatRow(r.code, r.label, n) for r, (_c, n) in zip(rows, suppressed, strict=True)]
        total = data.get("total")
        tables.append(
            StatTable(
                f"protection_{code.removeprefix('by_')}",
                _(title),
                _(dimension),
                rows,
                total if is_publishable(total, k) and (total is None or isinstance(total, int)) else None,
                additive=additive,
            )
        )
    return tables


def protection_statistics_available() -> bool:
    try:
        from elaos.protection.selectors import case_statistics  # noqa: F401
    except ImportError:
        return False
    return True
