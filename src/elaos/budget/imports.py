"""Publishing by agencies: table schemas, templates, validation and atomic publishing of uploaded files.

Every information type has a frictionless Table Schema in ``tableschemas/<code>.json``; it drives the template
(CSV and XLSX) and the validation. Custom keys: ``x-ref`` (the column names a record: agency, budget_line,
contract, function, economic, programme, province, plan_item — an item of a procurement plan published for the
batch's fiscal year by the agency or one of its offices), ``x-in-period`` (a date that must fall in the batch's period)
and ``x-unique-in-database`` (the primary key must not exist among published rows).

Validation reports one error per bad cell (row, column, reason, value), plus one ``duplicate`` per repeated key;
the rules, in order for each cell: empty → ``required`` if the column is required; then the type (``bad_number``,
``bad_date``), the constraints (``negative``, ``bad_value``, ``too_long``, ``out_of_period``) and the reference
(``unknown_agency``, ``wrong_agency``, ``unknown_budget_line``, ``unknown_contract``, ``unknown_code``,
``unknown_plan_item``). A file that
is not UTF-8 gets one ``encoding`` error; missing required columns one ``header`` error.

Two paths implement the same rules and report the same errors (tested):
- PostgreSQL, transactions: the file is COPYed into a temporary staging table and checked in one set-based pass
  (casts, joins to organisations / budget lines / contracts / published transactions, window for duplicates), then
  published with INSERT … SELECT. This is what makes a million-row file import in about twice the time of a bare
  COPY.
- Everything else (SQLite, other information types, or a CSV that COPY cannot parse): a streaming Python
  validator, publishing with bulk_create.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from elaos.agencies.access import subtree_ids

from .models import (
    Award,
    Bid,
    BudgetLine,
    Contract,
    EconomicClass,
    FunctionClass,
    ImportBatch,
    ImportRowError,
    InformationType,
    MonthlyExecution,
    Payee,
    ProcurementPlan,
    ProcurementPlanItem,
    Programme,
    Tender,
    Transaction,
)

logger = logging.getLogger(__name__)
SCHEMA_DIR = Path(__file__).resolve().parent / "tableschemas"
WHITESPACE = " \t\r\n"
INTEGER_RE = re.compile(r"-?[0-9]{1,15}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
Code = ImportRowError.Code


class ImportProblem(Exception):
    """The file as a whole cannot be read (encoding, header): reported as one row error."""

    def __init__(self, code: str, message: str, row: int = 0, column: str = "", value: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.row, self.column, self.value = code, message, row, column, value


# --- table schemas and templates -----------------------------------------------------------------------------------


@functools.cache
def table_schema(code: str) -> dict[str, Any]:
    """The Table Schema (as a dict) of an information type code or schema name."""
    return json.loads((SCHEMA_DIR / f"{code}.json").read_text(encoding="utf-8"))


def schema_for(info_type: InformationType | str) -> dict[str, Any]:
    if isinstance(info_type, InformationType):
        return table_schema(info_type.schema or info_type.code)
    return table_schema(info_type)


def schema_codes() -> list[str]:
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))


def template_csv(info_type: InformationType | str) -> bytes:
    """The CSV template: a UTF-8 (with BOM, so spreadsheet programs read Lao correctly) header row."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([f["name"] for f in schema_for(info_type)["fields"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(info_type: InformationType | str) -> bytes:
    """The XLSX template: a "data" sheet with the header row, and a "fields" sheet describing every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    schema = schema_for(info_type)
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([f["name"] for f in schema["fields"]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    doc = wb.create_sheet("fields")
    doc.append(["column", "title", "type", "required", "allowed values / rules"])
    for cell in doc[1]:
        cell.font = Font(bold=True)
    for f in schema["fields"]:
        c = f.get("constraints", {})
        rules = []
        if "enum" in c:
            rules.append(", ".join(c["enum"]))
        if "minimum" in c:
            rules.append(f">= {c['minimum']}")
        if "maximum" in c:
            rules.append(f"<= {c['maximum']}")
        if "maxLength" in c:
            rules.append(f"max {c['maxLength']} characters")
        if f["type"] == "date":
            rules.append("YYYY-MM-DD")
        doc.append([f["name"], f.get("title", ""), f["type"], "yes" if c.get("required") else "", "; ".join(rules)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading files ---------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start)
        raise ImportProblem(
            Code.ENCODING,
            "The file is not UTF-8 text: save it as CSV UTF-8 (or upload the XLSX).",
            row=row,
        ) from exc
    return text[1:] if text.startswith("\ufeff") else text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# How much larger than the upload limit a workbook may be once unpacked (XML is verbose; real sheets stay under 10×).
XLSX_MAX_EXPANSION = 10


def xlsx_to_csv_text(data: bytes) -> str:
    """The first sheet of a workbook as CSV text (dates as YYYY-MM-DD, whole numbers without decimals)."""
    import zipfile

    from django.conf import settings
    from openpyxl import load_workbook

    # A workbook is a zip: a few kilobytes can unpack to gigabytes. Refuse it before anything is unpacked.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportProblem(Code.ENCODING, "The file is not a readable XLSX workbook.") from exc
    if unpacked > settings.GLASS_UPLOAD_MAX_BYTES * XLSX_MAX_EXPANSION:
        raise ImportProblem(Code.ENCODING, "The workbook is too large once unpacked; send it as CSV.")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportProblem(Code.ENCODING, "The file is not a readable XLSX workbook.") from exc
    ws = wb.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in ws.iter_rows(values_only=True):
        cells = [_cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        writer.writerow(cells)
    wb.close()
    return out.getvalue()


def batch_text(batch: ImportBatch) -> str:
    """The batch's file as CSV text (an XLSX is converted), or ImportProblem."""
    with batch.file.open("rb") as fh:
        data = fh.read()
    if batch.file_format == ImportBatch.Format.XLSX or data[:4] == b"PK\x03\x04":
        return xlsx_to_csv_text(data)
    return _decode(data)


def _header(schema: dict[str, Any], raw_header: list[str]) -> list[str]:
    header = [h.strip(WHITESPACE).lower() for h in raw_header]
    names = {f["name"] for f in schema["fields"]}
    missing = [
        f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required") and f["name"] not in header
    ]
    if missing or not names.intersection(header):
        raise ImportProblem(
            Code.HEADER,
            "Missing columns: " + ", ".join(missing or sorted(names)),
            column=",".join(missing)[:60],
        )
    return header


