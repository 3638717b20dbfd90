"""Reads of the NPA register. The register is public: every selector here returns only what anyone may see."""

import difflib
import statistics
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from elaos.civil_society.access import npa_admin_filter
from elaos.civil_society.models import (
    AnnualReport,
    Npa,
    NpaMembership,
    NpaOfficer,
    NpaProject,
    NpaStatusChange,
    annual_report_deadline,
)
from elaos.core.models import Province
from elaos.search import lao
from elaos.search.selectors import search
from elaos.workflows.models import WorkflowInstance, WorkflowTransition
from elaos.workflows.selectors import office_queue
from elaos.workflows.working_days import working_days_between

SEARCH_KIND = "npa"
MAX_SEARCH_HITS = 1000
# Words nearly every association name holds: two names do not look alike because they share them.
GENERIC_NAME_WORDS = frozenset({"ສະມາຄົມ", "association", "ລາວ", "lao", "laos", "society", "ແຫ່ງ", "ສປປ"})
SIMILAR_WORDS = 0.5
SIMILAR_SPELLING = 0.85
# A Lao query this long (in name-key characters) that the segmented search misses is looked for, misspelled, in
# the names: enough of its letters, in order, close together (a missing tone mark, a swapped vowel).
MIN_FUZZY_LAO = 4
FUZZY_LAO_SHARE = 0.8
FUZZY_LAO_SPREAD = 1.5
REPORT_WINDOW_YEARS = 2


# Names


def name_key(name: str) -> str:
    """A name reduced to what tells names apart: case folded, Lao spellings and digits unified (as in search), no
    spaces, no punctuation. Two names with the same key are the same name."""
    key = name
    # Removing punctuation can bring a combining mark next to a letter it then composes with: repeat until stable.
    for _attempt in range(4):
        folded = lao.normalise(key.casefold()).casefold()
        stripped = "".join(ch for ch in folded if unicodedata.category(ch)[0] in {"L", "M", "N"})
        if stripped == key:
            break
        key = stripped
    return key


def name_words(name: str) -> list[str]:
    """The words of a name, Lao segmented as in the search index, without stop-words."""
    return lao.index_text(name.casefold()).split()


@dataclass(frozen=True)
class SimilarName:
    registration_number: str
    name_lo: str
    name_en: str
    status: str
    exact: bool


def npa_name_available(name_lo: str | None = None, name_en: str | None = None) -> list[SimilarName]:
    """Registered names that are the same as, or look like, a proposed name (Lao, English or both), the same ones
    first. The name is free when no entry is `exact`. Dissolved associations count: a name of the register is never
    given to a second association."""
    names = [n for n in (name_lo, name_en) if n and name_key(n)]
    if not names:
        return []
    keys = {name_key(n) for n in names}
    words = {w for n in names for w in name_words(n)} - GENERIC_NAME_WORDS
    found: dict[str, SimilarName] = {}
    exact = Npa.objects.filter(Q(name_lo_key__in=keys) | Q(name_en_key__in=keys))
    for npa in exact.only("registration_number", "name_lo", "name_en", "status"):
        found[npa.registration_number] = SimilarName(
            npa.registration_number, npa.name_lo, npa.name_en, npa.status, True
        )
    rows = Npa.objects.exclude(registration_number__in=found).values_list(
        "registration_number", "name_lo", "name_en", "status", "name_lo_key", "name_en_key", "name_words"
    )
    for number, lo, en, status, lo_key, en_key, their_words in rows:
        theirs = set(their_words.split()) - GENERIC_NAME_WORDS
        overlap = len(words & theirs) / len(words | theirs) if words and theirs else 0.0
        spelling = max(
            (difflib.SequenceMatcher(None, key, other).ratio() for key in keys for other in (lo_key, en_key) if other),
            default=0.0,
        )
        if overlap >= SIMILAR_WORDS or spelling >= SIMILAR_SPELLING:
            found[number] = SimilarName(number, lo, en, status, False)
    return sorted(found.values(), key=lambda s: (not s.exact, s.registration_number))


# The register


@dataclass
class RegisterFilters:
    q: str = ""
    sector: str = ""
    province: str = ""
    level: str = ""
    status: str = ""
    type: str = ""

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in ("q", "sector", "province", "level", "status", "type"))


