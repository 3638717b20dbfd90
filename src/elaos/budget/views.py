"""The public Glass Accounts portal: the national overview (by function, ministry and province, per capita, in real
terms, one year against another), agency and province pages, transaction search, and the drill-through budget line →
contracts → payments, each record at a stable URL; red flags and the glass index. Every chart is drawn on the server
with its numbers in a table, and every table downloads exactly its filtered rows (elaos.budget.downloads).

Views parse the query string, call selectors and shape rows for the templates and the downloads; no rule lives here.
Public pages are cached for anonymous visitors; a download is never served from that cache."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from elaos.budget import selectors
from elaos.budget.charts import Cell, Column, Series, Table, bar_chart
from elaos.budget.downloads import DOWNLOAD_PARAM, DataTable, table_download
from elaos.budget.forms import TransactionSearchForm, YearForm
from elaos.budget.models import ConsumerPriceIndex, FundingSource, RedFlag
from elaos.core.cache import public_page
from elaos.core.lao import format_kip, format_number, localized
from elaos.core.models import Province

PAGE_SIZE = 25
# Downloads stream; this only guards against a runaway (ten million rows is the whole national dataset).
DOWNLOAD_MAX_ROWS = 20_000_000
DOWNLOAD_FORMATS = [("csv", "CSV"), ("json", "JSON"), ("xlsx", "XLSX")]
MONTHS = range(1, 13)


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public GET page: cached for anonymous visitors, except its downloads (they carry their own file name)."""
    cached = public_page()(require_GET(view))
    plain = require_GET(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if DOWNLOAD_PARAM in request.GET:
            return plain(request, *args, **kwargs)
        return cached(request, *args, **kwargs)

    return wrapper


def respond(
    request: HttpRequest, template: str, context: dict[str, Any], tables: Iterable[DataTable] = ()
) -> HttpResponse:
    """The download the query string asks for, or the page."""
    return table_download(request, tables) or render(
        request, template, {**context, "download_formats": DOWNLOAD_FORMATS}
    )


# Years and prices ------------------------------------------------------------------------------------------------


@dataclass
class Prices:
    """Nominal kip, or kip of the newest year with a consumer price index (real terms)."""

    real: bool
    base_year: int | None
    factors: dict[int, Decimal]

    def of(self, amount: int | None, year: int) -> int | None:
        if amount is None or not self.real:
            return amount
        return int((Decimal(amount) * self.factors[year]).to_integral_value())

    @property
    def label(self) -> str:
        return f"real-{self.base_year}" if self.real else "nominal"


def year_context(request: HttpRequest, *, compare: bool = True) -> dict[str, Any]:
    years = selectors.portal_years()
    form = YearForm(request.GET, years=years)
    if not compare:
        del form.fields["compare"], form.fields["prices"]
    year, compare_year, prices_choice = form.values(years[0] if years else None)
    if not compare:
        compare_year, prices_choice = None, "nominal"
    shown = [y for y in (year, compare_year) if y]
    real_unavailable = False
    prices = Prices(real=False, base_year=None, factors={})
    if prices_choice == "real":
        base = ConsumerPriceIndex.objects.order_by("-year").values_list("year", flat=True).first()
        factors = selectors.price_factors(base) if base else {}
        if base and all(y in factors for y in shown):
            prices = Prices(real=True, base_year=base, factors=factors)
        else:
            real_unavailable = True
    return {
        "year_form": form,
        "years": years,
        "year": year,
        "compare_year": compare_year,
        "prices": prices,
        "real_unavailable": real_unavailable,
        "shown_years": shown,
    }


def kip(amount: int | None) -> str:
    return "–" if amount is None else format_kip(amount)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{format_number(value)}%"


# Grouped budget tables (by function, ministry, province) ----------------------------------------------------------


def phase_rows(
    groups: dict[int, list[selectors.PhaseTotals]], prices: Prices, *, per_capita: bool = False
) -> list[dict[str, Any]]:
    """One row per group and year, in the prices asked for: what the table shows and what the downloads hold."""
    rows = []
    for year, totals in groups.items():
        for t in totals:
            row = {
                "fiscal_year": year,
                "code": t.key,
                "name_lo": t.name_lo,
                "name_en": t.name_en,
                "approved_kip": prices.of(t.approved, year),
                "budget_kip": prices.of(t.current, year),
                "executed_kip": prices.of(t.executed, year),
                "execution_rate_percent": t.execution_rate,
                "prices": prices.label,
                "href_code": t.href_code,
            }
            if per_capita:
                row["population"] = t.population
                row["budget_per_capita_kip"] = prices.of(t.current_per_capita, year)
                row["executed_per_capita_kip"] = prices.of(t.executed_per_capita, year)
            rows.append(row)
    return rows


PHASE_COLUMNS = [
    "fiscal_year",
    "code",
    "name_lo",
    "name_en",
    "approved_kip",
    "budget_kip",
    "executed_kip",
    "execution_rate_percent",
    "prices",
]
PER_CAPITA_COLUMNS = ["population", "budget_per_capita_kip", "executed_per_capita_kip"]


def phase_chart(
    rows: list[dict[str, Any]], years: list[int], *, caption: str, link: Callable[[str], str] | None, per_capita: bool
) -> dict[str, Any] | None:
    """Bars of budget and execution per group (and per year when two are compared), with the full table."""
    series = []
    for y in years:
        series += [
            Series(_("Budget %(year)s") % {"year": y}, "chart-income" if y == years[0] else "chart-compare-budget"),
            Series(
                _("Executed %(year)s") % {"year": y}, "chart-spending" if y == years[0] else "chart-compare-executed"
            ),
        ]
    by_key: dict[str, dict[int, dict[str, Any]]] = {}
    names: dict[str, str] = {}
    for row in rows:
        by_key.setdefault(row["code"], {})[row["fiscal_year"]] = row
        names.setdefault(row["code"], localized(_Named(row), "name"))
    chart_rows, table_rows = [], []
    for code, per_year in by_key.items():
        values: list[int | None] = []
        for y in years:
            r = per_year.get(y)
            values += [r["budget_kip"] if r else None, r["executed_kip"] if r else None]
        chart_rows.append((names[code], values))
        for y in years:
            r = per_year.get(y)
            if r is None:
                continue
            cells = [Cell(names[code], href=link(r["href_code"]) if link and r["href_code"] else "")]
            if len(years) > 1:
                cells.append(Cell(str(y)))
            cells += [
                Cell(kip(r["approved_kip"]), number=True),
                Cell(kip(r["budget_kip"]), number=True),
                Cell(kip(r["executed_kip"]), number=True),
                Cell(percent(r["execution_rate_percent"]), number=True),
            ]
            if per_capita:
                cells += [
                    Cell(format_number(r["population"]) if r["population"] else "–", number=True),
                    Cell(kip(r["budget_per_capita_kip"]), number=True),
                    Cell(kip(r["executed_per_capita_kip"]), number=True),
                ]
            table_rows.append(cells)
    columns = [Column(caption)]
    if len(years) > 1:
        columns.append(Column(_("Year")))
    columns += [
        Column(_("Approved"), number=True),
        Column(_("Budget in force"), number=True),
        Column(_("Executed"), number=True),
        Column(_("Executed share"), number=True),
    ]
    if per_capita:
        columns += [
            Column(_("Population"), number=True),
            Column(_("Budget per person"), number=True),
            Column(_("Executed per person"), number=True),
        ]
    return bar_chart(chart_rows, series, table=Table(caption=caption, columns=columns, rows=table_rows))


class _Named:
    """Gives a row's name_lo / name_en to elaos.core.lao.localized."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.name_lo, self.name_en = row.get("name_lo", ""), row.get("name_en", "")


def agency_url(code: str) -> str:
    return reverse("budget:agency", args=[code])


def province_url(code: str) -> str:
    return reverse("budget:province", args=[code])


@portal_page
def overview(request: HttpRequest) -> HttpResponse:
    ctx = year_context(request)
    year, prices, years = ctx["year"], ctx["prices"], ctx["shown_years"]
    if year is None:
        return render(request, "budget/overview.html", ctx)
    functions = phase_rows({y: selectors.function_totals(y) for y in years}, prices)
    ministries = phase_rows({y: selectors.ministry_totals(y) for y in years}, prices)
    provinces = phase_rows({y: selectors.province_totals(y) for y in years}, prices, per_capita=True)
    national = phase_rows({y: [selectors.national_totals(y)] for y in years}, prices)
    suffix = "-".join(str(y) for y in years) + ("-real" if prices.real else "")
    tables = [
        DataTable("national", f"budget-total-{suffix}", PHASE_COLUMNS, national),
        DataTable("functions", f"budget-by-function-{suffix}", PHASE_COLUMNS, functions),
        DataTable("ministries", f"budget-by-ministry-{suffix}", PHASE_COLUMNS, ministries),
        DataTable("provinces", f"budget-by-province-{suffix}", PHASE_COLUMNS + PER_CAPITA_COLUMNS, provinces),
    ]
    ctx.update(
        {
            "national": national,
            "function_chart": phase_chart(functions, years, caption=_("Function (COFOG)"), link=None, per_capita=False),
            "ministry_chart": phase_chart(ministries, years, caption=_("Ministry"), link=agency_url, per_capita=False),
            "province_chart": phase_chart(provinces, years, caption=_("Province"), link=province_url, per_capita=True),
            "national_rows": [{**row, "rate": percent(row["execution_rate_percent"])} for row in national],
        }
    )
    return respond(request, "budget/overview.html", ctx, tables)


# Budget lines, contracts and payments as rows -------------------------------------------------------------------

LINE_COLUMNS = [
    "fiscal_year",
    "budget_code",
    "name_lo",
    "name_en",
    "agency_code",
    "function_code",
    "economic_code",
    "province_code",
    "funding_source",
    "approved_kip",
    "budget_kip",
    "executed_kip",
    "url",
]


def line_row(line: Any) -> dict[str, Any]:
    return {
        "fiscal_year": line.fiscal_year_id,
        "budget_code": line.code,
        "name_lo": line.name_lo,
        "name_en": line.name_en,
        "agency_code": line.agency.code,
        "function_code": line.function.code,
        "economic_code": line.economic.code,
        "province_code": line.province.code if line.province_id else "",
        "funding_source": line.funding_source,
        "approved_kip": line.approved,
        "budget_kip": line.current,
        "executed_kip": line.executed,
        "url": reverse("budget:line", args=[line.public_id]),
    }


TRANSACTION_COLUMNS = [
    "id",
    "date",
    "fiscal_year",
    "agency_code",
    "reference",
    "payee_name_lo",
    "payee_name_en",
    "payee_registration_number",
    "purpose_lo",
    "purpose_en",
    "amount_kip",
    "budget_line_id",
    "contract_id",
    "url",
]


def transaction_rows(transactions: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for t in transactions:
        yield {
            "id": t.pk,
            "date": t.date,
            "fiscal_year": t.fiscal_year_id,
            "agency_code": t.agency.code,
            "reference": t.reference,
            "payee_name_lo": t.payee.name_lo,
            "payee_name_en": t.payee.name_en,
            "payee_registration_number": t.payee.registration_number or "",
            "purpose_lo": t.purpose_lo,
            "purpose_en": t.purpose_en,
            "amount_kip": t.amount,
            "budget_line_id": t.budget_line_id or "",
            "contract_id": t.contract.contract_id if t.contract_id else "",
            "url": reverse("budget:payment", args=[t.pk]),
        }


def transaction_table(key: str, filename: str, transactions: Any) -> DataTable:
    return DataTable(
        key,
        filename,
        TRANSACTION_COLUMNS,
        lambda: transaction_rows(transactions.select_related("payee", "agency", "contract").iterator(chunk_size=2000)),
        count=transactions.count,
    )


CONTRACT_COLUMNS = [
    "contract_id",
    "title_lo",
    "title_en",
    "agency_code",
    "supplier_name_lo",
    "supplier_name_en",
    "signed_on",
    "value_kip",
    "paid_kip",
    "payments",
    "status",
    "url",
]


def contract_rows(contracts: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "contract_id": c.contract_id,
            "title_lo": c.title_lo,
            "title_en": c.title_en,
            "agency_code": c.agency.code,
            "supplier_name_lo": c.supplier.name_lo,
            "supplier_name_en": c.supplier.name_en,
            "signed_on": c.signed_on,
            "value_kip": c.value,
            "paid_kip": getattr(c, "paid", None),
            "payments": getattr(c, "payments_count", None),
            "status": c.status,
            "url": reverse("budget:contract", args=[c.contract_id]),
        }
        for c in contracts
    ]


def month_chart(amounts: list[int], *, caption: str, value_label: str) -> dict[str, Any] | None:
    names = month_names()
    table = Table(
        caption=caption,
        columns=[Column(_("Month")), Column(value_label, number=True)],
        rows=[[Cell(names[m - 1]), Cell(kip(amounts[m - 1]), number=True)] for m in MONTHS],
    )
    if not any(amounts):
        return {"bars": [], "table": table, "empty": True}
    return bar_chart(
        [(names[m - 1], [amounts[m - 1]]) for m in MONTHS], [Series(value_label, "chart-spending")], table=table
    )


def month_names() -> list[str]:
    from babel.dates import get_month_names
    from django.utils.translation import get_language

    language = (get_language() or "lo").split("-")[0]
    names = get_month_names("wide", locale=language if language in {"lo", "en"} else "lo")
    return [names[m] for m in MONTHS]


def paginate(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# Agency and province pages --------------------------------------------------------------------------------------


@portal_page
def agency(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.portal_agency(code)
    ctx = year_context(request, compare=False)
    year = ctx["year"]
    ctx.update({"agency": organisation, "children": organisation.children.filter(archived_at__isnull=True)})
    if year is None:
        return render(request, "budget/agency.html", ctx)
    ids = selectors.agency_subtree(organisation.pk)
    totals = selectors.agency_totals(ids, year)
    months = selectors.agency_month_totals(ids, year)
    payees = selectors.agency_top_payees_fast(ids, year)
    lines = selectors.portal_budget_lines(year=year, agency_ids=ids)
    contracts = selectors.line_contracts_of_agencies(ids, year)
    month_rows = [
        {"fiscal_year": year, "month": m["month"], "amount_kip": m["amount"], "count": m["count"]} for m in months
    ]
    payee_rows = [
        {
            "fiscal_year": year,
            "payee_name_lo": p["name_lo"],
            "payee_name_en": p["name_en"],
            "amount_kip": p["amount"],
            "payments": p["count"],
            "url": reverse("budget:payee", args=[p["public_id"]]),
        }
        for p in payees
    ]
    stem = f"{organisation.code}-{year}"
    tables = [
        DataTable("months", f"{stem}-payments-by-month", ["fiscal_year", "month", "amount_kip", "count"], month_rows),
        DataTable(
            "payees",
            f"{stem}-top-payees",
            [
                "fiscal_year",
                "payee_name_lo",
                "payee_name_en",
                "amount_kip",
                "payments",
                "url",
            ],
            payee_rows,
        ),
        DataTable("lines", f"{stem}-budget-lines", LINE_COLUMNS, lambda: (line_row(li) for li in lines)),
        DataTable("contracts", f"{stem}-contracts", CONTRACT_COLUMNS, lambda: contract_rows(contracts)),
    ]
    lines_page = paginate(request, lines)
    ctx.update(
        {
            "totals": totals,
            "rate": percent(totals.execution_rate),
            "month_chart": month_chart(
                [m["amount"] for m in months],
                caption=_("Payments above the threshold by month, %(year)s") % {"year": year},
                value_label=_("Paid"),
            ),
            "payee_rows": payee_rows,
            "lines_page": lines_page,
            "contracts": contracts[:20],
            "contracts_count": contracts.count(),
            "flags_count": selectors.portal_red_flags(year=year, agency_ids=ids).count(),
            "index_row": selectors.glass_index_history(organisation, weeks=1),
        }
    )
    return respond(request, "budget/agency.html", ctx, tables)


@portal_page
def province(request: HttpRequest, code: str) -> HttpResponse:
    place = Province.objects.filter(code=code).first()
    if place is None:
        raise Http404
    ctx = year_context(request, compare=False)
    year = ctx["year"]
    ctx["province"] = place
    if year is None:
        return render(request, "budget/province.html", ctx)
    totals = next((t for t in selectors.province_totals(year) if t.key == place.code), None)
    lines = selectors.portal_budget_lines(year=year, province_id=place.pk)
    by_function: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    by_agency: dict[str, list[Any]] = {}
    for line in lines:
        top = line.function.parent if line.function.parent_id else line.function
        acc = by_function.setdefault(top.code, [0, 0])
        acc[0] += line.current
        acc[1] += line.executed
        names[top.code] = f"{top.code} {localized(top, 'name')}"
        entry = by_agency.setdefault(line.agency.code, [line.agency, 0, 0])
        entry[1] += line.current
        entry[2] += line.executed
    function_rows = [
        {"fiscal_year": year, "function_code": code_, "budget_kip": v[0], "executed_kip": v[1]}
        for code_, v in sorted(by_function.items())
    ]
    agency_rows = [
        {
            "fiscal_year": year,
            "agency_code": a.code,
            "name_lo": a.name_lo,
            "name_en": a.name_en,
            "budget_kip": b,
            "executed_kip": e,
        }
        for a, b, e in sorted(by_agency.values(), key=lambda v: -v[1])
    ]
    series = [
        Series(_("Budget %(year)s") % {"year": year}, "chart-income"),
        Series(_("Executed %(year)s") % {"year": year}, "chart-spending"),
    ]
    function_table = Table(
        caption=_("Function (COFOG)"),
        columns=[
            Column(_("Function (COFOG)")),
            Column(_("Budget in force"), number=True),
            Column(_("Executed"), number=True),
        ],
        rows=[
            [
                Cell(names[r["function_code"]]),
                Cell(kip(r["budget_kip"]), number=True),
                Cell(kip(r["executed_kip"]), number=True),
            ]
            for r in function_rows
        ],
    )
    stem = f"province-{place.code}-{year}"
    tables = [
        DataTable(
            "functions",
            f"{stem}-by-function",
            ["fiscal_year", "function_code", "budget_kip", "executed_kip"],
            function_rows,
        ),
        DataTable(
            "agencies",
            f"{stem}-by-agency",
            ["fiscal_year", "agency_code", "name_lo", "name_en", "budget_kip", "executed_kip"],
            agency_rows,
        ),
        DataTable("lines", f"{stem}-budget-lines", LINE_COLUMNS, lambda: (line_row(li) for li in lines)),
    ]
    ctx.update(
        {
            "totals": totals,
            "rate": percent(totals.execution_rate) if totals else "–",
            "function_chart": bar_chart(
                [(names[r["function_code"]], [r["budget_kip"], r["executed_kip"]]) for r in function_rows],
                series,
                table=function_table,
            ),
            "agency_rows": agency_rows,
            "lines_page": paginate(request, lines),
        }
    )
    return respond(request, "budget/province.html", ctx, tables)


# Drill-through: budget line → contracts → payments ---------------------------------------------------------------


@portal_page
def line(request: HttpRequest, public_id: Any) -> HttpResponse:
    budget_line = selectors.portal_budget_line(public_id)
    monthly = selectors.line_monthly_execution(budget_line)
    contracts = selectors.line_contracts(budget_line)
    shown = list(contracts[: selectors.LINE_CONTRACTS_SHOWN + 1])
    payments = selectors.transaction_search(budget_line=budget_line)
    # One keyset page of the line's payments (a line can have hundreds of thousands of them: no OFFSET, no COUNT).
    cursor_error = ""
    try:
        payments_page = selectors.transactions_page(
            selectors.TransactionFilter(budget_line_id=budget_line.pk),
            sort="-amount",  # largest first: served by the index tx_budget_line_amount
            cursor=request.GET.get("after") or None,
            before=request.GET.get("before") or None,
            limit=PAGE_SIZE,
        )
    except selectors.InvalidCursor:
        payments_page = selectors.TransactionPage()
        cursor_error = _("This page link is not valid (it was cut or changed). Start again from the first page.")
    stem = f"budget-line-{budget_line.fiscal_year_id}-{budget_line.code}"
    tables = [
        DataTable(
            "months",
            f"{stem}-execution",
            ["fiscal_year", "budget_code", "month", "executed_kip"],
            [
                {
                    "fiscal_year": budget_line.fiscal_year_id,
                    "budget_code": budget_line.code,
                    "month": m,
                    "executed_kip": monthly[m - 1],
                }
                for m in MONTHS
            ],
        ),
        DataTable("contracts", f"{stem}-contracts", CONTRACT_COLUMNS, lambda: contract_rows(contracts)),
        transaction_table("payments", f"{stem}-payments", payments),
    ]
    response = respond(
        request,
        "budget/line.html",
        {
            "line": budget_line,
            "funding_label": FundingSource(budget_line.funding_source).label,
            "rate": percent(
                round(100 * budget_line.executed / budget_line.current, 1) if budget_line.current else None
            ),
            "month_chart": month_chart(
                monthly,
                caption=_("Execution by month, %(year)s") % {"year": budget_line.fiscal_year_id},
                value_label=_("Executed"),
            ),
            "contracts": shown[: selectors.LINE_CONTRACTS_SHOWN],
            "contracts_more": len(shown) > selectors.LINE_CONTRACTS_SHOWN,
            "contracts_shown": selectors.LINE_CONTRACTS_SHOWN,
            "payments_page": payments_page,
            "first_payments_page": bool(request.GET.get("after") or request.GET.get("before")),
            "cursor_error": cursor_error,
        },
        tables,
    )
    if cursor_error:
        response.status_code = 400
    return response


@portal_page
def contract(request: HttpRequest, contract_id: str) -> HttpResponse:
    found = selectors.portal_contract(contract_id)
    tender = selectors.contract_tender(found)
    payments = selectors.contract_payments(found)
    amendments = list(found.amendments.order_by("date", "id"))
    paid = sum(p.amount for p in payments)
    stem = f"contract-{found.contract_id}"
    tables = [
        transaction_table("payments", f"{stem}-payments", payments),
        DataTable(
            "amendments",
            f"{stem}-amendments",
            ["amendment_id", "date", "previous_value_kip", "new_value_kip", "rationale_lo", "rationale_en"],
            [
                {
                    "amendment_id": a.amendment_id,
                    "date": a.date,
                    "previous_value_kip": a.previous_value,
                    "new_value_kip": a.new_value,
                    "rationale_lo": a.rationale_lo,
                    "rationale_en": a.rationale_en,
                }
                for a in amendments
            ],
        ),
    ]
    if tender is not None:
        tables.append(
            DataTable(
                "bids",
                f"{stem}-bids",
                ["tenderer_name_lo", "tenderer_name_en", "amount_kip", "submitted_on", "status"],
                [
                    {
                        "tenderer_name_lo": b.tenderer.name_lo,
                        "tenderer_name_en": b.tenderer.name_en,
                        "amount_kip": b.amount,
                        "submitted_on": b.submitted_on,
                        "status": b.status,
                    }
                    for b in tender.bids.all()
                ],
            )
        )
    current_value = found.current_value
    return respond(
        request,
        "budget/contract.html",
        {
            "contract": found,
            "tender": tender,
            "amendments": amendments,
            "payments": payments,
            "paid": paid,
            "current_value": current_value,
            "paid_share": percent(round(100 * paid / current_value, 1) if current_value else None),
            "flags": selectors.portal_red_flags().filter(contract=found),
        },
        tables,
    )


@portal_page
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = selectors.portal_transaction(pk)
    return render(request, "budget/payment.html", {"payment": transaction})


@portal_page
def payee(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = selectors.portal_payee(public_id)
    totals = selectors.payee_totals(found)
    contracts = selectors.payee_contracts(found)
    rows = [
        {
            "fiscal_year": t["fiscal_year_id"],
            "agency_code": t["agency__code"],
            "agency_name_lo": t["agency__name_lo"],
            "agency_name_en": t["agency__name_en"],
            "amount_kip": t["amount"],
            "payments": t["count"],
        }
        for t in totals
    ]
    stem = f"payee-{found.public_id}"
    tables = [
        DataTable(
            "totals",
            f"{stem}-by-agency-year",
            list(rows[0])
            if rows
            else ["fiscal_year", "agency_code", "agency_name_lo", "agency_name_en", "amount_kip", "payments"],
            rows,
        ),
        DataTable("contracts", f"{stem}-contracts", CONTRACT_COLUMNS, lambda: contract_rows(contracts)),
    ]
    return respond(
        request,
        "budget/payee.html",
        {
            "payee": found,
            "totals": rows,
            "total_paid": sum(r["amount_kip"] for r in rows),
            "contracts": contracts,
            "flags": selectors.portal_red_flags().filter(payee=found),
        },
        tables,
    )


# Transaction search -----------------------------------------------------------------------------------------------


def rows_with_contract_ids(transactions: Iterable[Any], *, chunk: int = 2000) -> Iterator[Any]:
    """Transactions with ``contract`` loaded, a chunk at a time (one query per chunk, not one per row)."""
    from itertools import islice

    from elaos.budget.models import Contract

    source = iter(transactions)
    while batch := list(islice(source, chunk)):
        ids = {t.contract_id for t in batch if t.contract_id}
        contracts = Contract.objects.in_bulk(ids) if ids else {}
        for t in batch:
            if t.contract_id:
                t.contract = contracts.get(t.contract_id)
            yield t


@portal_page
def transactions(request: HttpRequest) -> HttpResponse:
    """Transaction search over the data services' keyset pages (no OFFSET, no COUNT: fast at ten million rows);
    the download streams every matching row through the same filter."""
    form = TransactionSearchForm(request.GET)
    filters = form.filters()
    scope = selectors.TransactionFilter(
        q=filters.get("q", ""),
        years=[filters["year"]] if filters.get("year") else None,
        min_amount=filters.get("min_amount"),
        max_amount=filters.get("max_amount"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    agency_code = filters.get("agency")
    if agency_code:
        scope.agency_ids = selectors.agency_subtree(selectors.portal_agency(agency_code).pk)
    payee_filter = selectors.portal_payee(filters["payee"]) if filters.get("payee") else None
    line_filter = selectors.portal_budget_line(filters["line"]) if filters.get("line") else None
    scope.payee_id = payee_filter.pk if payee_filter else None
    scope.budget_line_id = line_filter.pk if line_filter else None
    sort = filters.get("sort") or "-date"
    parts = [str(filters.get("year") or "all-years"), agency_code or "all-agencies"]
    table = DataTable(
        "transactions",
        "transactions-" + "-".join(parts),
        TRANSACTION_COLUMNS,
        lambda: transaction_rows(
            rows_with_contract_ids(selectors.transactions_iter(scope, sort=sort, max_rows=DOWNLOAD_MAX_ROWS))
        ),
    )
    if wanted := table_download(request, [table]):
        return wanted
    # ``after`` (``cursor`` in links made before it was renamed) and ``before``: keyset cursors, stable URLs.
    cursor = request.GET.get("after") or request.GET.get("cursor") or None
    before = request.GET.get("before") or None
    status, cursor_error = 200, ""
    try:
        page = selectors.transactions_page(scope, sort=sort, cursor=cursor, before=before, limit=PAGE_SIZE)
    except selectors.InvalidCursor:
        page, status = selectors.TransactionPage(), 400
        cursor_error = _("This page link is not valid (it was cut or changed). Start again from the first page.")
    return render(
        request,
        "budget/transactions.html",
        {
            "form": form,
            "rows": page.rows,
            "next_cursor": page.next_cursor,
            "prev_cursor": page.prev_cursor,
            "cursor_error": cursor_error,
            "download_formats": DOWNLOAD_FORMATS,
            "first_page": bool(cursor or before),
            "filtered": bool(filters),
            "payee_filter": payee_filter,
            "line_filter": line_filter,
        },
        status=status,
    )


# Red flags and the glass index -----------------------------------------------------------------------------------


FLAG_COLUMNS = [
    "id",
    "kind",
    "severity",
    "status",
    "fiscal_year",
    "agency_code",
    "title_lo",
    "title_en",
    "amount_kip",
    "detected_at",
    "url",
]


# The status filter of the public list; none = the current flags (open or explained).
FLAG_STATUSES = [RedFlag.Status.OPEN, RedFlag.Status.EXPLAINED, RedFlag.Status.CLOSED]


@portal_page
def flags(request: HttpRequest) -> HttpResponse:
    years = selectors.portal_years()
    year_value = request.GET.get("year", "")
    year = int(year_value) if year_value.isdigit() and int(year_value) in years else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in RedFlag.Kind.values else ""
    status = request.GET.get("status", "")
    status = status if status in FLAG_STATUSES else ""
    agency_code = request.GET.get("agency", "")
    agency_ids = None
    if agency_code:
        agency_ids = selectors.agency_subtree(selectors.portal_agency(agency_code).pk)
    found = selectors.portal_red_flags(year=year, kind=kind, agency_ids=agency_ids, status=status)
    rows = lambda: [  # noqa: E731
        {
            "id": str(f.public_id),
            "kind": f.kind,
            "severity": f.severity,
            "status": f.status,
            "fiscal_year": f.fiscal_year_id,
            "agency_code": f.agency.code,
            "title_lo": f.title_lo,
            "title_en": f.title_en,
            "amount_kip": f.amount,
            "detected_at": f.detected_at,
            "url": reverse("budget:flag", args=[f.public_id]),
        }
        for f in found
    ]
    return respond(
        request,
        "budget/flags.html",
        {
            "page": paginate(request, found),
            "years": years,
            "year": year,
            "kinds": RedFlag.Kind.choices,
            "kind": kind,
            "statuses": [(s, RedFlag.Status(s).label) for s in FLAG_STATUSES],
            "status": status,
            "agency_code": agency_code,
            "filtered": bool(year or kind or agency_code or status),
        },
        [DataTable("flags", "red-flags", FLAG_COLUMNS, rows)],
    )


@portal_page
def flag(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = selectors.portal_red_flag(public_id)
    return render(
        request,
        "budget/flag.html",
        {"flag": found, "linked": selectors.flag_linked_records(found), "kind_label": RedFlag.Kind(found.kind).label},
    )


INDEX_COLUMNS = [
    "week",
    "rank",
    "agency_code",
    "agency_name_lo",
    "agency_name_en",
    "score",
    "timeliness",
    "completeness",
]


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


def index_rows(snapshots: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "week": s.week,
            "rank": s.rank,
            "agency_code": s.agency.code,
            "agency_name_lo": s.agency.name_lo,
            "agency_name_en": s.agency.name_en,
            "score": _decimal(s.score),
            "timeliness": _decimal(s.timeliness),
            "completeness": _decimal(s.completeness),
        }
        for s in snapshots
    ]


@portal_page
def glass_index(request: HttpRequest) -> HttpResponse:
    week, ranking = selectors.glass_index_latest()
    rows = index_rows(ranking)
    return respond(
        request,
        "budget/glass_index.html",
        {"week": week, "ranking": ranking},
        [DataTable("index", f"glass-index-{week}" if week else "glass-index", INDEX_COLUMNS, rows)],
    )


def explained_components(snapshot: Any) -> list[dict[str, Any]]:
    """The components of a score with their information type's name, for the explanation table."""
    from elaos.budget.models import InformationType

    names = {t.code: localized(t, "name") for t in InformationType.objects.all()}
    result = []
    for part in snapshot.components or []:
        code = part.get("information_type", "")
        result.append({**part, "name": names.get(code, code)})
    return result


@portal_page
def glass_index_agency(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.portal_agency(code)
    history = selectors.glass_index_history(organisation)
    latest = history[0] if history else None
    chart = None
    if history:
        weeks = list(reversed(history))
        chart = bar_chart(
            [(str(s.week), [int(s.score)]) for s in weeks],
            [Series(_("Score"), "chart-income")],
            fmt=lambda v: format_number(v),
        )
    return respond(
        request,
        "budget/glass_index_agency.html",
        {
            "agency": organisation,
            "history": history,
            "latest": latest,
            "components": explained_components(latest) if latest else [],
            "chart": chart,
        },
        [DataTable("history", f"glass-index-{organisation.code}", INDEX_COLUMNS, lambda: index_rows(history))],
    )