# --- the reference context (what a row may point at) ----------------------------------------------------------------


@dataclass
class Context:
    batch: ImportBatch
    fiscal_year: int | None
    period: tuple[datetime.date, datetime.date] | None
    allowed_agencies: set[int]
    agencies: dict[str, int] = field(default_factory=dict)
    budget_lines: dict[str, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)
    plan_items: dict[str, int] = field(default_factory=dict)
    codes: dict[str, dict[str, int]] = field(default_factory=dict)


def batch_context(batch: ImportBatch, *, load: Iterable[str] = ()) -> Context:
    from elaos.agencies.models import Organisation
    from elaos.core.models import Province

    period = (batch.period_start, batch.period_end) if batch.period_start and batch.period_end else None
    ctx = Context(
        batch=batch,
        fiscal_year=batch.fiscal_year_id,
        period=period,
        allowed_agencies=subtree_ids(batch.agency_id),
    )
    load = set(load)
    if "agency" in load:
        ctx.agencies = dict(Organisation.objects.values_list("code", "pk"))
    if "budget_line" in load:
        ctx.budget_lines = dict(
            BudgetLine.objects.active().filter(fiscal_year_id=batch.fiscal_year_id).values_list("code", "pk")
        )
    if "contract" in load:
        ctx.contracts = dict(Contract.objects.values_list("contract_id", "pk"))
    if "plan_item" in load:
        # Item codes are unique within one plan; across the agency's offices the first plan's item wins.
        for code, pk in (
            ProcurementPlanItem.objects.filter(
                plan__fiscal_year_id=batch.fiscal_year_id, plan__agency_id__in=ctx.allowed_agencies
            )
            .order_by("-plan_id", "-pk")
            .values_list("code", "pk")
        ):
            ctx.plan_items[code] = pk
    if "function" in load:
        ctx.codes["function"] = dict(FunctionClass.objects.values_list("code", "pk"))
    if "economic" in load:
        ctx.codes["economic"] = dict(EconomicClass.objects.values_list("code", "pk"))
    if "programme" in load:
        ctx.codes["programme"] = dict(Programme.objects.values_list("code", "pk"))
    if "province" in load:
        ctx.codes["province"] = dict(Province.objects.values_list("code", "pk"))
    return ctx


# --- the Python validator ------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    code: str
    value: str = ""

    def key(self) -> tuple[int, str, str]:
        return (self.row, self.column, self.code)


def _parse_date(raw: str) -> datetime.date | None:
    if not DATE_RE.fullmatch(raw):
        return None
    try:
        return datetime.date(int(raw[:4]), int(raw[5:7]), int(raw[8:10]))
    except ValueError:
        return None


def check_cell(f: dict[str, Any], raw: str, ctx: Context, row: int) -> tuple[Any, RowError | None]:
    """The typed value of one cell and its error (or None): the rules in the module docstring, in that order."""
    name, c = f["name"], f.get("constraints", {})
    if raw == "":
        return None, RowError(row, name, Code.REQUIRED) if c.get("required") else None
    value: Any = raw
    if f["type"] == "integer":
        if not INTEGER_RE.fullmatch(raw):
            return None, RowError(row, name, Code.BAD_NUMBER, raw)
        value = int(raw)
        if "minimum" in c and value < c["minimum"]:
            code = Code.NEGATIVE if value < 0 and c["minimum"] >= 0 else Code.BAD_VALUE
            return None, RowError(row, name, code, raw)
        if "maximum" in c and value > c["maximum"]:
            return None, RowError(row, name, Code.BAD_VALUE, raw)
    elif f["type"] == "date":
        value = _parse_date(raw)
        if value is None:
            return None, RowError(row, name, Code.BAD_DATE, raw)
        if f.get("x-in-period") and ctx.period and not (ctx.period[0] <= value <= ctx.period[1]):
            return None, RowError(row, name, Code.OUT_OF_PERIOD, raw)
    else:
        if "maxLength" in c and len(raw) > c["maxLength"]:
            return None, RowError(row, name, Code.TOO_LONG, raw)
        if "enum" in c and raw not in c["enum"]:
            return None, RowError(row, name, Code.BAD_VALUE, raw)
    ref = f.get("x-ref")
    if ref == "agency":
        pk = ctx.agencies.get(raw)
        if pk is None:
            return None, RowError(row, name, Code.UNKNOWN_AGENCY, raw)
        if pk not in ctx.allowed_agencies:
            return None, RowError(row, name, Code.WRONG_AGENCY, raw)
        value = pk
    elif ref == "budget_line":
        value = ctx.budget_lines.get(raw)
        if value is None:
            return None, RowError(row, name, Code.UNKNOWN_BUDGET_LINE, raw)
    elif ref == "contract":
        value = ctx.contracts.get(raw)
        if value is None:
            return None, RowError(row, name, Code.UNKNOWN_CONTRACT, raw)
    elif ref == "plan_item":
        value = ctx.plan_items.get(raw)
        if value is None:
            return None, RowError(row, name, Code.UNKNOWN_PLAN_ITEM, raw)
    elif ref in ("function", "economic", "programme", "province"):
        value = ctx.codes[ref].get(raw)
        if value is None:
            return None, RowError(row, name, Code.UNKNOWN_CODE, raw)
    return value, None


def existing_keys(info_code: str, ctx: Context) -> set[tuple]:
    """Keys already published, for ``x-unique-in-database`` (keys as the raw text of the primary key columns)."""
    if info_code == "transactions":
        codes = {pk: code for code, pk in ctx.agencies.items()}
        return {
            (codes.get(a, ""), ref)
            for a, ref in Transaction.objects.filter(
                fiscal_year_id=ctx.fiscal_year, agency_id__in=ctx.allowed_agencies | set()
            ).values_list("agency_id", "reference")
        }
    if info_code == "contracts":
        return {(c,) for c in ctx.contracts}
    return set()


