"""The Glass Accounts JSON API and open data: everything here is public and read-only, except the publishing
endpoint (POST /publications, the agencies' staff, the same validation and publishing as an uploaded file).

Lists use keyset pagination (``cursor`` + ``limit``, no total count), so page 1000 of ten million transactions
costs what page 1 costs: each order is served by an index of the Transaction table. Bad filters answer 422 with a
stable ``code``. Open data: OCDS 1.1.5 release and record packages, a Fiscal Data Package with its CSVs, and the
nightly bulk dumps.
"""

import base64
import binascii
import datetime
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Query, Router, Status
from ninja.security import django_auth

from elaos.agencies.access import subtree_ids
from elaos.agencies.models import Organisation
from elaos.budget import fdp, ocds, selectors
from elaos.budget.models import (
    BudgetLine,
    BulkDump,
    Contract,
    EconomicClass,
    FunctionClass,
    GlassIndexSnapshot,
    Payee,
    RedFlag,
    Transaction,
)
from elaos.budget.schemas import (
    BudgetLineListIn,
    BudgetLineOut,
    BudgetLinePageOut,
    CodeNameOut,
    ContractListIn,
    ContractOut,
    ContractPageOut,
    DumpOut,
    ErrorOut,
    FlagListIn,
    FlagOut,
    FlagPageOut,
    GlassIndexHistoryOut,
    GlassIndexIn,
    GlassIndexOut,
    GlassIndexRowOut,
    OcdsIn,
    OpenDataIn,
    PayeeRefOut,
    PublicationIn,
    PublicationOut,
    RowErrorOut,
    TransactionListIn,
    TransactionOut,
    TransactionPageOut,
)

router = Router(tags=["Glass Accounts"])

ERRORS = {404: ErrorOut, 422: ErrorOut}


def _documented(media_type: str, example: Any, schema: dict | None = None) -> dict[str, Any]:
    """The success answer of an operation that returns a file or a free-form document, for OpenAPI."""
    content = {media_type: {"schema": schema or {"type": "string"}, "example": example}}
    return {"responses": {200: {"description": "OK", "content": content}}}


OCDS_PACKAGE_EXAMPLE = {
    "uri": "https://e.gov.la/api/v1/budget/ocds/release-package.json",
    "version": "1.1",
    "publishedDate": "2025-06-30T00:00:00+07:00",
    "publisher": {"name": "Ministry of Finance, Lao PDR"},
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "releases": [{"ocid": "ocds-elaos1-T00012", "id": "ocds-elaos1-T00012-tender", "tag": ["tender"]}],
}
CSV_EXAMPLE = "id,fiscal_year,agency,amount\r\n123456,2025,moh,45000000\r\n"