def _register() -> QuerySet[Npa]:
    """Every association of the register, with `status_date`: when its current status began."""
    latest_change = NpaStatusChange.objects.filter(npa=OuterRef("pk")).order_by("-date", "-recorded_at", "-id")
    return (
        Npa.objects.active()
        .select_related("sector__line_ministry", "province", "district")
        .annotate(status_date=Subquery(latest_change.values("date")[:1]))
    )


def npa_register(filters: RegisterFilters) -> QuerySet[Npa] | list[Npa]:
    """The register, by registration number; with words to look for, the best matches first."""
    npas = _register()
    if filters.sector:
        npas = npas.filter(sector__code=filters.sector)
    if filters.province:
        npas = npas.filter(province__code=filters.province)
    for name in ("level", "status", "type"):
        if value := getattr(filters, name):
            npas = npas.filter(**{name: value})
    if filters.q.strip():
        ranked = [hit.key for hit in search(filters.q, kind=SEARCH_KIND, limit=MAX_SEARCH_HITS)]
        by_number = {npa.registration_number: npa for npa in npas.filter(registration_number__in=ranked)}
        found = [by_number[number] for number in ranked if number in by_number]
        # Names typed with a Lao misspelling come after what the search found as typed.
        misspelt = npas.exclude(registration_number__in=by_number).filter(
            registration_number__in=lao_name_lookalikes(filters.q, exclude=set(by_number))
        )
        return found + list(misspelt.order_by("registration_number"))
    return npas.order_by("registration_number")


def _looks_like(query_key: str, name_key_: str) -> bool:
    """Whether a name holds the query with a few letters wrong: most of the query's letters appear in the name in
    order, within a stretch not much longer than the query."""
    blocks = [
        b for b in difflib.SequenceMatcher(None, query_key, name_key_, autojunk=False).get_matching_blocks() if b.size
    ]
    if not blocks:
        return False
    matched = sum(b.size for b in blocks)
    spread = blocks[-1].b + blocks[-1].size - blocks[0].b
    return matched >= FUZZY_LAO_SHARE * len(query_key) and spread <= FUZZY_LAO_SPREAD * len(query_key)


def lao_name_lookalikes(query: str, *, exclude: set[str] | None = None) -> list[str]:
    """Registration numbers of associations whose Lao name holds the query, misspelt (the segmented search finds
    Lao words only as written). Latin misspellings are the search engine's (elaos.search)."""
    key = name_key(query)
    if len(key) < MIN_FUZZY_LAO or not lao.has_lao(key):
        return []
    rows = Npa.objects.exclude(registration_number__in=exclude or ()).values_list("registration_number", "name_lo_key")
    return [number for number, name in rows if name and _looks_like(key, name)]