def existing_transaction_keys(ctx: Context, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (agency code, reference) keys of the file are already published in the batch's fiscal year (agencies
    the batch may publish for only: another agency's row is already a ``wrong_agency``)."""
    by_agency: dict[int, list[str]] = {}
    for code, ref in keys:
        pk = ctx.agencies.get(code)
        if pk is not None and pk in ctx.allowed_agencies:
            by_agency.setdefault(pk, []).append(ref)
    codes = {pk: code for code, pk in ctx.agencies.items()}
    found: set[tuple[str, str]] = set()
    for pk, refs in by_agency.items():
        for i in range(0, len(refs), 500):
            for ref in Transaction.objects.filter(
                agency_id=pk, fiscal_year_id=ctx.fiscal_year, reference__in=refs[i : i + 500]
            ).values_list("reference", flat=True):
                found.add((codes[pk], ref))
    return found


def iter_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) for every non-blank data record; the header is record 0."""
    reader = csv.reader(io.StringIO(text, newline=""))
    for number, cells in enumerate(reader):
        if number == 0:
            yield 0, cells
        elif cells and any(c.strip(WHITESPACE) for c in cells):
            yield number, cells


@dataclass
class Validation:
    header: list[str]
    rows: dict[int, dict[str, Any]]
    errors: list[RowError]
    total: int

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}


def validate_python(batch: ImportBatch, text: str, *, progress: bool = True) -> Validation:
    """Validate every row in Python; returns the typed rows (by record number) and the errors."""
    schema = schema_for(batch.information_type)
    info_code = batch.information_type.code
    fields = schema["fields"]
    refs = {f.get("x-ref") for f in fields if f.get("x-ref")}
    ctx = batch_context(batch, load=refs | ({"agency", "contract"} if schema.get("x-unique-in-database") else set()))
    records = iter_records(text)
    try:
        _n, raw_header = next(records)
    except StopIteration:
        raise ImportProblem(Code.HEADER, "The file is empty.") from None
    header = _header(schema, raw_header)
    index = {name: i for i, name in enumerate(header)}
    pk_fields = schema.get("primaryKey", [])
    seen: set[tuple] = set()
    dup_candidates: list[tuple[int, tuple]] = []
    rows: dict[int, dict[str, Any]] = {}
    errors: list[RowError] = []
    total = 0
    every = settings.GLASS_PROGRESS_EVERY
    for number, cells in records:
        total += 1
        values: dict[str, Any] = {"_raw": {}}
        for f in fields:
            i = index.get(f["name"])
            raw = cells[i].strip(WHITESPACE) if i is not None and i < len(cells) else ""
            values["_raw"][f["name"]] = raw
            value, error = check_cell(f, raw, ctx, number)
            values[f["name"]] = value
            if error:
                errors.append(error)
        if pk_fields:
            key = tuple(values["_raw"][k] for k in pk_fields)
            if all(key):
                if key in seen:
                    errors.append(RowError(number, pk_fields[-1], Code.DUPLICATE, key[-1]))
                else:
                    seen.add(key)
                    dup_candidates.append((number, key))
        rows[number] = values
        if progress and total % every == 0:
            _progress(batch, None, f"validated {total} rows")
    if schema.get("x-unique-in-database") and dup_candidates:
        if info_code == "transactions":
            existing = existing_transaction_keys(ctx, {k for _n, k in dup_candidates})
        else:
            existing = existing_keys(info_code, ctx)
        for number, key in dup_candidates:
            if key in existing:
                errors.append(RowError(number, pk_fields[-1], Code.DUPLICATE, key[-1]))
    errors.sort(key=RowError.key)
    return Validation(header=header, rows=rows, errors=errors, total=total)


# --- the PostgreSQL set-based path (transactions) -----------------------------------------------------------------


TEMP_TABLES = ("budget_stage", "budget_dupkeys", "budget_valid", "budget_errors", "budget_newpayee",
               "budget_inserted", "budget_payeetext")  # fmt: skip


def _timed(cur: Any, sql: str, params: Any = None) -> None:
    """Execute, logging how long each step of a large import takes (logger elaos.budget.imports, DEBUG)."""
    started = time.perf_counter()
    cur.execute(sql, params)
    logger.debug("import step %.3fs: %s", time.perf_counter() - started, " ".join(sql.split())[:80])


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_cell_error(f: dict[str, Any], col: str, ctx_sql: dict[str, str]) -> str:
    """A CASE expression giving the error code of one cell (NULL when fine), mirroring ``check_cell``."""
    c = f.get("constraints", {})
    if_empty = "'required'" if c.get("required") else "NULL"
    whens = [f"WHEN {col} IS NULL THEN {if_empty}"]
    if f["type"] == "integer":
        # Same as INTEGER_RE (an optional leading minus, 1–15 ASCII digits), without a regex: twice as fast.
        whens.append(
            f"WHEN NOT (length(ltrim({col}, '-')) BETWEEN 1 AND 15 AND translate({col}, '0123456789', '') IN ('', '-')"
            f" AND {col} NOT LIKE '_%%-%%') THEN 'bad_number'"
        )
        if "minimum" in c:
            code = "negative" if c["minimum"] >= 0 else "bad_value"
            whens.append(
                f"WHEN {col}::bigint < {int(c['minimum'])} THEN CASE WHEN {col}::bigint < 0 THEN '{code}' "
                "ELSE 'bad_value' END"
            )
        if "maximum" in c:
            whens.append(f"WHEN {col}::bigint > {int(c['maximum'])} THEN 'bad_value'")
    elif f["type"] == "date":
        y, m, d = (f"substr({col}, 1, 4)::int", f"substr({col}, 6, 2)::int", f"substr({col}, 9, 2)::int")
        # Separate WHENs: CASE evaluates them in order, so each cast only sees text the one before accepted.
        whens.append(
            f"WHEN NOT (length({col}) = 10 AND substr({col}, 5, 1) = '-' AND substr({col}, 8, 1) = '-' "
            f"AND translate({col}, '0123456789', '') = '--') THEN 'bad_date'"
        )
        whens.append(f"WHEN {y} < 1 OR {m} NOT BETWEEN 1 AND 12 THEN 'bad_date'")
        whens.append(
            f"WHEN {d} < 1 OR {d} > EXTRACT(DAY FROM make_date({y}, {m}, 1) + interval '1 month - 1 day') "
            "THEN 'bad_date'"
        )
        if f.get("x-in-period") and "period" in ctx_sql:
            whens.append(f"WHEN {col}::date NOT BETWEEN {ctx_sql['period']} THEN 'out_of_period'")
    else:
        if "maxLength" in c:
            whens.append(f"WHEN char_length({col}) > {int(c['maxLength'])} THEN 'too_long'")
        if "enum" in c:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in c["enum"])
            whens.append(f"WHEN {col} NOT IN ({allowed}) THEN 'bad_value'")
    ref = f.get("x-ref")
    if ref == "agency":
        whens.append(f"WHEN {ctx_sql['ref_' + f['name']]} IS NULL THEN 'unknown_agency'")
        whens.append(f"WHEN NOT ({ctx_sql['ref_' + f['name']]} = ANY(%(allowed)s)) THEN 'wrong_agency'")
    elif ref == "budget_line":
        whens.append(f"WHEN {ctx_sql['ref_' + f['name']]} IS NULL THEN 'unknown_budget_line'")
    elif ref == "contract":
        whens.append(f"WHEN {ctx_sql['ref_' + f['name']]} IS NULL THEN 'unknown_contract'")
    return "CASE " + " ".join(whens) + " END"


def pg_supported(batch: ImportBatch) -> bool:
    return connection.vendor == "postgresql" and batch.information_type.code == "transactions"


def _copy_into_staging(cur: Any, header: list[str], text: str, fields: list[dict[str, Any]]) -> list[str]:
    """COPY the CSV text into temp table budget_stage (row_no = record number). Returns the staging column per
    header position."""
    names = {f["name"] for f in fields}
    cols, used = [], set()
    for i, h in enumerate(header):
        col = h if h in names and h not in used else f"_extra{i}"
        used.add(col)
        cols.append(col)
    for f in fields:
        if f["name"] not in used:
            cols_missing = f["name"]
            used.add(cols_missing)
    all_cols = list(dict.fromkeys(cols + [f["name"] for f in fields]))
    cur.execute(
        "CREATE TEMP TABLE budget_stage (row_no bigint GENERATED ALWAYS AS IDENTITY, "
        + ", ".join(f"{_q(c)} text" for c in all_cols)
        + ") ON COMMIT DROP"
    )
    buf = text.encode("utf-8")
    started = time.perf_counter()
    with cur.copy(
        f"COPY budget_stage ({', '.join(_q(c) for c in cols)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
    ) as copy:
        view = memoryview(buf)
        for i in range(0, len(buf), 1 << 20):
            copy.write(view[i : i + (1 << 20)])
    logger.debug("import step %.3fs: COPY into staging", time.perf_counter() - started)
    return cols


def pg_validate_transactions(
    batch: ImportBatch, text: str, header: list[str]
) -> tuple[int, list[RowError], Counter, int]:
    """Inside an open transaction: stage the file and compute every error set-based. Leaves temp tables
    budget_stage (raw) and budget_valid (typed, with resolved ids and an ``ok`` flag) for the publish step.
    Returns (rows, errors (at most GLASS_MAX_ROW_ERRORS), counts by code, rows with an error)."""
    schema = schema_for(batch.information_type)
    fields = schema["fields"]
    ctx_sql: dict[str, str] = {}
    if batch.period_start and batch.period_end:
        ctx_sql["period"] = f"DATE '{batch.period_start.isoformat()}' AND DATE '{batch.period_end.isoformat()}'"
    ctx_sql["ref_agency"] = "o.id"
    ctx_sql["ref_budget_code"] = "bl.id"
    ctx_sql["ref_contract_id"] = "ct.id"
    allowed = sorted(subtree_ids(batch.agency_id))
    fy = int(batch.fiscal_year_id or 0)
    with connection.cursor() as django_cur:
        cur = django_cur.cursor  # the psycopg cursor, for COPY
        # Sorts and hashes of a large file stay in memory; temp tables get room (only possible before the
        # session's first temp table, hence the savepoint).
        cur.execute("SET LOCAL work_mem = '256MB'")
        # Hash joins: a merge join would sort the file by text keys under the locale's collation (slow).
        cur.execute("SET LOCAL enable_mergejoin = off")
        cur.execute("SET LOCAL jit = off")  # compiling these wide expressions costs seconds and saves nothing
        try:
            with transaction.atomic():
                cur.execute("SET temp_buffers = '256MB'")
        except Exception:  # noqa: S110 - already set for this session: keep what it has
            pass
        # Left over when an earlier import ran in the same (still open) transaction: ON COMMIT DROP never fired.
        cur.execute("DROP TABLE IF EXISTS " + ", ".join(f"pg_temp.{t}" for t in TEMP_TABLES))
        _copy_into_staging(cur, header, text, fields)

        def trim(name: str) -> str:
            return f"NULLIF(btrim({_q(name)}, E' \\t\\r\\n'), '')"

        trimmed = ", ".join(f"{trim(f['name'])} AS {_q(f['name'])}" for f in fields)
        cases = ",\n".join(
            f"{_sql_cell_error(f, 't.' + _q(f['name']), ctx_sql)} AS {_q('e_' + f['name'])}" for f in fields
        )
        # Keys repeated in the file, with their first row (a hash aggregate: cheaper than a window over all rows).
        _timed(
            cur,
            f"""CREATE TEMP TABLE budget_dupkeys ON COMMIT DROP AS
            SELECT agency, reference, min(row_no) AS first_row FROM (SELECT row_no, {trim("agency")} AS agency,
              {trim("reference")} AS reference FROM budget_stage) k
            WHERE agency IS NOT NULL AND reference IS NOT NULL
            GROUP BY agency, reference HAVING count(*) > 1""",  # noqa: S608
        )
        # Blank records are skipped, as the Python reader skips them.
        _timed(
            cur,
            f"""CREATE TEMP TABLE budget_valid ON COMMIT DROP AS
            SELECT t.*, o.id AS agency_ref, bl.id AS budget_line_ref, ct.id AS contract_ref,
              CASE WHEN t.agency IS NOT NULL AND t.reference IS NOT NULL THEN
                CASE WHEN t.row_no > dk.first_row THEN 'duplicate'
                     WHEN px.agency_id IS NOT NULL THEN 'duplicate'
                END END AS e__duplicate,
              {cases}
            FROM (SELECT row_no, {trimmed} FROM budget_stage OFFSET 0) t
            LEFT JOIN agencies_organisation o ON o.code = t.agency
            LEFT JOIN budget_budgetline bl ON bl.fiscal_year_id = %(fy)s AND bl.code = t.budget_code
                 AND bl.archived_at IS NULL
            LEFT JOIN budget_contract ct ON ct.contract_id = t.contract_id
            LEFT JOIN budget_dupkeys dk ON dk.agency = t.agency AND dk.reference = t.reference
            LEFT JOIN (SELECT agency_id, reference FROM budget_transaction
                       WHERE agency_id = ANY(%(allowed)s) AND fiscal_year_id = %(fy)s) px
                 ON px.agency_id = o.id AND px.reference = t.reference
            WHERE {" OR ".join(f"t.{_q(f['name'])} IS NOT NULL" for f in fields)}""",  # noqa: S608
            {"fy": fy, "allowed": allowed},
        )
        err_cols = [("_duplicate", "reference")] + [(f["name"], f["name"]) for f in fields]
        values_sql = ", ".join(
            f"('{col}', v.{_q('e_' + name)}, v.{_q(col) if col in {f['name'] for f in fields} else 'NULL'})"
            for name, col in err_cols
        )
        _timed(
            cur,
            f"""CREATE TEMP TABLE budget_errors ON COMMIT DROP AS
            SELECT v.row_no, x.col, x.code, x.val FROM budget_valid v
            CROSS JOIN LATERAL (VALUES {values_sql}) x(col, code, val)
            WHERE ({" OR ".join(f"v.{_q('e_' + name)} IS NOT NULL" for name, _col in err_cols)})
              AND x.code IS NOT NULL""",  # noqa: S608
        )
        cur.execute("SELECT count(*) FROM budget_valid")
        total = cur.fetchone()[0]
        cur.execute("SELECT code, count(*) FROM budget_errors GROUP BY code")
        counts = Counter(dict(cur.fetchall()))
        cur.execute("SELECT count(DISTINCT row_no) FROM budget_errors")
        bad_rows = cur.fetchone()[0]
        cur.execute(
            "SELECT row_no, col, code, COALESCE(val, '') FROM budget_errors ORDER BY row_no, col, code LIMIT %s",
            [settings.GLASS_MAX_ROW_ERRORS],
        )
        errors = [RowError(r, c, code, v or "") for r, c, code, v in cur.fetchall()]
    # Order like the Python path: by row, then column, then code.
    errors.sort(key=RowError.key)
    return total, errors, counts, bad_rows


def pg_publish_transactions(batch: ImportBatch, *, keep_good: bool) -> tuple[int, set[int]]:
    """After pg_validate_transactions, in the same transaction: create the missing payees, insert the good rows
    and add them to the transaction rollups. Returns (rows inserted, agencies touched)."""
    fy = int(batch.fiscal_year_id or 0)
    good = "NOT EXISTS (SELECT 1 FROM budget_errors e WHERE e.row_no = g.row_no)" if keep_good else "TRUE"
    with connection.cursor() as cur:
        # Payees: by registration number when given, else by the Lao name; the first row of each new one names it.
        cur.execute(
            f"""CREATE TEMP TABLE budget_newpayee ON COMMIT DROP AS
            SELECT DISTINCT ON (COALESCE(g.payee_registration_number, g.payee_name_lo))
                   g.payee_registration_number AS reg, g.payee_name_lo AS name_lo,
                   COALESCE(g.payee_name_en, '') AS name_en, COALESCE(g.payee_kind, 'company') AS kind
            FROM budget_valid g
            WHERE {good} AND (
                  (g.payee_registration_number IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM budget_payee p WHERE p.registration_number = g.payee_registration_number))
               OR (g.payee_registration_number IS NULL AND NOT EXISTS (
                     SELECT 1 FROM budget_payee p WHERE p.name_lo = g.payee_name_lo)))
            ORDER BY COALESCE(g.payee_registration_number, g.payee_name_lo), g.row_no"""  # noqa: S608
        )
        cur.execute(
            """INSERT INTO budget_payee (public_id, name_lo, name_en, kind, registration_number, search_text,
                   total_received, created_at)
               SELECT gen_random_uuid(), name_lo, name_en, kind, reg, '', 0, now() FROM budget_newpayee
               RETURNING id, name_lo, name_en, registration_number"""
        )
        _payee_search_text(cur, cur.fetchall())
        # Rows go in index order (agency, date): the B-tree pages they touch stay few and hot.
        cur.execute(
            f"""CREATE TEMP TABLE budget_inserted ON COMMIT DROP AS
            WITH ins AS (
              INSERT INTO budget_transaction (fiscal_year_id, agency_id, reference, date, payee_id, purpose_lo,
                   purpose_en, amount, budget_line_id, contract_id, batch_id)
              SELECT %(fy)s, g.agency_ref, g.reference, g.date::date, COALESCE(pr.id, pn.id), g.purpose_lo,
                   COALESCE(g.purpose_en, ''), g.amount::bigint, g.budget_line_ref, g.contract_ref, %(batch)s
              FROM budget_valid g
              LEFT JOIN budget_payee pr ON g.payee_registration_number IS NOT NULL
                   AND pr.registration_number = g.payee_registration_number
              LEFT JOIN (SELECT name_lo, min(id) AS id FROM budget_payee
                         WHERE name_lo IN (SELECT payee_name_lo FROM budget_valid
                                           WHERE payee_registration_number IS NULL)
                         GROUP BY name_lo) pn
                   ON g.payee_registration_number IS NULL AND pn.name_lo = g.payee_name_lo
              WHERE {good}
              ORDER BY g.agency_ref, g.date, g.row_no
              RETURNING agency_id, payee_id, date, amount)
            SELECT agency_id, payee_id, EXTRACT(MONTH FROM date)::int AS month, amount FROM ins""",  # noqa: S608
            {"fy": fy, "batch": batch.pk},
        )
        cur.execute("SELECT count(*) FROM budget_inserted")
        inserted = cur.fetchone()[0]
        cur.execute("SELECT DISTINCT agency_id FROM budget_inserted")
        agencies = {r[0] for r in cur.fetchall()}
    rollups_add_inserted(fy)
    return inserted, agencies


def rollups_add_inserted(fy: int) -> None:
    """Add the rows of temp table budget_inserted (agency_id, payee_id, month, amount) to the transaction rollups:
    publishing only ever adds transactions, so adding their sums keeps the rollups equal to the raw sums without
    re-reading the fact table."""
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO budget_agencymonthtotal (agency_id, fiscal_year_id, month, amount, count)
               SELECT agency_id, %s, month, SUM(amount), COUNT(*) FROM budget_inserted GROUP BY agency_id, month
               ON CONFLICT (agency_id, fiscal_year_id, month) DO UPDATE
               SET amount = budget_agencymonthtotal.amount + EXCLUDED.amount,
                   count = budget_agencymonthtotal.count + EXCLUDED.count""",
            [fy],
        )
        cur.execute(
            """INSERT INTO budget_payeeagencyyeartotal (payee_id, agency_id, fiscal_year_id, amount, count)
               SELECT payee_id, agency_id, %s, SUM(amount), COUNT(*) FROM budget_inserted
               GROUP BY payee_id, agency_id
               ON CONFLICT (agency_id, fiscal_year_id, payee_id) DO UPDATE
               SET amount = budget_payeeagencyyeartotal.amount + EXCLUDED.amount,
                   count = budget_payeeagencyyeartotal.count + EXCLUDED.count""",
            [fy],
        )
        cur.execute(
            """UPDATE budget_payee p SET total_received = p.total_received + x.s
               FROM (SELECT payee_id, SUM(amount) AS s FROM budget_inserted GROUP BY payee_id) x
               WHERE p.id = x.payee_id"""
        )
        cur.execute(
            """INSERT INTO budget_agencyyeartotal (agency_id, fiscal_year_id, proposed, approved, adjusted, executed,
                   transactions_amount, transactions_count)
               SELECT agency_id, %s, 0, 0, 0, 0, SUM(amount), COUNT(*) FROM budget_inserted GROUP BY agency_id
               ON CONFLICT (agency_id, fiscal_year_id) DO UPDATE
               SET transactions_amount = budget_agencyyeartotal.transactions_amount + EXCLUDED.transactions_amount,
                   transactions_count = budget_agencyyeartotal.transactions_count + EXCLUDED.transactions_count""",
            [fy],
        )


