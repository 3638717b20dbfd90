"""Red flags: patterns in the published data worth a look, each explaining itself (in Lao and English) and naming
the records behind it (``RedFlag.records`` holds their public ids).

Detection is set-based — the database finds the candidates with aggregates and window functions over the indexed
columns, Python only words the few hits — so a nightly run over millions of transactions stays a handful of
queries. Every flag has a fingerprint (its kind and its records), so running detection again, after each publish
and every night, never duplicates a flag, and a flag someone already explained or dismissed keeps its status.

A flag whose condition no longer holds (a contract was published for a payment that had none, a correction moved a
payment out of a split cluster, a threshold was raised) is closed, never deleted: the run that no longer finds it —
over the same scope and kinds — sets its status to ``closed``, ``archived_at`` to the date and ``archive_reason`` to
``CLOSED_REASON``; what it was before (open, explained, dismissed) is kept in ``details["status_before_closing"]``.
If the condition returns, the same flag is reopened (same fingerprint, same public URL, same agency response):
status back to what it was before closing, ``archived_at`` cleared, ``details["reopened_at"]`` set. A flag whose
records changed (a split cluster gained a payment) is a different fingerprint: the old flag closes and a new one is
raised. Detection is idempotent: a second run over unchanged data creates, closes and reopens nothing.

Thresholds come from settings (read at call time): ``GLASS_TRANSACTION_THRESHOLD_KIP``, ``GLASS_SPLIT_WINDOW_DAYS``,
``GLASS_SPLIT_MIN_PAYMENTS``, ``GLASS_CONTRACT_REQUIRED_KIP``, ``GLASS_AMENDMENT_SHARE``, ``GLASS_NEW_PAYEE_DAYS``.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Window
from django.db.models.expressions import ValueRange
from django.utils import timezone

from elaos.agencies.models import Organisation
from elaos.budget.models import Award, ContractAmendment, Payee, ProcurementMethod, RedFlag, Tender, Transaction
from elaos.core.lao import format_kip

Kind = RedFlag.Kind
Severity = RedFlag.Severity

BULK_SIZE = 2000
CLOSED_REASON = "condition no longer holds"
METHOD_LO = {"open": "ປະມູນເປີດກວ້າງ", "limited": "ປະມູນແບບຈຳກັດ", "direct": "ຈັດຊື້ໂດຍກົງ"}


class DayNumber(models.Func):
    """A date as a whole number of days, so a window frame can span "the next N days" on every database
    (PostgreSQL refuses integer offsets on a date column; SQLite has no interval type)."""

    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def,override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"({sql} - DATE '1970-01-01')", params
        if connection.vendor == "sqlite":
            return f"CAST(julianday({sql}) AS INTEGER)", params
        return f"TO_DAYS({sql})", params


class NextDays(ValueRange):
    """RANGE BETWEEN CURRENT ROW AND <n> FOLLOWING over a whole-number key (DayNumber). Django only lets
    PostgreSQL have UNBOUNDED offsets because a date key would need an interval; our key is an integer, which
    PostgreSQL and SQLite both accept."""

    def __init__(self, days: int) -> None:
        super().__init__(start=0, end=days)
        self.days = int(days)

    def window_frame_start_end(self, connection, start, end):  # type: ignore[no-untyped-def]
        return "CURRENT ROW", f"{self.days} FOLLOWING"


@dataclass
class Finding:
    """A flag before it is stored: what was found, in the two languages, and the records it rests on."""

    kind: str
    agency_id: int
    fiscal_year_id: int
    severity: str
    title_lo: str
    title_en: str
    explanation_lo: str
    explanation_en: str
    records: dict[str, list]
    amount: int | None = None
    payee_id: int | None = None
    contract_id: int | None = None
    tender_id: int | None = None
    details: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The kind and the records, never the wording or the thresholds' values: re-running with reworded
        explanations still recognises the flag."""
        payload = json.dumps({"kind": self.kind, "records": self.records}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    fiscal_year: int | None = None
    agency_id: int | None = None

    def q(self, agency: str = "agency_id", fiscal_year: str = "fiscal_year_id") -> Q:
        condition = Q()
        if self.fiscal_year is not None:
            condition &= Q(**{fiscal_year: self.fiscal_year})
        if self.agency_id is not None:
            condition &= Q(**{agency: self.agency_id})
        return condition


def _kip(amount: int) -> str:
    return format_kip(amount, language="en")


def _kip_lo(amount: int) -> str:
    return format_kip(amount, language="lo")


# --- split payments -------------------------------------------------------------------------------------------------


def detect_split_payments(scope: Scope) -> Iterator[Finding]:
    """Same agency and payee, at least GLASS_SPLIT_MIN_PAYMENTS payments each below the threshold, all within
    GLASS_SPLIT_WINDOW_DAYS days of the first (first and last at most that many days apart), together at or above
    the threshold — the shape of a purchase cut up to stay under the publication threshold.

    The database finds the (agency, payee) pairs that have such a window (a sliding sum over a RANGE frame); only
    those pairs' small payments are then read and cut greedily into non-overlapping clusters, so the same data
    always yields the same clusters."""
    threshold = settings.GLASS_TRANSACTION_THRESHOLD_KIP
    window = settings.GLASS_SPLIT_WINDOW_DAYS
    minimum = max(2, settings.GLASS_SPLIT_MIN_PAYMENTS)
    small = Transaction.objects.filter(scope.q(), amount__lt=threshold, amount__gt=0)
    frame = {
        "partition_by": [F("agency_id"), F("payee_id")],
        "order_by": DayNumber("date").asc(),
        "frame": NextDays(window),
    }
    pairs = (
        small.annotate(
            window_sum=Window(Sum("amount"), **frame),
            window_count=Window(Count("id"), **frame),
        )
        .filter(window_sum__gte=threshold, window_count__gte=minimum)
        .values_list("agency_id", "payee_id")
        .distinct()
    )
    for agency_id, payee_id in sorted(set(pairs)):
        payments = list(
            small.filter(agency_id=agency_id, payee_id=payee_id)
            .order_by("date", "id")
            .values("id", "date", "amount", "fiscal_year_id", "reference")
        )
        yield from _split_clusters(payments, agency_id, payee_id, threshold, window, minimum)


def _split_clusters(
    payments: list[dict], agency_id: int, payee_id: int, threshold: int, window: int, minimum: int
) -> Iterator[Finding]:
    start = 0
    while start < len(payments):
        first = payments[start]["date"]
        end = start
        while end + 1 < len(payments) and (payments[end + 1]["date"] - first).days <= window:
            end += 1
        cluster = payments[start : end + 1]
        total = sum(p["amount"] for p in cluster)
        if len(cluster) >= minimum and total >= threshold:
            yield _split_finding(cluster, agency_id, payee_id, threshold, window, total)
            start = end + 1
        else:
            start += 1


def _split_finding(
    cluster: list[dict], agency_id: int, payee_id: int, threshold: int, window: int, total: int
) -> Finding:
    payee = Payee.objects.only("name_lo", "name_en").get(id=payee_id)
    agency = Organisation.objects.only("name_lo", "name_en").get(id=agency_id)
    count, days = len(cluster), (cluster[-1]["date"] - cluster[0]["date"]).days
    return Finding(
        kind=Kind.SPLIT_PAYMENT,
        agency_id=agency_id,
        fiscal_year_id=cluster[0]["fiscal_year_id"],
        severity=Severity.HIGH if total >= 2 * threshold else Severity.MEDIUM,
        title_lo=f"ການຈ່າຍແບ່ງຍ່ອຍໃຫ້ {payee.name_lo}",
        title_en=f"Split payments to {payee.name_en or payee.name_lo}",
        explanation_lo=(
            f"{agency.name_lo} ຈ່າຍໃຫ້ {payee.name_lo} {count} ຄັ້ງ ພາຍໃນ {days} ວັນ, ແຕ່ລະຄັ້ງຕ່ຳກວ່າເກນ "
            f"{_kip_lo(threshold)} ທີ່ຕ້ອງເປີດເຜີຍ, ແຕ່ລວມກັນແມ່ນ {_kip_lo(total)}."
        ),
        explanation_en=(
            f"{agency.name_en or agency.name_lo} paid {payee.name_en or payee.name_lo} {count} times within "
            f"{days} days, each payment below the publication threshold of {_kip(threshold)}, together "
            f"{_kip(total)}."
        ),
        records={"transactions": [p["id"] for p in cluster], "payees": [str(payee.public_id)]},
        amount=total,
        payee_id=payee_id,
        details={
            "threshold": threshold,
            "window_days": window,
            "first_date": cluster[0]["date"].isoformat(),
            "last_date": cluster[-1]["date"].isoformat(),
            "payments": [
                {"id": p["id"], "date": p["date"].isoformat(), "amount": p["amount"], "reference": p["reference"]}
                for p in cluster
            ],
        },
    )


# --- payments without a contract ------------------------------------------------------------------------------------


def detect_payments_without_contract(scope: Scope) -> Iterator[Finding]:
    """Payments at or above GLASS_CONTRACT_REQUIRED_KIP that name no contract. Payments to state entities are
    transfers, not purchases, and are left out."""
    limit = settings.GLASS_CONTRACT_REQUIRED_KIP
    rows = (
        Transaction.objects.filter(scope.q(), amount__gte=limit, contract_id__isnull=True)
        .exclude(payee__kind=Payee.Kind.STATE)
        .order_by("id")
        .values(
            "id",
            "agency_id",
            "fiscal_year_id",
            "date",
            "amount",
            "reference",
            "payee_id",
            "payee__public_id",
            "payee__name_lo",
            "payee__name_en",
        )
    )
    for row in rows.iterator(chunk_size=BULK_SIZE):
        payee_en = row["payee__name_en"] or row["payee__name_lo"]
        yield Finding(
            kind=Kind.NO_CONTRACT,
            agency_id=row["agency_id"],
            fiscal_year_id=row["fiscal_year_id"],
            severity=Severity.HIGH if row["amount"] >= 5 * limit else Severity.MEDIUM,
            title_lo=f"ຈ່າຍ {_kip_lo(row['amount'])} ໃຫ້ {row['payee__name_lo']} ໂດຍບໍ່ມີສັນຍາ",
            title_en=f"{_kip(row['amount'])} paid to {payee_en} without a contract",
            explanation_lo=(
                f"ລາຍການຈ່າຍ {row['reference']} ວັນທີ {row['date']:%d/%m/%Y} ມູນຄ່າ {_kip_lo(row['amount'])} "
                f"ສູງກວ່າ {_kip_lo(limit)} ແຕ່ບໍ່ໄດ້ອ້າງອີງສັນຍາໃດ."
            ),
            explanation_en=(
                f"Payment {row['reference']} of {row['date']:%d/%m/%Y} for {_kip(row['amount'])} is at or above "
                f"{_kip(limit)} but names no contract."
            ),
            records={"transactions": [row["id"]], "payees": [str(row["payee__public_id"])]},
            amount=row["amount"],
            payee_id=row["payee_id"],
            details={"limit": limit, "reference": row["reference"], "date": row["date"].isoformat()},
        )


# --- single-bid tenders ---------------------------------------------------------------------------------------------


def detect_single_bid_tenders(scope: Scope, *, today: datetime.date) -> Iterator[Finding]:
    """Competitive tenders (open or limited, not direct contracting) that closed with exactly one bid: awarded, or
    past the end of their tender period. Withdrawn bids do not count."""
    awarded = Award.objects.filter(tender=OuterRef("pk")).exclude(status=Award.Status.CANCELLED)
    tenders = (
        Tender.objects.filter(scope.q(), method__in=[ProcurementMethod.OPEN, ProcurementMethod.LIMITED])
        .exclude(status__in=[Tender.Status.PLANNING, Tender.Status.PLANNED, Tender.Status.WITHDRAWN])
        .annotate(bid_count=Count("bids", filter=~Q(bids__status="withdrawn")), awarded=Exists(awarded))
        .filter(bid_count=1)
        .filter(Q(awarded=True) | Q(tender_period_end__lt=today))
        .select_related("agency")
        .order_by("id")
    )
    for tender in tenders.iterator(chunk_size=BULK_SIZE):
        bid = tender.bids.exclude(status="withdrawn").select_related("tenderer").get()
        bidder = bid.tenderer
        yield Finding(
            kind=Kind.SINGLE_BID,
            agency_id=tender.agency_id,
            fiscal_year_id=tender.fiscal_year_id,
            severity=Severity.HIGH if tender.method == ProcurementMethod.OPEN else Severity.MEDIUM,
            title_lo=f"ການປະມູນມີຜູ້ສະເໜີລາຄາພຽງລາຍດຽວ: {tender.title_lo}",
            title_en=f"Single-bid tender: {tender.title_en or tender.title_lo}",
            explanation_lo=(
                f"ການປະມູນ {tender.ocid} ({METHOD_LO.get(tender.method, tender.method)}) ໄດ້ຮັບການສະເໜີລາຄາພຽງລາຍດຽວ "
                f"ຈາກ {bidder.name_lo}, ມູນຄ່າ {_kip_lo(bid.amount)}."
            ),
            explanation_en=(
                f"Tender {tender.ocid} ({tender.method}) received a single bid, from "
                f"{bidder.name_en or bidder.name_lo}, for {_kip(bid.amount)}."
            ),
            records={"tenders": [tender.ocid], "payees": [str(bidder.public_id)]},
            amount=bid.amount,
            payee_id=bidder.id,
            tender_id=tender.id,
            details={"ocid": tender.ocid, "method": tender.method, "bids": 1},
        )


# --- large amendments -----------------------------------------------------------------------------------------------


def detect_big_amendments(scope: Scope) -> Iterator[Finding]:
    """Contracts whose amendments raised the value by more than GLASS_AMENDMENT_SHARE of the value signed
    (cumulative, so a rise cut into several small amendments is caught too). One flag per contract, resting on the
    amendments up to the one that crossed the line."""
    share = Decimal(str(settings.GLASS_AMENDMENT_SHARE))
    basis_points = int(share * 10000)
    crossing = (
        ContractAmendment.objects.filter(scope.q("contract__agency_id", "contract__fiscal_year_id"))
        .annotate(
            over=ExpressionWrapper(
                F("new_value") * 10000 - F("contract__value") * (10000 + basis_points),
                output_field=models.BigIntegerField(),
            )
        )
        .filter(over__gt=0)
        .values("contract_id")
        .distinct()
    )
    contract_ids = sorted({row["contract_id"] for row in crossing})
    for contract_id in contract_ids:
        amendments = list(
            ContractAmendment.objects.filter(contract_id=contract_id)
            .select_related("contract", "contract__supplier")
            .order_by("date", "id")
        )
        contract = amendments[0].contract
        upto = []
        for amendment in amendments:
            upto.append(amendment)
            if amendment.new_value * 10000 > contract.value * (10000 + basis_points):
                break
        last = upto[-1]
        rise = last.new_value - contract.value
        percent = round(Decimal(rise) * 100 / contract.value, 1) if contract.value else Decimal(0)
        yield Finding(
            kind=Kind.BIG_AMENDMENT,
            agency_id=contract.agency_id,
            fiscal_year_id=contract.fiscal_year_id,
            severity=Severity.HIGH if rise * 10000 > contract.value * 2 * basis_points else Severity.MEDIUM,
            title_lo=f"ສັນຍາ {contract.contract_id} ເພີ່ມຂຶ້ນ {percent}%",
            title_en=f"Contract {contract.contract_id} raised by {percent}%",
            explanation_lo=(
                f"ສັນຍາ {contract.title_lo} ເຊັນດ້ວຍມູນຄ່າ {_kip_lo(contract.value)}; ຫຼັງຈາກແກ້ໄຂ {len(upto)} ຄັ້ງ "
                f"ມູນຄ່າແມ່ນ {_kip_lo(last.new_value)} (+{percent}%), ເກີນ {share * 100:.0f}% ທີ່ກຳນົດ."
            ),
            explanation_en=(
                f"Contract {contract.title_en or contract.title_lo} was signed for {_kip(contract.value)}; after "
                f"{len(upto)} amendment(s) it stands at {_kip(last.new_value)} (+{percent}%), above the "
                f"{share * 100:.0f}% limit."
            ),
            records={"contracts": [contract.contract_id], "amendments": [a.amendment_id for a in upto]},
            amount=rise,
            payee_id=contract.supplier_id,
            contract_id=contract.id,
            details={
                "signed_value": contract.value,
                "amended_value": last.new_value,
                "rise_percent": float(percent),
                "limit_percent": float(share * 100),
            },
        )


# --- new payees -----------------------------------------------------------------------------------------------------


def detect_new_payees(scope: Scope) -> Iterator[Finding]:
    """Awards to a supplier registered fewer than GLASS_NEW_PAYEE_DAYS days before the award date (or after it)."""
    days = settings.GLASS_NEW_PAYEE_DAYS
    awards = (
        Award.objects.filter(
            scope.q("tender__agency_id", "tender__fiscal_year_id"),
            supplier__registered_on__isnull=False,
        )
        .exclude(status=Award.Status.CANCELLED)
        .annotate(
            registered_by=ExpressionWrapper(F("date") - datetime.timedelta(days=days), output_field=models.DateField())
        )
        .filter(supplier__registered_on__gt=F("registered_by"))
        .select_related("tender", "supplier")
        .order_by("id")
    )
    for award in awards.iterator(chunk_size=BULK_SIZE):
        supplier, tender = award.supplier, award.tender
        before = (award.date - supplier.registered_on).days
        yield Finding(
            kind=Kind.NEW_PAYEE,
            agency_id=tender.agency_id,
            fiscal_year_id=tender.fiscal_year_id,
            severity=Severity.HIGH if before < 30 else Severity.MEDIUM,
            title_lo=f"{supplier.name_lo} ຈົດທະບຽນ {before} ວັນກ່ອນໄດ້ຮັບສັນຍາ",
            title_en=f"{supplier.name_en or supplier.name_lo} registered {before} days before the award",
            explanation_lo=(
                f"{supplier.name_lo} ຈົດທະບຽນວັນທີ {supplier.registered_on:%d/%m/%Y} ແລະ ໄດ້ຮັບການຄັດເລືອກ "
                f"ໃນການປະມູນ {tender.ocid} ວັນທີ {award.date:%d/%m/%Y} ({before} ວັນ, ໜ້ອຍກວ່າ {days} ວັນ), "
                f"ມູນຄ່າ {_kip_lo(award.amount)}."
            ),
            explanation_en=(
                f"{supplier.name_en or supplier.name_lo} was registered on {supplier.registered_on:%d/%m/%Y} and "
                f"won tender {tender.ocid} on {award.date:%d/%m/%Y} ({before} days, fewer than {days}), for "
                f"{_kip(award.amount)}."
            ),
            records={"awards": [award.award_id], "tenders": [tender.ocid], "payees": [str(supplier.public_id)]},
            amount=award.amount,
            payee_id=supplier.id,
            tender_id=tender.id,
            details={"registered_on": supplier.registered_on.isoformat(), "award_date": award.date.isoformat()},
        )


DETECTORS = {
    Kind.SPLIT_PAYMENT: detect_split_payments,
    Kind.NO_CONTRACT: detect_payments_without_contract,
    Kind.SINGLE_BID: detect_single_bid_tenders,
    Kind.BIG_AMENDMENT: detect_big_amendments,
    Kind.NEW_PAYEE: detect_new_payees,
}


def _store(findings: Iterable[Finding], now: datetime.datetime, seen: set[str] | None = None) -> int:
    """Insert the findings not stored yet (by fingerprint), in chunks; returns how many were new. Every finding's
    fingerprint is added to ``seen``."""
    created = 0
    chunk: dict[str, Finding] = {}

    def flush() -> int:
        if seen is not None:
            seen.update(chunk)
        known = set(RedFlag.objects.filter(fingerprint__in=chunk).values_list("fingerprint", flat=True))
        fresh = [
            RedFlag(
                kind=f.kind,
                agency_id=f.agency_id,
                fiscal_year_id=f.fiscal_year_id,
                severity=f.severity,
                title_lo=f.title_lo[:300],
                title_en=f.title_en[:300],
                explanation_lo=f.explanation_lo,
                explanation_en=f.explanation_en,
                amount=f.amount,
                payee_id=f.payee_id,
                contract_id=f.contract_id,
                tender_id=f.tender_id,
                records=f.records,
                details=f.details,
                detected_at=now,
                fingerprint=fp,
            )
            for fp, f in chunk.items()
            if fp not in known
        ]
        # ignore_conflicts: a concurrent run (publish + nightly) may have stored the same flag meanwhile.
        RedFlag.objects.bulk_create(fresh, ignore_conflicts=True)
        chunk.clear()
        return len(fresh)

    for finding in findings:
        chunk[finding.fingerprint] = finding
        if len(chunk) >= BULK_SIZE:
            created += flush()
    if chunk:
        created += flush()
    return created


def _sync_status(kind: str, scope: Scope, seen: set[str], now: datetime.datetime) -> tuple[int, int]:
    """Close the stored flags of ``kind`` in ``scope`` that this run did not find, and reopen the closed ones it
    found again. Returns (closed, reopened)."""
    stored = RedFlag.objects.filter(scope.q(), kind=kind)
    to_close = [
        (pk, status)
        for pk, fp, status in stored.exclude(status=RedFlag.Status.CLOSED).values_list("pk", "fingerprint", "status")
        if fp not in seen
    ]
    closed = 0
    for pk, status in to_close:
        flag = RedFlag.objects.select_for_update().get(pk=pk)
        flag.details = {**(flag.details or {}), "status_before_closing": status}
        flag.status = RedFlag.Status.CLOSED
        flag.archived_at = now
        flag.archive_reason = CLOSED_REASON
        flag.save(update_fields=["details", "status", "archived_at", "archive_reason", "updated_at"])
        closed += 1
    reopened = 0
    candidates = stored.filter(status=RedFlag.Status.CLOSED).values_list("pk", "fingerprint")
    for pk in [pk for pk, fp in candidates if fp in seen]:
        flag = RedFlag.objects.select_for_update().get(pk=pk)
        details = dict(flag.details or {})
        before = details.pop("status_before_closing", RedFlag.Status.OPEN)
        details["reopened_at"] = now.isoformat()
        flag.details = details
        flag.status = before if before in RedFlag.Status.values and before != RedFlag.Status.CLOSED else "open"
        flag.archived_at = None
        flag.archive_reason = ""
        flag.save(update_fields=["details", "status", "archived_at", "archive_reason", "updated_at"])
        reopened += 1
    return closed, reopened


def flags_detect(
    *,
    fiscal_year: int | None = None,
    agency: Organisation | int | None = None,
    kinds: Iterable[str] | None = None,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """Run the detectors over one fiscal year and/or one agency (everything by default), store the new flags, close
    the flags of that scope no longer found and reopen the closed ones found again (see the module docstring).
    Idempotent; returns the number of new flags per kind, plus ``closed`` and ``reopened`` (all kinds) when any
    was. Called after each publish and nightly."""
    agency_id = agency.pk if isinstance(agency, Organisation) else agency
    scope = Scope(fiscal_year=fiscal_year, agency_id=agency_id)
    today = today or timezone.localdate()
    now = timezone.now()
    result: dict[str, int] = {}
    closed = reopened = 0
    for kind in kinds or DETECTORS:
        detector = DETECTORS[Kind(kind)]
        findings = detector(scope, today=today) if kind == Kind.SINGLE_BID else detector(scope)  # type: ignore[operator]
        seen: set[str] = set()
        with transaction.atomic():
            result[str(kind)] = _store(findings, now, seen)
            kind_closed, kind_reopened = _sync_status(str(kind), scope, seen, now)
        closed += kind_closed
        reopened += kind_reopened
    if closed:
        result["closed"] = closed
    if reopened:
        result["reopened"] = reopened
    return result
