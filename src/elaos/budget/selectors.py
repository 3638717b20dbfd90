"""Reads of Glass Accounts. Everything here is public data (budget, spending and procurement are published to
everyone), so these functions take no actor; the publishing pages' reads (which do) are in the portal section.

Fast at national scale (10 million transactions on PostgreSQL): overview pages read only the rollup tables
(refreshed on publish); transaction lists read the composite indexes of ``Transaction`` with keyset pagination;
payee search uses the trigram index on ``Payee.search_text``. Never aggregate raw transactions for an overview.

The functions the portal calls:

- ``agency_month_totals(agency_ids, year)`` — twelve rows {month, amount, count} from AgencyMonthTotal.
- ``agency_top_payees_fast(agency_ids, year, limit)`` — from PayeeAgencyYearTotal.
- ``transactions_page(TransactionFilter(...), sort="-amount"|"-date", cursor=None, before=None, limit=50)`` — one
  page of a filtered transaction list and the cursors of the next and previous pages (keyset; no OFFSET, no
  COUNT); a cursor that does not decode raises ``InvalidCursor``.
- ``payee_search(q, limit)`` — payees whose names match (Lao segmented), with their total received.
- ``budget_line_drill(line)`` — a line's contracts with what each has been paid, and its payments without a
  contract; ``contract_payments_page(contract)``.
- ``compare_years(year_a, year_b, by="function"|"ministry"|"province")``.
- ``real_terms(amount, year, base_year)`` and ``per_capita(amount, province_id, year)``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from elaos.agencies.access import subtree_ids

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


# --- totals (rollups) ---------------------------------------------------------------------------------------------


def agency_month_totals(agency_ids: list[int], year: int) -> list[dict[str, int]]:
    """Transactions paid per month by these agencies (e.g. a ministry's subtree) in a year: twelve rows."""
    from .models import AgencyMonthTotal

    found = {
        r["month"]: r
        for r in AgencyMonthTotal.objects.filter(fiscal_year_id=year, agency_id__in=agency_ids)
        .values("month")
        .annotate(total=Sum("amount"), n=Sum("count"))
        .order_by()
    }
    return [
        {"month": m, "amount": (found.get(m) or {}).get("total") or 0, "count": (found.get(m) or {}).get("n") or 0}
        for m in range(1, 13)
    ]


def agency_top_payees_fast(agency_ids: list[int], year: int, *, limit: int = 10) -> list[dict[str, Any]]:
    """The payees these agencies paid most in a year: [{payee_id, public_id, name_lo, name_en, amount, count}]."""
    from .models import Payee, PayeeAgencyYearTotal

    rows = list(
        PayeeAgencyYearTotal.objects.filter(fiscal_year_id=year, agency_id__in=agency_ids)
        .values("payee_id")
        .annotate(total=Sum("amount"), n=Sum("count"))
        .order_by("-total", "payee_id")[:limit]
    )
    payees = Payee.objects.in_bulk([r["payee_id"] for r in rows])
    return [
        {
            "payee_id": r["payee_id"],
            "public_id": payees[r["payee_id"]].public_id,
            "name_lo": payees[r["payee_id"]].name_lo,
            "name_en": payees[r["payee_id"]].name_en,
            "amount": r["total"],
            "count": r["n"],
        }
        for r in rows
    ]


def real_terms(amount: int, year: int, base_year: int) -> int | None:
    """``amount`` kip of ``year`` in kip of ``base_year`` (CPI); None when either year has no CPI."""
    from .models import ConsumerPriceIndex

    index = dict(ConsumerPriceIndex.objects.filter(year__in=[year, base_year]).values_list("year", "index"))
    if year not in index or base_year not in index or not index[year]:
        return None
    return int(Decimal(amount) * index[base_year] / index[year])


def per_capita(amount: int, province_id: int, year: int) -> int | None:
    """``amount`` per inhabitant of a province (population of that year, or the latest before)."""
    from .models import ProvincePopulation

    row = ProvincePopulation.objects.filter(province_id=province_id, year__lte=year).order_by("-year").first()
    return amount // row.population if row and row.population else None


def compare_years(year_a: int, year_b: int, *, by: str = "function") -> list[dict[str, Any]]:
    """Budget phases of two years side by side, per top-level function, ministry (whole subtree) or province:
    [{key, name_lo, name_en, approved_a, executed_a, approved_b, executed_b, change}] (change = approved_b -
    approved_a)."""
    from .models import AgencyYearTotal, FunctionYearTotal, ProvinceYearTotal

    rows: dict[str, dict[str, Any]] = {}

    def put(key: str, lo: str, en: str, suffix: str, approved: int, executed: int) -> None:
        row = rows.setdefault(
            key,
            {"key": key, "name_lo": lo, "name_en": en, "approved_a": 0, "executed_a": 0, "approved_b": 0,
             "executed_b": 0},
        )  # fmt: skip
        row[f"approved_{suffix}"] += approved
        row[f"executed_{suffix}"] += executed

    for year, suffix in ((year_a, "a"), (year_b, "b")):
        if by == "function":
            for r in FunctionYearTotal.objects.filter(fiscal_year_id=year).select_related("function"):
                put(r.function.code, r.function.name_lo, r.function.name_en, suffix, r.approved, r.executed)
        elif by == "province":
            for r in ProvinceYearTotal.objects.filter(fiscal_year_id=year).select_related("province"):
                p = r.province
                put(p.code if p else "", p.name_lo if p else "ສ່ວນກາງ", p.name_en if p else "Central", suffix,
                    r.approved, r.executed)  # fmt: skip
        else:
            tops = _ministries()
            for r in AgencyYearTotal.objects.filter(fiscal_year_id=year):
                top = tops.get(r.agency_id)
                if top is not None:
                    put(top.code, top.name_lo, top.name_en, suffix, r.approved, r.executed)
    result = sorted(rows.values(), key=lambda r: -(r["approved_b"] or r["approved_a"]))
    for r in result:
        r["change"] = r["approved_b"] - r["approved_a"]
    return result


def _ministries() -> dict[int, Any]:
    """Each organisation's ministry (top of its tree)."""
    from elaos.agencies.models import Organisation

    orgs = {o.pk: o for o in Organisation.objects.only("pk", "parent_id", "code", "name_lo", "name_en")}
    tops: dict[int, Any] = {}
    for pk in orgs:
        node, seen = orgs[pk], set()
        while node.parent_id and node.parent_id in orgs and node.pk not in seen:
            seen.add(node.pk)
            node = orgs[node.parent_id]
        tops[pk] = node
    return tops


def agency_subtree(agency_id: int) -> list[int]:
    """The organisation and every office below it, in id order."""
    return sorted(subtree_ids(agency_id))


# --- transaction lists -------------------------------------------------------------------------------------------


@dataclass
class TransactionFilter:
    """What a transaction list is filtered by; every field optional. ``q`` is free text (Lao needs no spaces):
    each of its words must appear in the purpose or in the payee's name."""

    agency_ids: list[int] | None = None
    years: list[int] | None = None
    payee_id: int | None = None
    budget_line_id: int | None = None
    contract_id: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""


@dataclass
class TransactionPage:
    rows: list[Any] = field(default_factory=list)
    next_cursor: str | None = None
    prev_cursor: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


class InvalidCursor(ValueError):
    """A page cursor that was cut, changed or made for another order: the caller answers 400 (portal) or 422."""


def _encode_cursor(value: Any, pk: int) -> str:
    raw = f"{value.isoformat() if isinstance(value, datetime.date) else value}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    """(sort value, id) of a cursor made by ``_encode_cursor`` for this ``sort``, or InvalidCursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = raw.split("|")
        if not pk.isdigit() or (sort != "-date" and not value.lstrip("-").isdigit()):
            raise ValueError(cursor)
        return (datetime.date.fromisoformat(value) if sort == "-date" else int(value)), int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidCursor(cursor) from None


def _filter_sql(f: TransactionFilter) -> tuple[list[str], list[Any]]:
    """WHERE conditions (without agency and year) and their parameters."""
    from elaos.search.lao import segment

    where: list[str] = []
    params: list[Any] = []
    if f.payee_id is not None:
        where.append("payee_id = %s")
        params.append(f.payee_id)
    if f.budget_line_id is not None:
        where.append("budget_line_id = %s")
        params.append(f.budget_line_id)
    if f.contract_id is not None:
        where.append("contract_id = %s")
        params.append(f.contract_id)
    if f.min_amount is not None:
        where.append("amount >= %s")
        params.append(f.min_amount)
    if f.max_amount is not None:
        where.append("amount <= %s")
        params.append(f.max_amount)
    if f.date_from:
        where.append("date >= %s")
        params.append(f.date_from)
    if f.date_to:
        where.append("date <= %s")
        params.append(f.date_to)
    postgres = connection.vendor == "postgresql"
    like = "ILIKE" if postgres else "LIKE"
    # On PostgreSQL every arm of the OR is an index condition, so the planner ORs three bitmap scans: the trigram
    # indexes on the purposes (migration 0006), and tx_payee_date for the payees whose name matches (an ARRAY of
    # ids found by the payees' trigram index; ``IN (SELECT …)`` inside an OR would be a per-row filter instead).
    payees = "payee_id = ANY(ARRAY({}))" if postgres else "payee_id IN ({})"
    for word in list(dict.fromkeys(segment(f.q)))[:8] if f.q else []:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matching = f"SELECT id FROM budget_payee WHERE search_text {like} %s ESCAPE '\\'"  # noqa: S608
        where.append(
            f"(purpose_lo {like} %s ESCAPE '\\' OR purpose_en {like} %s ESCAPE '\\' OR {payees.format(matching)})"
        )
        params += [pattern, pattern, pattern]
    return where, params


def transactions_page(
    f: TransactionFilter,
    *,
    sort: str = "-amount",
    cursor: str | None = None,
    before: str | None = None,
    limit: int = PAGE_SIZE,
) -> TransactionPage:
    """One page of transactions matching ``f``, largest first (``sort="-amount"``) or newest first (``"-date"``),
    ties broken by id; ``cursor`` is the ``next_cursor`` of the page before (the rows after it), ``before`` the
    ``prev_cursor`` of the page after (the rows just before it: the same index range read backwards). Both are
    keyset conditions on (sort value, id), never an OFFSET, so page 10,000 costs what page 1 costs. A cursor that
    does not decode raises InvalidCursor. Transactions come with their payee and agency loaded.

    With agencies (and years) given, the list is the merge of one index range scan per (agency, year) — each
    stops after ``limit`` rows — so a ministry with twenty offices costs twenty tiny scans, not a sort of its
    whole year."""
    from .models import FiscalYear, Transaction

    limit = max(1, min(limit, MAX_PAGE_SIZE))
    col = "amount" if sort == "-amount" else "date"
    where, params = _filter_sql(f)
    after = _decode_cursor(cursor, sort) if cursor else None
    back = _decode_cursor(before, sort) if before and not cursor else None
    if after is not None:
        where.append(f"{col} <= %s AND ({col} < %s OR id < %s)")
        params += [after[0], after[0], after[1]]
    if back is not None:
        where.append(f"{col} >= %s AND ({col} > %s OR id > %s)")
        params += [back[0], back[0], back[1]]
    direction = "ASC" if back is not None else "DESC"
    order = f"ORDER BY {col} {direction}, id {direction} LIMIT {limit + 1}"
    agency_ids = f.agency_ids
    if f.q and agency_ids is not None:
        # Text search: one query over the trigram indexes (a per-agency merge would read each agency's whole
        # range looking for a rare word), ordered and cut by a top-N sort of the matches.
        if not agency_ids:
            return TransactionPage()
        where.insert(0, f"agency_id IN ({', '.join(['%s'] * len(agency_ids))})")
        params = [*agency_ids, *params]
        agency_ids = None
    elif f.q:
        pass  # the same, over every agency
    elif agency_ids is None and f.payee_id is None and f.contract_id is None and f.budget_line_id is None:
        # A year-wide list: merge the per-agency ranges of the agencies that paid anything in those years.
        from .models import AgencyYearTotal

        years_q = AgencyYearTotal.objects.filter(transactions_count__gt=0)
        if f.years:
            years_q = years_q.filter(fiscal_year_id__in=f.years)
        agency_ids = sorted(set(years_q.values_list("agency_id", flat=True)))
    if agency_ids is not None:
        if not agency_ids:
            return TransactionPage()
        pairs = None
        if f.agency_ids is None:
            from .models import AgencyYearTotal

            pairs = list(
                AgencyYearTotal.objects.filter(transactions_count__gt=0, agency_id__in=agency_ids)
                .filter(**({"fiscal_year_id__in": f.years} if f.years else {}))
                .values_list("agency_id", "fiscal_year_id")
            )
        years = f.years or list(FiscalYear.objects.values_list("year", flat=True))
        pairs = pairs if pairs is not None else [(a, y) for a in sorted(set(agency_ids)) for y in sorted(set(years))]
        parts, all_params = [], []
        for agency_id, year in pairs:
            cond = " AND ".join(["agency_id = %s", "fiscal_year_id = %s", *where])
            sub = f"SELECT id, {col} FROM budget_transaction WHERE {cond} {order}"  # noqa: S608
            parts.append(f"SELECT * FROM ({sub}) s")  # noqa: S608
            all_params += [agency_id, year, *params]
        sql = f"SELECT id FROM ({' UNION ALL '.join(parts)}) u {order}"  # noqa: S608 - built from constants
    else:
        conds = list(where)
        if f.years:
            conds.insert(0, f"fiscal_year_id IN ({', '.join(['%s'] * len(f.years))})")
            params = [*f.years, *params]
        sql = f"SELECT id FROM budget_transaction WHERE {' AND '.join(conds) or 'TRUE'} {order}"  # noqa: S608
        all_params = params
    with connection.cursor() as cur:
        cur.execute(sql, all_params)
        ids = [r[0] for r in cur.fetchall()]
    more = len(ids) > limit
    ids = ids[:limit]
    if back is not None:
        ids.reverse()  # read backwards from the cursor; shown in the list's order
    found = Transaction.objects.select_related("payee", "agency").in_bulk(ids)
    rows = [found[i] for i in ids if i in found]

    def key(tx: Any) -> str:
        return _encode_cursor(tx.amount if col == "amount" else tx.date, tx.pk)

    if not rows:
        return TransactionPage()
    # Going forward, there is a previous page when we started from a cursor; going back, a next one always.
    next_cursor = key(rows[-1]) if (more if back is None else True) else None
    prev_cursor = key(rows[0]) if (after is not None if back is None else more) else None
    return TransactionPage(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor)


def transactions_iter(f: TransactionFilter, *, sort: str = "-amount", max_rows: int = 100_000) -> Any:
    """Every transaction matching ``f`` (up to ``max_rows``), page by page: for downloads of exactly the filtered
    data."""
    cursor, sent = None, 0
    while sent < max_rows:
        page = transactions_page(f, sort=sort, cursor=cursor, limit=min(MAX_PAGE_SIZE, max_rows - sent))
        yield from page.rows
        sent += len(page.rows)
        if not page.next_cursor:
            return
        cursor = page.next_cursor


# --- payees ----------------------------------------------------------------------------------------------------------


def payee_search(q: str, *, limit: int = 20) -> list[Any]:
    """Payees whose name or registration number holds every word of ``q`` (segmented like the search engine, so
    Lao needs no spaces), with ``total`` (all years, all agencies) annotated; largest total first."""
    from elaos.search.lao import segment

    from .models import Payee

    words = list(dict.fromkeys(segment(q)))[:6] if q else []
    if not words:
        return []
    payees = Payee.objects.all()
    for word in words:
        # search_text and the query words are both normalised (lower case): a plain LIKE, which the trigram
        # index answers (icontains would wrap the column in UPPER() and miss it).
        payees = payees.filter(search_text__contains=word)
    found = list(payees.order_by("-total_received", "name_lo")[:limit])
    for payee in found:
        payee.total = payee.total_received
    return found


def _payee_totals(ids: list[int]) -> dict[int, int]:
    from .models import PayeeAgencyYearTotal

    if not ids:
        return {}
    return dict(
        PayeeAgencyYearTotal.objects.filter(payee_id__in=ids)
        .values("payee_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("payee_id", "total")
    )


# --- drill-through: budget line → contracts → payments ------------------------------------------------------------


# A line's page lists its most recent contracts (a national line can have hundreds); the download holds them all.
LINE_CONTRACTS_SHOWN = 50


def budget_line_drill(line: Any, *, payments: int = 20) -> dict[str, Any]:
    """What the portal's line page shows of the drill-through: the line's most recent contracts
    (``line_contracts``: each with ``paid``, the sum of its payments, and ``payments_count``) and the line's
    largest payments that rest on no contract."""
    from .models import Transaction

    loose = list(
        Transaction.objects.filter(budget_line=line, contract__isnull=True)
        .select_related("payee")
        .order_by("-amount", "-id")[:payments]
    )
    contracts = list(line_contracts(line)[:LINE_CONTRACTS_SHOWN])
    return {"line": line, "contracts": contracts, "payments_without_contract": loose}


def contract_payments_page(contract: Any, *, limit: int = 100) -> list[Any]:
    from .models import Transaction

    return list(Transaction.objects.filter(contract=contract).select_related("payee").order_by("date", "id")[:limit])


# --- portal pages ---
# Reads of the public portal and the publishing pages (written with views.py). Everything here is public data, except
# the functions taking a ``user``, which answer only what that person may see.

from dataclasses import dataclass as _dataclass  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402
from typing import Any as _Any  # noqa: E402

from django.db.models import BooleanField as _BooleanField  # noqa: E402
from django.db.models import Count as _Count  # noqa: E402
from django.db.models import F as _F  # noqa: E402
from django.db.models import Func as _Func  # noqa: E402
from django.db.models import Prefetch as _Prefetch  # noqa: E402
from django.db.models import Q as _Q  # noqa: E402
from django.db.models import QuerySet as _QuerySet  # noqa: E402
from django.db.models import Sum as _Sum  # noqa: E402
from django.db.models import Value as _Value  # noqa: E402
from django.db.models.functions import Coalesce as _Coalesce  # noqa: E402
from django.http import Http404 as _Http404  # noqa: E402
from django.shortcuts import get_object_or_404 as _get_object_or_404  # noqa: E402


@_dataclass(frozen=True)
class PhaseTotals:
    """Budget phases of one group (a function, a ministry, a province) in one year, in kip."""

    key: str
    name_lo: str
    name_en: str
    approved: int
    current: int
    executed: int
    href_code: str = ""
    population: int | None = None

    @property
    def execution_rate(self) -> float | None:
        return round(100 * self.executed / self.current, 1) if self.current else None

    @property
    def executed_per_capita(self) -> int | None:
        return self.executed // self.population if self.population else None

    @property
    def current_per_capita(self) -> int | None:
        return self.current // self.population if self.population else None


def portal_years() -> list[int]:
    """Fiscal years with a published budget, newest first."""
    from elaos.budget.models import BudgetLine

    return sorted(set(BudgetLine.objects.values_list("fiscal_year_id", flat=True).distinct()), reverse=True)


def price_factors(base_year: int) -> dict[int, _Decimal]:
    """For each year with a CPI, the factor turning its kip into kip of ``base_year`` (index(base) / index(year)).
    A year without a CPI (or a base without one) has no factor: the page then says real terms are unavailable."""
    from elaos.budget.models import ConsumerPriceIndex

    index = dict(ConsumerPriceIndex.objects.values_list("year", "index"))
    if base_year not in index:
        return {}
    return {year: index[base_year] / value for year, value in index.items() if value}


def _current(adjusted: int | None, approved: int) -> int:
    # Rollups store 0 for "no adjustment"; budget lines store NULL.
    return adjusted if adjusted else approved


def function_totals(year: int) -> list[PhaseTotals]:
    """Top-level functions (COFOG divisions) of one year, largest current budget first."""
    from elaos.budget.models import FunctionYearTotal

    rows = FunctionYearTotal.objects.filter(fiscal_year_id=year, function__level=1).select_related("function")
    result = [
        PhaseTotals(
            key=r.function.code,
            name_lo=f"{r.function.code} {r.function.name_lo}",
            name_en=f"{r.function.code} {r.function.name_en}",
            approved=r.approved,
            current=_current(r.adjusted, r.approved),
            executed=r.executed,
        )
        for r in rows
    ]
    return sorted(result, key=lambda t: (-t.current, t.key))


def _ministry_of(organisations: dict[int, _Any], org_id: int) -> int:
    seen = set()
    while organisations[org_id].parent_id and org_id not in seen:
        seen.add(org_id)
        org_id = organisations[org_id].parent_id
    return org_id


def ministry_totals(year: int) -> list[PhaseTotals]:
    """Each ministry's budget with its departments' and provincial offices' (the whole organisation tree)."""
    from elaos.agencies.models import Organisation
    from elaos.budget.models import AgencyYearTotal

    organisations = {o.pk: o for o in Organisation.objects.only("pk", "parent_id", "code", "name_lo", "name_en")}
    sums: dict[int, list[int]] = {}
    for r in AgencyYearTotal.objects.filter(fiscal_year_id=year):
        top = _ministry_of(organisations, r.agency_id)
        acc = sums.setdefault(top, [0, 0, 0])
        acc[0] += r.approved
        acc[1] += _current(r.adjusted, r.approved)
        acc[2] += r.executed
    result = [
        PhaseTotals(
            key=organisations[pk].code,
            name_lo=organisations[pk].name_lo,
            name_en=organisations[pk].name_en,
            approved=a,
            current=c,
            executed=e,
            href_code=organisations[pk].code,
        )
        for pk, (a, c, e) in sums.items()
    ]
    return sorted(result, key=lambda t: (-t.current, t.key))


def province_totals(year: int) -> list[PhaseTotals]:
    """Each province's budget (lines carrying a province) with its population of that year (or the latest before it),
    for per-capita figures. Central spending (no province) is its own row at the end."""
    from elaos.budget.models import ProvincePopulation, ProvinceYearTotal

    population: dict[int, int] = {}
    for p in ProvincePopulation.objects.filter(year__lte=year).order_by("year"):
        population[p.province_id] = p.population
    result, central = [], None
    for r in ProvinceYearTotal.objects.filter(fiscal_year_id=year).select_related("province"):
        if r.province is None:
            central = PhaseTotals(
                key="",
                name_lo="ສ່ວນກາງ",
                name_en="Central (no province)",
                approved=r.approved,
                current=_current(r.adjusted, r.approved),
                executed=r.executed,
            )
            continue
        result.append(
            PhaseTotals(
                key=r.province.code,
                name_lo=r.province.name_lo,
                name_en=r.province.name_en,
                approved=r.approved,
                current=_current(r.adjusted, r.approved),
                executed=r.executed,
                href_code=r.province.code,
                population=population.get(r.province_id),
            )
        )
    result.sort(key=lambda t: t.key)
    return result + ([central] if central else [])


def national_totals(year: int) -> PhaseTotals:
    from elaos.budget.models import AgencyYearTotal

    sums = AgencyYearTotal.objects.filter(fiscal_year_id=year).aggregate(
        approved=_Sum("approved"),
        executed=_Sum("executed"),
        tx=_Sum("transactions_amount"),
        n=_Sum("transactions_count"),
    )
    current = sum(
        _current(a, b)
        for a, b in AgencyYearTotal.objects.filter(fiscal_year_id=year).values_list("adjusted", "approved")
    )
    return PhaseTotals(
        key=str(year),
        name_lo=str(year),
        name_en=str(year),
        approved=sums["approved"] or 0,
        current=current,
        executed=sums["executed"] or 0,
    )


def portal_agency(code: str) -> _Any:
    """An active organisation by its code, or 404."""
    from elaos.agencies.models import Organisation

    return _get_object_or_404(Organisation.objects.active().select_related("parent", "province"), code=code)


def agency_totals(agency_ids: list[int], year: int) -> PhaseTotals:
    from elaos.budget.models import AgencyYearTotal

    rows = list(AgencyYearTotal.objects.filter(fiscal_year_id=year, agency_id__in=agency_ids))
    return PhaseTotals(
        key=str(year),
        name_lo=str(year),
        name_en=str(year),
        approved=sum(r.approved for r in rows),
        current=sum(_current(r.adjusted, r.approved) for r in rows),
        executed=sum(r.executed for r in rows),
    )


def portal_budget_lines(*, year: int, agency_ids: list[int] | None = None, province_id: int | None = None) -> _QuerySet:
    from elaos.budget.models import BudgetLine

    lines = BudgetLine.objects.active().filter(fiscal_year_id=year)
    if agency_ids is not None:
        lines = lines.filter(agency_id__in=agency_ids)
    if province_id is not None:
        lines = lines.filter(province_id=province_id)
    return lines.select_related("agency", "function", "economic", "province", "programme").order_by("-approved", "code")


def portal_budget_line(public_id: _Any) -> _Any:
    from elaos.budget.models import BudgetLine

    return _get_object_or_404(
        BudgetLine.objects.active().select_related("agency", "function", "economic", "province", "programme"),
        public_id=public_id,
    )


def line_contracts(line: _Any) -> _QuerySet:
    from elaos.budget.models import Contract

    return (
        Contract.objects.active()
        .filter(budget_line=line)
        .select_related("supplier", "agency")
        .annotate(paid=_Coalesce(_Sum("payments__amount"), 0), payments_count=_Count("payments"))
        .order_by("-signed_on", "contract_id")
    )


def line_contracts_of_agencies(agency_ids: list[int], year: int) -> _QuerySet:
    """The contracts agencies signed in a fiscal year, largest first, with what has been paid on each."""
    from elaos.budget.models import Contract

    return (
        Contract.objects.active()
        .filter(agency_id__in=agency_ids, fiscal_year_id=year)
        .select_related("supplier", "agency")
        .annotate(paid=_Coalesce(_Sum("payments__amount"), 0), payments_count=_Count("payments"))
        .order_by("-value", "contract_id")
    )


def line_monthly_execution(line: _Any) -> list[int]:
    months = dict(line.monthly_execution.values_list("month", "executed"))
    return [months.get(m, 0) for m in range(1, 13)]


def portal_contract(contract_id: str) -> _Any:
    from elaos.budget.models import Contract

    return _get_object_or_404(
        Contract.objects.active().select_related(
            "supplier", "agency", "budget_line", "award__tender", "award__supplier"
        ),
        contract_id=contract_id,
    )


def contract_payments(contract: _Any) -> _QuerySet:
    from elaos.budget.models import Transaction

    return Transaction.objects.filter(contract=contract).select_related("payee").order_by("date", "id")


def contract_tender(contract: _Any) -> _Any:
    """The tender behind a contract, with its bids (lowest first) and awards, or None for a direct contract."""
    if not contract.award_id:
        return None
    from elaos.budget.models import Award, Bid, Tender

    return (
        Tender.objects.prefetch_related(
            _Prefetch("bids", queryset=Bid.objects.select_related("tenderer").order_by("amount")),
            _Prefetch("awards", queryset=Award.objects.select_related("supplier")),
        )
        .select_related("agency")
        .get(pk=contract.award.tender_id)
    )


def portal_transaction(pk: int) -> _Any:
    from elaos.budget.models import Transaction

    return _get_object_or_404(Transaction.objects.select_related("payee", "agency", "budget_line", "contract"), pk=pk)


def portal_payee(public_id: _Any) -> _Any:
    from elaos.budget.models import Payee

    return _get_object_or_404(Payee, public_id=public_id)


def payee_totals(payee: _Any) -> list[dict[str, _Any]]:
    """What each agency paid the payee, per year, largest first."""
    from elaos.budget.models import PayeeAgencyYearTotal

    return list(
        PayeeAgencyYearTotal.objects.filter(payee=payee)
        .values("fiscal_year_id", "agency__code", "agency__name_lo", "agency__name_en", "amount", "count")
        .order_by("-fiscal_year_id", "-amount")
    )


def payee_contracts(payee: _Any) -> _QuerySet:
    from elaos.budget.models import Contract

    return Contract.objects.active().filter(supplier=payee).select_related("agency").order_by("-signed_on")


def transaction_search(
    *,
    q: str = "",
    agency_ids: list[int] | None = None,
    year: int | None = None,
    min_amount: int | None = None,
    max_amount: int | None = None,
    date_from: _Any = None,
    date_to: _Any = None,
    payee: _Any = None,
    budget_line: _Any = None,
    sort: str = "-date",
) -> _QuerySet:
    """Transactions matching every given filter. ``q`` is cut into words like the search engine cuts Lao (no spaces
    needed); each word must appear in the payee's name (its segmented search text) or in the purpose."""
    from elaos.budget.models import Payee, Transaction
    from elaos.search.lao import query_words

    found = Transaction.objects.all()
    if year:
        found = found.filter(fiscal_year_id=year)
    if agency_ids is not None:
        found = found.filter(agency_id__in=agency_ids)
    if payee is not None:
        found = found.filter(payee=payee)
    if budget_line is not None:
        found = found.filter(budget_line=budget_line)
    if min_amount is not None:
        found = found.filter(amount__gte=min_amount)
    if max_amount is not None:
        found = found.filter(amount__lte=max_amount)
    if date_from:
        found = found.filter(date__gte=date_from)
    if date_to:
        found = found.filter(date__lte=date_to)
    words = [w for w, weight in query_words(q).items() if weight][:8] if q else []
    for word in words:
        # ILIKE on PostgreSQL (icontains would compare UPPER(column), which no index serves): the trigram indexes
        # answer each arm, and the payees' ids (from their own trigram index) make the third arm an index scan.
        payee_ids = list(Payee.objects.filter(_TextContains("search_text", word)).values_list("id", flat=True)[:10_000])
        found = found.filter(
            _Q(_TextContains("purpose_lo", word)) | _Q(_TextContains("purpose_en", word)) | _Q(payee_id__in=payee_ids)
        )
    order = ["-amount", "-id"] if sort == "-amount" else ["-date", "-id"]
    return found.select_related("payee", "agency").order_by(*order)


class _TextContains(_Func):
    """``column ILIKE '%word%'`` on PostgreSQL (served by a pg_trgm GIN index), ``LIKE`` elsewhere (SQLite's LIKE
    ignores ASCII case, like icontains there)."""

    output_field = _BooleanField()
    conditional = True

    def __init__(self, column: str, word: str) -> None:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        super().__init__(_F(column), _Value(pattern))

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def,override]
        column, column_params = compiler.compile(self.source_expressions[0])
        pattern, pattern_params = compiler.compile(self.source_expressions[1])
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{column} {operator} {pattern} ESCAPE '\\'", [*column_params, *pattern_params]


def portal_red_flags(
    *, year: int | None = None, kind: str = "", agency_ids: list[int] | None = None, status: str = ""
) -> _QuerySet:
    """Published flags: the current ones (open or explained) by default; ``status`` "open" or "explained" for one
    of them, "closed" for the flags whose condition no longer holds (closed by detection, archived with the date
    and the reason). Dismissed flags are never published."""
    from elaos.budget.models import RedFlag

    if status == RedFlag.Status.CLOSED:
        flags = RedFlag.objects.filter(status=RedFlag.Status.CLOSED)
    else:
        flags = RedFlag.objects.active().exclude(status__in=[RedFlag.Status.DISMISSED, RedFlag.Status.CLOSED])
        if status in (RedFlag.Status.OPEN, RedFlag.Status.EXPLAINED):
            flags = flags.filter(status=status)
    if year:
        flags = flags.filter(fiscal_year_id=year)
    if kind:
        flags = flags.filter(kind=kind)
    if agency_ids is not None:
        flags = flags.filter(agency_id__in=agency_ids)
    return flags.select_related("agency", "payee", "contract").order_by("-detected_at", "-id")


def portal_red_flag(public_id: _Any) -> _Any:
    from elaos.budget.models import RedFlag

    # A closed flag keeps its page (its URL may have been shared): it says when and why it was closed.
    published = _Q(archived_at__isnull=True) | _Q(status=RedFlag.Status.CLOSED)
    return _get_object_or_404(
        RedFlag.objects.filter(published)
        .exclude(status=RedFlag.Status.DISMISSED)
        .select_related("agency", "payee", "contract", "tender"),
        public_id=public_id,
    )


def flag_linked_records(flag: _Any) -> dict[str, list[_Any]]:
    """The rows a flag names in ``records`` (transactions by id, contracts by contract id, payees by public id,
    tenders by OCID, awards by award id), as model objects so the page links to each one. Rows no longer there
    are left out."""
    import uuid

    from elaos.budget.models import Contract, Payee, Tender, Transaction

    records = flag.records or {}
    tx_ids = [int(i) for i in records.get("transactions", []) if str(i).isdigit()]
    payee_ids = []
    for value in records.get("payees", []):
        try:
            payee_ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    contract_keys = [str(c) for c in records.get("contracts", [])]
    award_keys = [str(a) for a in records.get("awards", [])]
    contracts = Contract.objects.active().filter(_Q(contract_id__in=contract_keys) | _Q(award__award_id__in=award_keys))
    return {
        "transactions": list(Transaction.objects.filter(pk__in=tx_ids).select_related("payee").order_by("date", "id")),
        "contracts": list(contracts.select_related("supplier").distinct()),
        "payees": list(Payee.objects.filter(public_id__in=payee_ids)),
        "tenders": list(Tender.objects.filter(ocid__in=[str(t) for t in records.get("tenders", [])])),
    }


def glass_index_latest() -> tuple[_Any, list[_Any]]:
    """The newest week of the glass index and its ranking (best first)."""
    from elaos.budget.models import GlassIndexSnapshot

    week = GlassIndexSnapshot.objects.order_by("-week").values_list("week", flat=True).first()
    if week is None:
        return None, []
    rows = (
        GlassIndexSnapshot.objects.filter(week=week).select_related("agency").order_by("rank", "-score", "agency__code")
    )
    return week, list(rows)


def glass_index_history(agency: _Any, *, weeks: int = 52) -> list[_Any]:
    from elaos.budget.models import GlassIndexSnapshot

    return list(GlassIndexSnapshot.objects.filter(agency=agency).order_by("-week")[:weeks])


# Alerts: a person's own subscriptions only.


def alert_subscriptions_of(user: _Any) -> _QuerySet:
    from elaos.budget.models import AlertSubscription

    return (
        AlertSubscription.objects.active()
        .filter(user=user, active=True)
        .select_related("agency", "payee")
        .order_by("-created_at")
    )


def alert_subscription_of(user: _Any, public_id: _Any) -> _Any:
    return _get_object_or_404(alert_subscriptions_of(user), public_id=public_id)


# Publishing: which agencies a staff member may publish for, and their publications.


def publishable_agencies(user: _Any) -> list[_Any]:
    """The organisations a staff member may publish for: every organisation whose tree holds an office where they
    have an active role (their own office and each organisation above it)."""
    from elaos.agencies.access import active_assignments
    from elaos.agencies.models import Organisation

    organisations = {o.pk: o for o in Organisation.objects.active()}
    allowed: dict[int, _Any] = {}
    for org_id in active_assignments(user).values_list("organisation_id", flat=True):
        seen: set[int] = set()
        while org_id in organisations and org_id not in seen:
            seen.add(org_id)
            allowed[org_id] = organisations[org_id]
            org_id = organisations[org_id].parent_id
    return sorted(allowed.values(), key=lambda o: o.code)


def publishable_agency(user: _Any, code: str) -> _Any:
    """An organisation the user may publish for, or 404 (also for organisations that exist)."""
    for agency in publishable_agencies(user):
        if agency.code == code:
            return agency
    raise _Http404


def agency_publications(agency: _Any) -> _QuerySet:
    from elaos.budget.models import ImportBatch

    return (
        ImportBatch.objects.active()
        .filter(agency=agency)
        .select_related("information_type", "created_by", "published_by")
        .order_by("-created_at", "-id")
    )


def agency_deadlines(agency: _Any, *, today: _Any = None, upcoming: int = 10) -> dict[str, list[_Any]]:
    """The agency's overdue periods (unpublished, due date passed) and the next ones due."""
    from django.utils import timezone

    from elaos.budget.models import PublicationDeadline

    today = today or timezone.localdate()
    deadlines = PublicationDeadline.objects.filter(agency=agency).select_related("information_type")
    return {
        "overdue": list(deadlines.filter(fulfilled_on__isnull=True, due_on__lt=today).order_by("due_on")),
        "upcoming": list(deadlines.filter(fulfilled_on__isnull=True, due_on__gte=today).order_by("due_on")[:upcoming]),
        "recent": list(deadlines.filter(fulfilled_on__isnull=False).order_by("-fulfilled_on")[:upcoming]),
    }


def publication_for(user: _Any, public_id: _Any) -> _Any:
    """A publication (batch) of an agency the user may publish for, or 404."""
    from elaos.budget.models import ImportBatch

    allowed = [a.pk for a in publishable_agencies(user)]
    return _get_object_or_404(
        ImportBatch.objects.active().select_related("agency", "information_type", "created_by"),
        public_id=public_id,
        agency_id__in=allowed,
    )