def _payee_search_text(cur: Any, payees: list[tuple]) -> None:
    if not payees:
        return
    from elaos.search.lao import index_text

    rows = [(index_text(f"{lo} {en} {reg or ''}"), pk) for pk, lo, en, reg in payees]
    if connection.vendor == "postgresql":
        cur.execute("CREATE TEMP TABLE budget_payeetext (id bigint, t text) ON COMMIT DROP")
        with cur.cursor.copy("COPY budget_payeetext (t, id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute("UPDATE budget_payee p SET search_text = x.t FROM budget_payeetext x WHERE p.id = x.id")
    else:
        cur.executemany("UPDATE budget_payee SET search_text = %s WHERE id = %s", rows)


# --- publishing in Python --------------------------------------------------------------------------------------------


def _payee_resolver() -> Any:
    by_reg: dict[str, int] = {}
    by_name: dict[str, int] = {}
    loaded: set[str] = set()

    def resolve(name_lo: str, name_en: str, kind: str, reg: str | None) -> int:
        if reg:
            if "reg" not in loaded:
                loaded.add("reg")
                by_reg.update(
                    Payee.objects.filter(registration_number__isnull=False).values_list("registration_number", "pk")
                )
            pk = by_reg.get(reg)
        else:
            if "name" not in loaded:
                loaded.add("name")
                for name, p in Payee.objects.order_by("-pk").values_list("name_lo", "pk"):
                    by_name[name] = p  # the lowest id wins (iterated last)
            pk = by_name.get(name_lo)
        if pk:
            return pk
        payee = Payee.objects.create(
            name_lo=name_lo, name_en=name_en or "", kind=kind or Payee.Kind.COMPANY, registration_number=reg
        )
        if reg:
            by_reg[reg] = payee.pk
        else:
            by_name[name_lo] = payee.pk
        return payee.pk

    return resolve


def _publish_transactions(batch: ImportBatch, rows: list[dict[str, Any]]) -> tuple[int, set[int]]:
    resolve = _payee_resolver()
    objs = []
    for v in rows:
        objs.append(
            Transaction(
                fiscal_year_id=batch.fiscal_year_id,
                agency_id=v["agency"],
                reference=v["reference"],
                date=v["date"],
                payee_id=resolve(
                    v["payee_name_lo"], v["payee_name_en"] or "", v["payee_kind"], v["payee_registration_number"]
                ),
                purpose_lo=v["purpose_lo"],
                purpose_en=v["purpose_en"] or "",
                amount=v["amount"],
                budget_line_id=v["budget_code"],
                contract_id=v["contract_id"],
                batch_id=batch.pk,
            )
        )
    Transaction.objects.bulk_create(objs, batch_size=2000)
    return len(objs), {v["agency"] for v in rows}


def _publish_budget_lines(batch: ImportBatch, rows: list[dict[str, Any]]) -> tuple[int, set[int]]:
    """Upsert by (fiscal year, code): republishing a budget replaces its amounts and classification."""
    existing = {b.code: b for b in BudgetLine.objects.filter(fiscal_year_id=batch.fiscal_year_id)}
    new, changed = [], []
    for v in rows:
        line = existing.get(v["code"]) or BudgetLine(fiscal_year_id=batch.fiscal_year_id, code=v["code"])
        line.agency_id = v["agency"]
        line.function_id = v["function"]
        line.economic_id = v["economic"]
        line.programme_id = v["programme"]
        line.province_id = v["province"]
        line.funding_source = v["funding_source"]
        line.name_lo = v["name_lo"] or ""
        line.name_en = v["name_en"] or ""
        line.proposed = v["proposed"] or 0
        line.approved = v["approved"]
        line.adjusted = v["adjusted"]
        line.batch_id = batch.pk
        line.archived_at = None
        (changed if line.pk else new).append(line)
    BudgetLine.objects.bulk_create(new, batch_size=1000)
    fields = [
        "agency",
        "function",
        "economic",
        "programme",
        "province",
        "funding_source",
        "name_lo",
        "name_en",
        "proposed",
        "approved",
        "adjusted",
        "batch",
        "archived_at",
    ]
    BudgetLine.objects.bulk_update(changed, fields, batch_size=1000)
    return len(rows), {v["agency"] for v in rows}


def _publish_monthly_execution(batch: ImportBatch, rows: list[dict[str, Any]]) -> tuple[int, set[int]]:
    """Upsert by (budget line, month)."""
    lines = [v["budget_code"] for v in rows]
    existing = {(m.budget_line_id, m.month): m for m in MonthlyExecution.objects.filter(budget_line_id__in=set(lines))}
    new, changed = [], []
    for v in rows:
        m = existing.get((v["budget_code"], v["month"]))
        if m:
            m.executed, m.batch_id = v["executed"], batch.pk
            changed.append(m)
        else:
            new.append(
                MonthlyExecution(budget_line_id=v["budget_code"], month=v["month"], executed=v["executed"], batch=batch)
            )
    MonthlyExecution.objects.bulk_create(new, batch_size=2000)
    MonthlyExecution.objects.bulk_update(changed, ["executed", "batch"], batch_size=2000)
    agencies = set(BudgetLine.objects.filter(pk__in=set(lines)).values_list("agency_id", flat=True))
    return len(rows), agencies


def _publish_contracts(batch: ImportBatch, rows: list[dict[str, Any]]) -> tuple[int, set[int]]:
    """Each row: a tender (ocid from the contract id), its bids, the award and the contract."""
    from django.conf import settings as dj_settings

    resolve = _payee_resolver()
    for v in rows:
        supplier_id = resolve(
            v["supplier_name_lo"], v["supplier_name_en"] or "", Payee.Kind.COMPANY, v["supplier_registration_number"]
        )
        ocid = f"{dj_settings.GLASS_OCID_PREFIX}-{v['contract_id']}"
        tender, _created = Tender.objects.get_or_create(
            ocid=ocid,
            defaults={
                "agency_id": v["agency"],
                "fiscal_year_id": batch.fiscal_year_id,
                "budget_line_id": v["budget_code"],
                "title_lo": v["title_lo"],
                "title_en": v["title_en"] or "",
                "category": v["category"],
                "method": v["method"],
                "status": Tender.Status.COMPLETE,
                "published_on": v["tender_published_on"],
                "tender_period_start": v["tender_published_on"],
                "estimated_value": v["estimated_value"],
                "plan_item_id": v.get("plan_item"),
            },
        )
        for part in (v["bids"] or "").split(";"):
            bits = [b.strip() for b in part.split("|")]
            if len(bits) == 3 and INTEGER_RE.fullmatch(bits[2]):
                bidder = resolve(bits[0], "", Payee.Kind.COMPANY, bits[1] or None)
                Bid.objects.create(tender=tender, tenderer_id=bidder, amount=int(bits[2]))
        award = Award.objects.create(
            tender=tender,
            award_id=f"{ocid}-A1",
            supplier_id=supplier_id,
            amount=v["value"],
            date=v["award_date"],
        )
        Contract.objects.create(
            contract_id=v["contract_id"],
            award=award,
            agency_id=v["agency"],
            fiscal_year_id=batch.fiscal_year_id,
            supplier_id=supplier_id,
            budget_line_id=v["budget_code"],
            title_lo=v["title_lo"],
            title_en=v["title_en"] or "",
            value=v["value"],
            signed_on=v["signed_on"],
            batch=batch,
        )
    return len(rows), {v["agency"] for v in rows}


def _publish_procurement_plan(batch: ImportBatch, rows: list[dict[str, Any]]) -> tuple[int, set[int]]:
    """One plan per (agency, fiscal year), created on its first publication; items upserted by (plan, item code), so
    republishing a plan replaces its items' description, method, value, quarter and budget line."""
    from elaos.agencies.models import Organisation

    agencies = {v["agency"] for v in rows}
    plans = {
        p.agency_id: p
        for p in ProcurementPlan.objects.filter(fiscal_year_id=batch.fiscal_year_id, agency_id__in=agencies)
    }
    published_on = timezone.localdate()
    for org in Organisation.objects.filter(pk__in=agencies - set(plans)).only("pk", "name_lo", "name_en"):
        plans[org.pk] = ProcurementPlan.objects.create(
            agency_id=org.pk,
            fiscal_year_id=batch.fiscal_year_id,
            title_lo=f"ແຜນການຈັດຊື້ຈັດຈ້າງ {org.name_lo} ປີ {batch.fiscal_year_id}"[:300],
            title_en=f"Procurement plan {batch.fiscal_year_id}: {org.name_en or org.name_lo}"[:300],
            published_on=published_on,
            batch=batch,
        )
    ProcurementPlan.objects.filter(pk__in=[p.pk for p in plans.values()]).update(
        published_on=published_on, batch=batch, updated_at=timezone.now()
    )
    existing = {
        (i.plan_id, i.code): i for i in ProcurementPlanItem.objects.filter(plan__in=[p.pk for p in plans.values()])
    }
    new, changed = [], []
    for v in rows:
        plan = plans[v["agency"]]
        item = existing.get((plan.pk, v["item_code"])) or ProcurementPlanItem(plan=plan, code=v["item_code"])
        item.description_lo = v["description_lo"]
        item.description_en = v["description_en"] or ""
        item.category = v["category"]
        item.method = v["method"]
        item.estimated_value = v["estimated_value"]
        item.planned_quarter = v["planned_quarter"]
        item.budget_line_id = v["budget_code"]
        (changed if item.pk else new).append(item)
    ProcurementPlanItem.objects.bulk_create(new, batch_size=1000)
    fields = ["description_lo", "description_en", "category", "method", "estimated_value", "planned_quarter",
              "budget_line"]  # fmt: skip
    ProcurementPlanItem.objects.bulk_update(changed, fields, batch_size=1000)
    return len(rows), agencies


PUBLISHERS = {
    "transactions": _publish_transactions,
    "budget_lines": _publish_budget_lines,
    "monthly_execution": _publish_monthly_execution,
    "procurement_plan": _publish_procurement_plan,
    "contracts": _publish_contracts,
}


# --- batch life cycle ----------------------------------------------------------------------------------------------


def _progress(batch: ImportBatch, percent: int | None, message: str, **fields: Any) -> None:
    update: dict[str, Any] = {"progress_message": message[:200], **fields}
    if percent is not None:
        update["progress"] = percent
    ImportBatch.objects.filter(pk=batch.pk).update(**update)


def _store_errors(batch: ImportBatch, errors: list[RowError], counts: Counter) -> None:
    ImportRowError.objects.filter(batch=batch).delete()
    limit = settings.GLASS_MAX_ROW_ERRORS
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                batch=batch,
                row=e.row,
                column=e.column[:60],
                code=e.code,
                value=(e.value or "")[:200],
                message=str(Code(e.code).label) if e.code in Code.values else "",
            )
            for e in errors[:limit]
        ],
        batch_size=2000,
    )