def status_counts(npas: QuerySet[Npa] | list[Npa]) -> dict[str, int]:
    """How many associations of a result are in each status (every status listed, zeros included)."""
    counts = dict.fromkeys(Npa.Status.values, 0)
    if isinstance(npas, list):
        for npa in npas:
            counts[npa.status] += 1
    else:
        counts.update(dict(npas.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")))
    return counts


def _with_details(npas: QuerySet[Npa]) -> QuerySet[Npa]:
    return npas.prefetch_related(
        Prefetch("officers", queryset=NpaOfficer.objects.order_by("until", "since", "id")),
        Prefetch("status_changes", queryset=NpaStatusChange.objects.order_by("date", "recorded_at", "id")),
        Prefetch("annual_reports", queryset=AnnualReport.objects.prefetch_related("income", "spending")),
        Prefetch(
            "projects",
            queryset=NpaProject.objects.filter(status=NpaProject.Status.APPROVED).order_by("-approved_on", "id"),
            to_attr="approved_projects",
        ),
    )


def npa_detail(registration_number: str) -> Npa:
    npa = _with_details(_register()).filter(registration_number=registration_number).first()
    if npa is None:
        raise Http404
    return npa


def npa_export() -> QuerySet[Npa]:
    """The whole public register with everything its pages show, for bulk download."""
    return _with_details(_register()).order_by("registration_number")


def latest_status_change(npa: Npa) -> NpaStatusChange | None:
    changes = list(npa.status_changes.all())
    return changes[-1] if changes else None


# Finances


@dataclass
class YearFinances:
    year: int
    income_kip: int
    foreign_income_kip: int
    spending_kip: int
    submitted_at: Any
    deadline: Any
    late: bool
    report: AnnualReport = field(repr=False)

    @property
    def domestic_income_kip(self) -> int:
        return self.income_kip - self.foreign_income_kip


def finances_by_year(npa: Npa) -> list[YearFinances]:
    """Income (all, and from abroad) and spending of each annual report, oldest year first."""
    rows = []
    for report in npa.annual_reports.all():
        income = list(report.income.all())
        rows.append(
            YearFinances(
                year=report.year,
                income_kip=sum(i.amount_kip for i in income),
                foreign_income_kip=sum(i.amount_kip for i in income if i.foreign),
                spending_kip=sum(s.amount_kip for s in report.spending.all()),
                submitted_at=report.submitted_at,
                deadline=report.deadline,
                late=report.is_late,
                report=report,
            )
        )
    return sorted(rows, key=lambda r: r.year)


def missing_report_years(npa: Npa, *, today: Any) -> list[int]:
    """Years of the last REPORT_WINDOW_YEARS, since registration, whose deadline has passed with no report. Older
    years are not flagged: their reports were filed on paper, before the register was kept here."""
    filed = {report.year for report in npa.annual_reports.all()}
    first = max(npa.registered_on.year, today.year - REPORT_WINDOW_YEARS)
    return [year for year in range(first, today.year) if year not in filed and annual_report_deadline(year) < today]


# The association's own pages (its administrators)


def npas_of(user: Any) -> list[Any]:
    """The associations where the user holds a current membership, with the role, by registration number."""
    today = timezone.localdate()
    memberships = (
        NpaMembership.objects.filter(user=user, since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("npa__sector__line_ministry")
        .order_by("npa__registration_number", "role")
    )
    seen: dict[int, Any] = {}
    for membership in memberships:
        # An administrator who is also listed as a member is shown once, as administrator.
        if membership.npa_id not in seen or membership.role == NpaMembership.Role.NPA_ADMIN:
            seen[membership.npa_id] = membership
    return sorted(seen.values(), key=lambda m: m.npa.registration_number)


def npa_for_admin(user: Any, registration_number: str) -> Npa:
    """An association the user administers today; any other is a 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    admin_of = NpaMembership.objects.filter(npa_admin_filter(user)).values("npa")
    npa = (
        Npa.objects.select_related("sector__line_ministry")
        .filter(registration_number=registration_number, pk__in=admin_of)
        .first()
    )
    if npa is None:
        raise Http404
    return npa


def npa_admin_users(npa: Npa | str) -> QuerySet[Any]:
    """The people administering the association today (by the association or its registration number): whom other
    domains tell when they send it something, such as a referral."""
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    memberships = NpaMembership.objects.filter(role=NpaMembership.Role.NPA_ADMIN, since__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    if isinstance(npa, str):
        memberships = memberships.filter(npa__registration_number=npa)
    else:
        memberships = memberships.filter(npa=npa)
    return get_user_model().objects.filter(pk__in=memberships.values("user"), is_active=True).order_by("pk")


def annual_report_for(npa: Npa, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(npa=npa, year=year).prefetch_related("income", "spending").first()


def projects_of(npa: Npa) -> QuerySet[NpaProject]:
    return NpaProject.objects.filter(npa=npa).select_related("submission").order_by("-id")


# Project decisions (line-ministry staff)

PROJECT_SUBJECT_TYPE = "civil_society.project"


def project_queue(actor: Any) -> list[tuple[NpaProject, Any]]:
    """Projects awaiting a decision in the offices where the actor holds a role, with their workflow instance."""
    instances = list(office_queue(actor=actor, subject_type=PROJECT_SUBJECT_TYPE))
    projects = NpaProject.objects.select_related("npa", "submission").in_bulk(
        [int(i.subject_id) for i in instances if i.subject_id.isdigit()]
    )
    return [(projects[int(i.subject_id)], i) for i in instances if int(i.subject_id) in projects]


def project_for_staff(actor: Any, pk: int) -> tuple[NpaProject, Any]:
    """A project awaiting a decision in one of the actor's offices; anything else is a 404."""
    for project, instance in project_queue(actor):
        if project.pk == pk:
            return project, instance
    raise Http404


# Reports by year (API)


def report_years(registration_number: str) -> list[YearFinances]:
    return finances_by_year(npa_detail(registration_number))


# The public dashboard


@dataclass
class CountRow:
    code: str
    name_lo: str
    name_en: str
    count: int


def npa_counts_by(dimension: str) -> list[CountRow]:
    """How many associations of the register (every status) per sector or per province, the most first; those
    without one are counted under an empty code."""
    rows = (
        Npa.objects.active()
        .order_by()
        .values(f"{dimension}__code", f"{dimension}__name_lo", f"{dimension}__name_en")
        .annotate(n=Count("pk"))
    )
    result = [
        CountRow(
            code=r[f"{dimension}__code"] or "",
            name_lo=r[f"{dimension}__name_lo"] or "",
            name_en=r[f"{dimension}__name_en"] or "",
            count=r["n"],
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r.count, r.code == "", r.code))


REGISTRATION_SUBJECT_TYPE = "services.application"
REGISTRATION_SERVICE = "npa-registration"


@dataclass
class DecisionTimes:
    """Working days from submission to a decision, for one group (a province or a stage)."""

    code: str
    name_lo: str
    name_en: str
    days: list[int]
    deadline_days: int | None

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def max(self) -> int | None:
        return max(self.days) if self.days else None

    @property
    def within_deadline(self) -> int | None:
        """Percent of decisions taken within the statutory deadline (None without a deadline or decisions)."""
        if not self.days or self.deadline_days is None:
            return None
        return round(100 * sum(1 for d in self.days if d <= self.deadline_days) / len(self.days))


@dataclass
class RegistrationTimes:
    deadline_days: int | None
    by_province: list[DecisionTimes]
    by_stage: list[DecisionTimes]


def _statutory_days() -> int | None:
    from elaos.services.selectors import service_detail

    try:
        return service_detail(REGISTRATION_SERVICE).sla_days
    except Http404:
        return None


def registration_times() -> RegistrationTimes:
    """Decision times of NPA registrations, from the workflow history: for each staff decision after the
    submission, the working days from the submission; by stage (each decision) and by province (the final
    decision only). The province is the registered association's, else the applicant's."""
    deadline = _statutory_days()
    instances = {
        i.pk: i
        for i in WorkflowInstance.objects.filter(
            subject_type=REGISTRATION_SUBJECT_TYPE, definition__code=f"service-{REGISTRATION_SERVICE}"
        ).select_related("definition", "applicant__province")
    }
    npa_provinces = dict(
        Npa.objects.filter(source_application_id__in=[i.subject_id for i in instances.values()]).values_list(
            "source_application_id", "province_id"
        )
    )
    provinces = {p.pk: p for p in Province.objects.all()}
    history = WorkflowTransition.objects.filter(instance_id__in=instances).order_by("instance_id", "at", "id")
    submitted: dict[int, Any] = {}
    stages: dict[str, DecisionTimes] = {}
    by_province: dict[str, DecisionTimes] = {}
    for move in history:
        instance = instances[move.instance_id]
        if move.transition == "submit":
            submitted.setdefault(move.instance_id, timezone.localdate(move.at))
            continue
        start = submitted.get(move.instance_id)
        spec = next((t for t in instance.definition.definition["transitions"] if t["code"] == move.transition), None)
        if start is None or spec is None or spec["by"] != "staff":
            continue
        days = working_days_between(start, timezone.localdate(move.at))
        stage = stages.setdefault(
            move.transition, DecisionTimes(move.transition, spec["name_lo"], spec["name_en"], [], deadline)
        )
        stage.days.append(days)
        if instance.definition.is_terminal(move.to_state):
            try:
                province_id = npa_provinces.get(uuid.UUID(instance.subject_id))
            except ValueError:
                province_id = None
            if province_id is None and instance.applicant is not None:
                province_id = instance.applicant.province_id
            province = provinces.get(province_id)
            key = province.code if province else ""
            group = by_province.setdefault(
                key,
                DecisionTimes(
                    key, province.name_lo if province else "", province.name_en if province else "", [], deadline
                ),
            )
            group.days.append(days)
    return RegistrationTimes(
        deadline_days=deadline,
        by_province=sorted(by_province.values(), key=lambda g: (g.code == "", g.code)),
        by_stage=sorted(stages.values(), key=lambda g: g.code),
    )
