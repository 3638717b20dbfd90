"""Reads of the NPA register. The register is public: every selector here returns only what anyone may see."""

import difflib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from elaos.civil_society.models import (
    AnnualReport,
    Npa,
    NpaOfficer,
    NpaProject,
    NpaStatusChange,
    annual_report_deadline,
)
from elaos.search import lao
from elaos.search.selectors import search

SEARCH_KIND = "npa"
MAX_SEARCH_HITS = 1000
# Words nearly every association name holds: two names do not look alike because they share them.
GENERIC_NAME_WORDS = frozenset({"ສະມາຄົມ", "association", "ລາວ", "lao", "laos", "society", "ແຫ່ງ", "ສປປ"})
SIMILAR_WORDS = 0.5
SIMILAR_SPELLING = 0.85
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
        return [by_number[number] for number in ranked if number in by_number]
    return npas.order_by("registration_number")


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