def _preview(text: str, errors: list[RowError]) -> list[dict[str, Any]]:
    by_row: dict[int, list[str]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e.column)
    preview = []
    for number, cells in iter_records(text):
        if number == 0:
            preview.append({"row": 0, "cells": cells})
            continue
        if len(preview) > settings.GLASS_PREVIEW_ROWS:
            break
        preview.append({"row": number, "cells": cells, "errors": by_row.get(number, [])})
    return preview


@dataclass
class Outcome:
    total: int
    errors: list[RowError]
    counts: Counter
    bad_rows: int = 0
    rows: dict[int, dict[str, Any]] | None = None
    header: list[str] | None = None


def run_validation(batch: ImportBatch, text: str, *, path: str = "auto") -> Outcome:
    """Validate ``text`` against the batch's schema, with the PostgreSQL path when it applies (``path`` "python"
    forces the Python one). On PostgreSQL the staging tables live until the surrounding transaction ends."""
    schema = schema_for(batch.information_type)
    if path != "python" and pg_supported(batch):
        first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
        header = _header(schema, first)
        try:
            with transaction.atomic():  # a savepoint: a COPY that cannot parse the file falls back to Python
                total, errors, counts, bad = pg_validate_transactions(batch, text, header)
                return Outcome(total, errors, counts, bad, header=header)
        except Exception as exc:
            import psycopg

            if not isinstance(exc, psycopg.errors.DataError | psycopg.errors.BadCopyFileFormat):
                raise
    validation = validate_python(batch, text)
    counts = Counter(e.code for e in validation.errors)
    bad = len(validation.bad_rows)
    return Outcome(validation.total, validation.errors, counts, bad, rows=validation.rows, header=validation.header)