class Problem(Exception):
    """A request we answer with a stable code (422 unless told)."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def problems(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except Problem as problem:
            return JsonResponse({"code": problem.code, "message": problem.message}, status=problem.status)

    return wrapper


# --- filters and cursors ----------------------------------------------------------------------------------------------


def _agency_ids(code: str) -> list[int] | None:
    """The agency and its offices, or None when no agency is asked for."""
    if not code:
        return None
    agency = Organisation.objects.filter(code=code).only("id").first()
    if agency is None:
        raise Problem("unknown_agency", _("Unknown agency."))
    return sorted(subtree_ids(agency.id))


def _encode_cursor(*values: object) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime.date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, types: tuple[type, ...]) -> list[Any] | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        out = []
        for value, kind in zip(values, types, strict=True):
            if kind is datetime.date:
                out.append(datetime.date.fromisoformat(value))
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError
                out.append(value)
            else:
                out.append(kind(value))
        return out
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Problem("bad_cursor", _("This page cursor is not valid; start again from the first page.")) from None


def _page(
    request: HttpRequest, rows: QuerySet, limit: int, key: Callable[[Any], tuple]
) -> tuple[list[Any], str | None, str | None]:
    """One page plus the cursor of the next (one row more is read to know whether there is a next page)."""
    items = list(rows[: limit + 1])
    if len(items) <= limit:
        return items, None, None
    items = items[:limit]
    cursor = _encode_cursor(*key(items[-1]))
    params = {k: v for k, v in request.GET.items() if k != "cursor"}
    params["cursor"] = cursor
    return items, cursor, request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def _code_name(obj: Any) -> CodeNameOut:
    return CodeNameOut(code=obj.code, name_lo=obj.name_lo, name_en=obj.name_en or "")


def _payee(payee: Payee) -> PayeeRefOut:
    return PayeeRefOut(
        id=payee.public_id,
        name_lo=payee.name_lo,
        name_en=payee.name_en,
        kind=payee.kind,
        registration_number=None if payee.kind == Payee.Kind.INDIVIDUAL else payee.registration_number,
    )


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- budget lines -----------------------------------------------------------------------------------------------------


@router.get(
    "/budget-lines",
    response={200: BudgetLinePageOut, **ERRORS},
    summary="Budget lines with their phases (proposed, approved, adjusted, executed)",
)
@problems
def budget_line_list(request: HttpRequest, filters: Query[BudgetLineListIn]) -> Any:
    """Budget lines in id order. Filters combine; `function` includes the sub-functions of a COFOG division."""
    lines = BudgetLine.objects.filter(archived_at__isnull=True)
    if filters.year:
        lines = lines.filter(fiscal_year_id=filters.year)
    agency_ids = _agency_ids(filters.agency)
    if agency_ids is not None:
        lines = lines.filter(agency_id__in=agency_ids)
    if filters.function:
        if not FunctionClass.objects.filter(code=filters.function).exists():
            raise Problem("unknown_function", _("Unknown function code."))
        lines = lines.filter(Q(function__code=filters.function) | Q(function__code__startswith=f"{filters.function}."))
    if filters.economic:
        if not EconomicClass.objects.filter(code=filters.economic).exists():
            raise Problem("unknown_economic", _("Unknown economic class."))
        lines = lines.filter(economic__code=filters.economic)
    if filters.province:
        lines = lines.filter(province__code=filters.province)
    if filters.funding_source:
        lines = lines.filter(funding_source=filters.funding_source)
    after = _decode_cursor(filters.cursor, (int,))
    if after:
        lines = lines.filter(id__gt=after[0])
    lines = lines.select_related("agency", "function", "economic", "programme", "province").order_by("id")
    items, cursor, next_url = _page(request, lines, filters.limit, lambda line: (line.id,))
    return BudgetLinePageOut(
        items=[
            BudgetLineOut(
                id=line.public_id,
                fiscal_year=line.fiscal_year_id,
                code=line.code,
                name_lo=line.name_lo,
                name_en=line.name_en,
                agency=_code_name(line.agency),
                function=_code_name(line.function),
                economic=_code_name(line.economic),
                programme=line.programme.code if line.programme else None,
                province=line.province.code if line.province else None,
                funding_source=line.funding_source,
                proposed=line.proposed,
                approved=line.approved,
                adjusted=line.adjusted,
                executed=line.executed,
                url=_site(f"/budget/lines/{line.public_id}/"),
            )
            for line in items
        ],
        next_cursor=cursor,
        next=next_url,
    )


# --- transactions -----------------------------------------------------------------------------------------------------


def _transaction_out(tx: Transaction) -> TransactionOut:
    return TransactionOut(
        id=tx.id,
        date=tx.date,
        fiscal_year=tx.fiscal_year_id,
        reference=tx.reference,
        agency=_code_name(tx.agency),
        payee=_payee(tx.payee),
        purpose_lo=tx.purpose_lo,
        purpose_en=tx.purpose_en,
        amount=tx.amount,
        budget_line=tx.budget_line.code if tx.budget_line_id else None,
        contract=tx.contract.contract_id if tx.contract_id else None,
        url=_site(f"/budget/payments/{tx.id}/"),
    )


@router.get(
    "/transactions",
    response={200: TransactionPageOut, **ERRORS},
    summary="Transactions: search and filter, latest, newest or largest first",
)
@problems
def transaction_list(request: HttpRequest, filters: Query[TransactionListIn]) -> Any:
    """Every published transaction matching all the filters. `q` looks for each word (Lao needs no spaces) in the
    payee's name and the purpose. The orders other than the default need a filter that an index serves, so every
    page stays fast on tens of millions of rows."""
    if filters.min_amount is not None and filters.max_amount is not None and filters.min_amount > filters.max_amount:
        raise Problem("bad_range", _("The minimum amount is above the maximum."))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise Problem("bad_range", _("The start date is after the end date."))
    payee = None
    if filters.payee:
        payee = Payee.objects.filter(public_id=filters.payee).first()
        if payee is None:
            raise Problem("unknown_payee", _("Unknown payee."))
    line = None
    if filters.budget_line:
        line = BudgetLine.objects.filter(public_id=filters.budget_line).first()
        if line is None:
            raise Problem("unknown_budget_line", _("Unknown budget line."))
    rows = selectors.transaction_search(
        q=filters.q,
        agency_ids=_agency_ids(filters.agency),
        year=filters.year,
        min_amount=filters.min_amount,
        max_amount=filters.max_amount,
        date_from=filters.date_from,
        date_to=filters.date_to,
        payee=payee,
        budget_line=line,
        sort=filters.sort,
    )
    if filters.contract:
        contract = Contract.objects.filter(contract_id=filters.contract).only("id").first()
        if contract is None:
            raise Problem("unknown_contract", _("Unknown contract."))
        rows = rows.filter(contract_id=contract.id)
    if filters.sort == "-amount":
        if not filters.agency and not filters.year:
            raise Problem("filter_required", _("Sorting by amount needs an agency or a year."))
        after = _decode_cursor(filters.cursor, (int, int))
        if after:
            rows = rows.filter(Q(amount__lt=after[0]) | Q(amount=after[0], id__lt=after[1]))
        key: Callable[[Transaction], tuple] = lambda tx: (tx.amount, tx.id)  # noqa: E731
    elif filters.sort == "-date":
        if not filters.agency:
            raise Problem("filter_required", _("Sorting by date needs an agency."))
        after = _decode_cursor(filters.cursor, (datetime.date, int))
        if after:
            rows = rows.filter(Q(date__lt=after[0]) | Q(date=after[0], id__lt=after[1]))
        key = lambda tx: (tx.date, tx.id)  # noqa: E731
    else:
        after = _decode_cursor(filters.cursor, (int,))
        if after:
            rows = rows.filter(id__lt=after[0])
        rows = rows.order_by("-id")
        key = lambda tx: (tx.id,)  # noqa: E731
    rows = rows.select_related("payee", "agency", "budget_line", "contract")
    items, cursor, next_url = _page(request, rows, filters.limit, key)
    return TransactionPageOut(items=[_transaction_out(tx) for tx in items], next_cursor=cursor, next=next_url)


@router.get("/transactions/{tx_id}", response={200: TransactionOut, **ERRORS}, summary="One transaction")
def transaction_detail(request: HttpRequest, tx_id: int) -> Any:
    tx = Transaction.objects.select_related("payee", "agency", "budget_line", "contract").filter(pk=tx_id).first()
    if tx is None:
        raise Http404
    return _transaction_out(tx)


# --- contracts --------------------------------------------------------------------------------------------------------


@router.get("/contracts", response={200: ContractPageOut, **ERRORS}, summary="Contracts, newest first")
@problems
def contract_list(request: HttpRequest, filters: Query[ContractListIn]) -> Any:
    contracts = Contract.objects.filter(archived_at__isnull=True)
    if filters.year:
        contracts = contracts.filter(fiscal_year_id=filters.year)
    agency_ids = _agency_ids(filters.agency)
    if agency_ids is not None:
        contracts = contracts.filter(agency_id__in=agency_ids)
    if filters.supplier:
        supplier = Payee.objects.filter(public_id=filters.supplier).first()
        if supplier is None:
            raise Problem("unknown_payee", _("Unknown payee."))
        contracts = contracts.filter(supplier=supplier)
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    after = _decode_cursor(filters.cursor, (int,))
    if after:
        contracts = contracts.filter(id__lt=after[0])
    contracts = (
        contracts.select_related("agency", "supplier", "budget_line", "award__tender")
        .prefetch_related("amendments")
        .order_by("-id")
    )
    items, cursor, next_url = _page(request, contracts, filters.limit, lambda c: (c.id,))
    out = []
    for c in items:
        amendments = list(c.amendments.all())
        out.append(
            ContractOut(
                contract_id=c.contract_id,
                ocid=c.award.tender.ocid if c.award_id else None,
                fiscal_year=c.fiscal_year_id,
                agency=_code_name(c.agency),
                supplier=_payee(c.supplier),
                title_lo=c.title_lo,
                title_en=c.title_en,
                status=c.status,
                value=c.value,
                current_value=amendments[-1].new_value if amendments else c.value,
                signed_on=c.signed_on,
                period_start=c.period_start,
                period_end=c.period_end,
                budget_line=c.budget_line.code if c.budget_line_id else None,
                amendments=len(amendments),
                url=_site(f"/budget/contracts/{c.contract_id}/"),
            )
        )
    return ContractPageOut(items=out, next_cursor=cursor, next=next_url)


# --- red flags --------------------------------------------------------------------------------------------------------


@router.get("/flags", response={200: FlagPageOut, **ERRORS}, summary="Red flags, newest first")
@problems
def flag_list(request: HttpRequest, filters: Query[FlagListIn]) -> Any:
    """The current flags, open or explained (dismissed ones are not published), each with the records it rests on;
    `status=closed` lists the flags whose condition no longer holds instead, with when and why they were closed."""
    flags = selectors.portal_red_flags(status=filters.status)
    if filters.year:
        flags = flags.filter(fiscal_year_id=filters.year)
    agency_ids = _agency_ids(filters.agency)
    if agency_ids is not None:
        flags = flags.filter(agency_id__in=agency_ids)
    for name in ("kind", "severity"):
        if getattr(filters, name):
            flags = flags.filter(**{name: getattr(filters, name)})
    after = _decode_cursor(filters.cursor, (int,))
    if after:
        flags = flags.filter(id__lt=after[0])
    flags = flags.select_related("agency").order_by("-id")
    items, cursor, next_url = _page(request, flags, filters.limit, lambda f: (f.id,))
    return FlagPageOut(
        items=[
            FlagOut(
                id=f.public_id,
                kind=f.kind,
                severity=f.severity,
                status=f.status,
                fiscal_year=f.fiscal_year_id,
                agency=_code_name(f.agency),
                title_lo=f.title_lo,
                title_en=f.title_en,
                explanation_lo=f.explanation_lo,
                explanation_en=f.explanation_en,
                amount=f.amount,
                records=f.records,
                details=f.details,
                detected_at=f.detected_at,
                closed_at=f.archived_at if f.status == RedFlag.Status.CLOSED else None,
                closed_reason=f.archive_reason if f.status == RedFlag.Status.CLOSED else "",
                agency_response_lo=f.agency_response_lo,
                agency_response_en=f.agency_response_en,
                url=_site(f"/budget/flags/{f.public_id}/"),
            )
            for f in items
        ],
        next_cursor=cursor,
        next=next_url,
    )


# --- publishing -------------------------------------------------------------------------------------------------


@router.post(
    "/publications",
    response={201: PublicationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Publish rows of one information type (staff of the agency)",
)
@problems
def publication_create(request: HttpRequest, payload: PublicationIn) -> Any:
    """The same path as an uploaded file: the rows are written as the table schema's CSV, validated row by row
    and published all or nothing (or the good rows only). Staff with a role in the agency's organisation tree, past
    the second factor, only; an agency they may not publish for answers 404."""
    import csv
    import io

    from elaos.budget import imports, services
    from elaos.budget.models import ImportBatch, InformationType

    user = request.user
    if not user.is_staff:
        raise Http404
    if not user.is_verified():  # type: ignore[union-attr]
        raise Problem("second_factor_required", _("Confirm your second factor first."), status=403)
    agency = selectors.publishable_agency(user, payload.agency)
    info = InformationType.objects.filter(code=payload.information_type).first()
    if info is None or (info.schema or info.code) not in imports.schema_codes():
        raise Problem("invalid", _("This information type cannot be published."))
    columns = [f["name"] for f in imports.schema_for(info)["fields"]]
    unknown = sorted({key for row in payload.rows for key in row} - set(columns))
    if unknown:
        raise Problem("invalid", _("Unknown columns: %(columns)s") % {"columns": ", ".join(unknown)[:200]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in payload.rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns])
    batch = services.batch_create(
        actor=user,
        agency=agency,
        information_type=info,
        content=out.getvalue().encode("utf-8"),
        filename="api.csv",
        fiscal_year=payload.fiscal_year,
        period_start=payload.period_start,
        period_end=payload.period_end,
        mode=payload.mode,
        validate=False,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(file_format=ImportBatch.Format.API)
    batch.file_format = ImportBatch.Format.API
    batch = imports.batch_publish(batch, actor=user) if payload.publish else imports.batch_validate(batch)
    errors = batch.row_errors.order_by("row", "id")[:500]
    return Status(
        201,
        PublicationOut(
            id=batch.public_id,
            status=batch.status,
            information_type=info.code,
            rows_total=batch.rows_total,
            rows_valid=batch.rows_valid,
            rows_invalid=batch.rows_invalid,
            rows_published=batch.rows_published,
            errors_summary=batch.errors_summary or {},
            errors=[
                RowErrorOut(row=e.row, column=e.column, code=e.code, value=e.value, message=e.get_code_display())
                for e in errors
            ],
            url=_site(reverse("budget:publish_batch", args=[batch.public_id])),
        ),
    )


# --- glass index ------------------------------------------------------------------------------------------------------


def _index_row(row: GlassIndexSnapshot) -> GlassIndexRowOut:
    return GlassIndexRowOut(
        week=row.week,
        agency=_code_name(row.agency),
        rank=row.rank,
        score=float(row.score),
        timeliness=float(row.timeliness) if row.timeliness is not None else None,
        completeness=float(row.completeness) if row.completeness is not None else None,
        components=row.components,
    )


@router.get("/glass-index", response={200: GlassIndexOut, **ERRORS}, summary="The glass index ranking of a week")
def glass_index_ranking(request: HttpRequest, filters: Query[GlassIndexIn]) -> Any:
    """Agencies ranked on the timeliness and completeness of what they must publish, each score explained."""
    if filters.week:
        week = filters.week - datetime.timedelta(days=filters.week.weekday())
    else:
        week = GlassIndexSnapshot.objects.order_by("-week").values_list("week", flat=True).first()
    rows = GlassIndexSnapshot.objects.filter(week=week).select_related("agency").order_by("rank", "agency__code")
    return GlassIndexOut(week=week, items=[_index_row(r) for r in rows])


@router.get(
    "/glass-index/{code}", response={200: GlassIndexHistoryOut, **ERRORS}, summary="An agency's glass index history"
)
def glass_index_agency(
    request: HttpRequest, code: str = PathParam(description="An agency code", examples=["moh"])
) -> Any:
    agency = Organisation.objects.filter(code=code).first()
    if agency is None:
        raise Http404
    rows = GlassIndexSnapshot.objects.filter(agency=agency).select_related("agency").order_by("-week")[:104]
    return GlassIndexHistoryOut(agency=_code_name(agency), weeks=[_index_row(r) for r in rows])


# --- OCDS -------------------------------------------------------------------------------------------------------------


def _ocds_page(request: HttpRequest, filters: OcdsIn) -> tuple[list, str | None]:
    agency = None
    if filters.agency:
        agency = Organisation.objects.filter(code=filters.agency).first()
        if agency is None:
            raise Problem("unknown_agency", _("Unknown agency."))
    after = _decode_cursor(filters.cursor, (int,))
    tenders = list(
        ocds.ocds_tenders(
            agency=agency,
            fiscal_year=filters.year,
            ocids=[filters.ocid] if filters.ocid else None,
            after_id=after[0] if after else None,
            limit=filters.limit + 1,
        )
    )
    next_url = None
    if len(tenders) > filters.limit:
        tenders = tenders[: filters.limit]
        params = {k: v for k, v in request.GET.items() if k != "cursor"}
        params["cursor"] = _encode_cursor(tenders[-1].id)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
    return tenders, next_url


def _json(document: dict, filename: str) -> HttpResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/ocds/release-package.json",
    response={200: dict, **ERRORS},
    summary="OCDS 1.1.5 release package: procurement releases",
    openapi_extra=_documented("application/json", OCDS_PACKAGE_EXAMPLE, {"type": "object"}),
)
@problems
def ocds_release_package(request: HttpRequest, filters: Query[OcdsIn]) -> Any:
    """Every release (tender, award, contract, amendment, implementation) of the contracting processes matching
    the filters, `limit` processes a page; `links.next` (OCDS pagination extension) leads on."""
    tenders, next_url = _ocds_page(request, filters)
    package = ocds.release_package(tenders, uri=request.build_absolute_uri(), next_url=next_url)
    if package is None:
        raise Problem("not_found", _("No contracting process matches."), status=404)
    return _json(package, "release-package.json")


@router.get(
    "/ocds/record-package.json",
    response={200: dict, **ERRORS},
    summary="OCDS 1.1.5 record package: per ocid its releases and compiled release",
    openapi_extra=_documented(
        "application/json",
        {**OCDS_PACKAGE_EXAMPLE, "releases": None, "records": [{"ocid": "ocds-elaos1-T00012", "releases": []}]},
        {"type": "object"},
    ),
)
@problems
def ocds_record_package(request: HttpRequest, filters: Query[OcdsIn]) -> Any:
    tenders, next_url = _ocds_page(request, filters)
    package = ocds.record_package(tenders, uri=request.build_absolute_uri(), next_url=next_url)
    if package is None:
        raise Problem("not_found", _("No contracting process matches."), status=404)
    return _json(package, "record-package.json")


@router.get(
    "/ocds/records/{ocid}.json",
    response={200: dict, **ERRORS},
    summary="OCDS record package of one contracting process",
    openapi_extra=_documented(
        "application/json",
        {**OCDS_PACKAGE_EXAMPLE, "releases": None, "records": [{"ocid": "ocds-elaos1-T00012", "releases": []}]},
        {"type": "object"},
    ),
)
def ocds_record(request: HttpRequest, ocid: str) -> Any:
    package = ocds.record_package(ocds.ocds_tenders(ocids=[ocid]), uri=request.build_absolute_uri())
    if package is None:
        raise Http404
    return _json(package, f"{ocid}.json")


# --- Fiscal Data Package ----------------------------------------------------------------------------------------------


@router.get(
    "/datapackage.json",
    response={200: dict, **ERRORS},
    summary="Fiscal Data Package (0.3) descriptor",
    openapi_extra=_documented(
        "application/json",
        {
            "profile": "tabular-data-package",
            "name": "lao-glass-accounts-2025",
            "resources": [{"name": "transactions", "path": "https://e.gov.la/api/v1/budget/data/transactions.csv"}],
        },
        {"type": "object"},
    ),
)
@problems
def fiscal_data_package(request: HttpRequest, filters: Query[OpenDataIn]) -> Any:
    """The descriptor of the budget lines, transactions and contracts as CSV, with the fiscal model (measures per
    budget phase; administrative, functional and economic classifications). The same filters apply to every
    resource."""
    _agency_ids(filters.agency)
    params = {k: v for k, v in {"year": filters.year, "agency": filters.agency}.items() if v}
    query = f"?{urlencode(params)}" if params else ""
    paths = {
        name: request.build_absolute_uri(f"{request.path.rsplit('/', 1)[0]}/data/{name}.csv{query}")
        for name in fdp.resource_names()
    }
    return _json(fdp.datapackage(paths=paths, year=filters.year), "datapackage.json")


@router.get(
    "/data/{resource}.csv",
    response={200: None, **ERRORS},
    summary="One CSV resource of the data package",
    openapi_extra=_documented("text/csv", CSV_EXAMPLE),
)
@problems
def fiscal_data_csv(
    request: HttpRequest,
    filters: Query[OpenDataIn],
    resource: str = PathParam(description="budget-lines, transactions or contracts", examples=["transactions"]),
) -> Any:
    """Streamed row by row (UTF-8, header first): safe for millions of rows."""
    spec = fdp.RESOURCES.get(resource)
    if spec is None:
        raise Problem("not_found", _("No such resource."), status=404)
    rows = fdp.csv_rows(spec, year=filters.year, agency_ids=_agency_ids(filters.agency))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{resource}.csv"'
    return response


# --- bulk dumps -------------------------------------------------------------------------------------------------------


@router.get("/dumps", response=list[DumpOut], summary="The nightly bulk downloads")
def dump_list(request: HttpRequest) -> list[DumpOut]:
    """The latest file of each dataset: the OCDS release package and the data package's CSVs, gzipped."""
    latest: dict[tuple[str, str], BulkDump] = {}
    for dump in BulkDump.objects.order_by("-generated_at")[:200]:
        latest.setdefault((dump.dataset, dump.format), dump)
    return [
        DumpOut(
            dataset=d.dataset,
            format=d.format,
            rows=d.rows,
            size=d.size,
            sha256=d.sha256,
            generated_at=d.generated_at,
            url=request.build_absolute_uri(f"{request.path}/{Path(d.file.name).name}"),
        )
        for d in sorted(latest.values(), key=lambda d: d.dataset)
    ]


@router.get(
    "/dumps/{filename}",
    response={200: None, **ERRORS},
    summary="Download one bulk file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file: gzipped CSV or OCDS JSON, or the data package descriptor (JSON)",
                "content": {
                    "application/gzip": {"schema": {"type": "string", "format": "binary"}, "example": "(gzip bytes)"},
                    "application/json": {"schema": {"type": "object"}, "example": {"name": "lao-glass-accounts"}},
                },
            }
        }
    },
)
def dump_download(request: HttpRequest, filename: str) -> Any:
    if "\x00" in filename:
        raise Http404
    directory = Path(settings.BUDGET_DUMP_DIR).resolve()
    path = (directory / filename).resolve()
    if path.parent != directory or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