def _fail(batch: ImportBatch, problem: ImportProblem) -> None:
    with transaction.atomic():
        ImportRowError.objects.filter(batch=batch).delete()
        ImportRowError.objects.create(
            batch=batch,
            row=problem.row,
            column=problem.column[:60],
            code=problem.code,
            value=problem.value[:200],
            message=problem.message[:300],
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.INVALID,
            rows_total=0,
            rows_valid=0,
            rows_invalid=0,
            errors_summary={problem.code: 1},
            error_message=problem.message,
            progress=100,
            progress_message="",
            validated_at=timezone.now(),
        )


def batch_validate(batch: ImportBatch) -> ImportBatch:
    """Validate a batch and record the outcome on it: status validated (no errors) or invalid, counts, errors
    by reason, the rows' errors and a preview. Publishes nothing."""
    _progress(batch, 0, "validating", status=ImportBatch.Status.VALIDATING)
    try:
        text = batch_text(batch)
        with transaction.atomic():
            outcome = run_validation(batch, text)
            _store_errors(batch, outcome.errors, outcome.counts)
    except ImportProblem as problem:
        _fail(batch, problem)
        batch.refresh_from_db()
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.INVALID if outcome.errors else ImportBatch.Status.VALIDATED,
        rows_total=outcome.total,
        rows_invalid=outcome.bad_rows,
        rows_valid=outcome.total - outcome.bad_rows,
        errors_summary=dict(outcome.counts),
        error_message="",
        preview=_preview(text, outcome.errors),
        progress=100,
        progress_message="",
        validated_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


# Information types whose publication can raise red flags (payments and procurement).
FLAGGED_TYPES = frozenset({"transactions", "contracts"})


def batch_publish(batch: ImportBatch, *, actor: Any = None, path: str = "auto") -> ImportBatch:
    """Validate again and publish in one database transaction: every row or none ("all" mode, refused when a row
    has an error), or only the good rows ("keep_good" mode). Rollups and deadlines are refreshed and the
    publication audited in the same transaction; a failure leaves nothing behind."""
    from elaos.core.audit import audit_record

    from .services import deadlines_fulfil, rollups_refresh

    keep_good = batch.mode == ImportBatch.Mode.KEEP_GOOD
    _progress(batch, 0, "publishing", status=ImportBatch.Status.PUBLISHING)
    try:
        text = batch_text(batch)
    except ImportProblem as problem:
        _fail(batch, problem)
        batch.refresh_from_db()
        return batch
    info_code = batch.information_type.code
    try:
        with transaction.atomic():
            outcome = run_validation(batch, text, path=path)
            bad_rows = {e.row for e in outcome.errors}
            if outcome.errors and not keep_good:
                raise _Refused(outcome)
            if outcome.rows is None:  # PostgreSQL path: the staging tables are still here
                inserted, agencies = pg_publish_transactions(batch, keep_good=keep_good)
            else:
                good = [v for n, v in sorted(outcome.rows.items()) if n not in bad_rows]
                inserted, agencies = PUBLISHERS[info_code](batch, good)
            _progress(batch, 80, "refreshing totals")
            years = [batch.fiscal_year_id] if batch.fiscal_year_id else None
            if outcome.rows is not None:  # the PostgreSQL path added its rows to the rollups already
                rollups_refresh(fiscal_years=years, agency_ids=agencies if info_code == "transactions" else None)
            now = timezone.now()
            _store_errors(batch, outcome.errors, outcome.counts)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.PUBLISHED,
                rows_total=outcome.total,
                rows_invalid=outcome.bad_rows,
                rows_valid=outcome.total - outcome.bad_rows,
                rows_published=inserted,
                errors_summary=dict(outcome.counts),
                published_at=now,
                published_by=actor if getattr(actor, "is_authenticated", False) else None,
                progress=100,
                progress_message="",
            )
            batch.refresh_from_db()
            deadlines_fulfil(batch)
            audit_record(
                actor=actor,
                action="budget.batch_publish",
                obj=batch,
                data={
                    "agency": batch.agency.code,
                    "type": info_code,
                    "rows": inserted,
                    "rejected": outcome.bad_rows,
                    "mode": batch.mode,
                },
            )
            if info_code in FLAGGED_TYPES:
                from elaos.core.tasks import enqueue_on_commit

                from .tasks_oversight import flags_after_publish

                # Red flags of what this publication touched, once it is committed (the nightly run covers the rest).
                enqueue_on_commit(flags_after_publish, batch.fiscal_year_id, batch.agency_id)
    except _Refused as refused:
        with transaction.atomic():
            _store_errors(batch, refused.outcome.errors, refused.outcome.counts)
            bad = refused.outcome.bad_rows
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.INVALID,
                rows_total=refused.outcome.total,
                rows_invalid=bad,
                rows_valid=refused.outcome.total - bad,
                rows_published=0,
                errors_summary=dict(refused.outcome.counts),
                error_message="Nothing was published: some rows have errors.",
                progress=100,
                progress_message="",
            )
    except ImportProblem as problem:
        _fail(batch, problem)
    except Exception as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, error_message=str(exc)[:1000], progress=100, progress_message=""
        )
        raise
    batch.refresh_from_db()
    return batch


class _Refused(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("rows with errors")
        self.outcome = outcome
