"""The budget as a Fiscal Data Package (0.3): a tabular data package whose ``model`` maps the CSV columns to
measures (the amounts, per budget phase) and dimensions (administrative, functional (COFOG) and economic (GFS)
classifications, province, funding source, date).

The descriptor declares ``"profile": "tabular-data-package"``: the FDP 0.3 JSON schema (vendored in
``opendata/fiscal-data-package.json``) extends the tabular data package profile and requires exactly that value.
The CSVs are written row by row from server-side cursors, so a dump or a download of millions of transactions
never holds them in memory.
"""

import csv
import datetime
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from elaos.budget.models import BudgetLine, BulkDump, Contract, Transaction

CHUNK = 5000


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    lookup: str
    title: str = ""
    required: bool = False


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    model: type
    columns: tuple[Column, ...]
    primary_key: str

    def queryset(self, *, year: int | None, agency_ids: list[int] | None) -> QuerySet:
        rows = self.model.objects.all()
        if self.model is not Transaction:
            rows = rows.filter(archived_at__isnull=True)
        if year is not None:
            rows = rows.filter(fiscal_year_id=year)
        if agency_ids is not None:
            rows = rows.filter(agency_id__in=agency_ids)
        return rows.order_by("id")

    def table_schema(self) -> dict:
        fields = []
        for column in self.columns:
            field: dict = {"name": column.name, "type": column.type}
            if column.title:
                field["title"] = column.title
            if column.required:
                field["constraints"] = {"required": True}
            fields.append(field)
        return {"fields": fields, "primaryKey": [self.primary_key], "missingValues": [""]}


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource(
            name="budget-lines",
            title="Budget lines: proposed, approved, adjusted and executed (kip)",
            model=BudgetLine,
            primary_key="id",
            columns=(
                Column("id", "string", "public_id", required=True),
                Column("fiscal_year", "integer", "fiscal_year_id", required=True),
                Column("budget_code", "string", "code", required=True),
                Column("name_lo", "string", "name_lo"),
                Column("name_en", "string", "name_en"),
                Column("agency_code", "string", "agency__code", "Administrative classification", True),
                Column("agency_name_lo", "string", "agency__name_lo"),
                Column("agency_name_en", "string", "agency__name_en"),
                Column("function_code", "string", "function__code", "Functional classification (COFOG)", True),
                Column("function_name_en", "string", "function__name_en"),
                Column("economic_code", "string", "economic__code", "Economic classification (GFS)", True),
                Column("economic_name_en", "string", "economic__name_en"),
                Column("programme_code", "string", "programme__code"),
                Column("province_code", "string", "province__code"),
                Column("funding_source", "string", "funding_source", required=True),
                Column("proposed", "integer", "proposed", required=True),
                Column("approved", "integer", "approved", required=True),
                Column("adjusted", "integer", "adjusted"),
                Column("executed", "integer", "executed", required=True),
            ),
        ),
        Resource(
            name="transactions",
            title="Transactions (kip)",
            model=Transaction,
            primary_key="id",
            columns=(
                Column("id", "integer", "id", required=True),
                Column("date", "date", "date", required=True),
                Column("fiscal_year", "integer", "fiscal_year_id", required=True),
                Column("reference", "string", "reference", required=True),
                Column("agency_code", "string", "agency__code", "Administrative classification", True),
                Column("payee_id", "string", "payee__public_id", required=True),
                Column("payee_name_lo", "string", "payee__name_lo", required=True),
                Column("payee_name_en", "string", "payee__name_en"),
                Column("payee_kind", "string", "payee__kind", required=True),
                Column("purpose_lo", "string", "purpose_lo"),
                Column("purpose_en", "string", "purpose_en"),
                Column("amount", "integer", "amount", required=True),
                Column("budget_code", "string", "budget_line__code"),
                Column("function_code", "string", "budget_line__function__code"),
                Column("economic_code", "string", "budget_line__economic__code"),
                Column("contract_id", "string", "contract__contract_id"),
            ),
        ),
        Resource(
            name="contracts",
            title="Contracts (kip)",
            model=Contract,
            primary_key="contract_id",
            columns=(
                Column("contract_id", "string", "contract_id", required=True),
                Column("fiscal_year", "integer", "fiscal_year_id", required=True),
                Column("agency_code", "string", "agency__code", required=True),
                Column("supplier_id", "string", "supplier__public_id", required=True),
                Column("supplier_name_lo", "string", "supplier__name_lo", required=True),
                Column("title_lo", "string", "title_lo", required=True),
                Column("title_en", "string", "title_en"),
                Column("status", "string", "status", required=True),
                Column("value", "integer", "value", required=True),
                Column("signed_on", "date", "signed_on", required=True),
                Column("budget_code", "string", "budget_line__code"),
                Column("award_id", "string", "award__award_id"),
            ),
        ),
    )
}


def _cell(value: object) -> object:
    return "" if value is None else value


def csv_rows(
    resource: Resource, *, year: int | None = None, agency_ids: list[int] | None = None, stats: dict | None = None
) -> Iterator[str]:
    """The resource as CSV text, the header first, a chunk of rows at a time (``stats["rows"]`` counts them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in resource.columns])
    lookups = [c.lookup for c in resource.columns]
    rows = resource.queryset(year=year, agency_ids=agency_ids).values_list(*lookups)
    count = 0
    for count, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        writer.writerow([_cell(v) for v in row])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if stats is not None:
        stats["rows"] = count
    yield buffer.getvalue()


def _dimension(attributes: dict[str, str], key: str, kind: str, classification: str | None = None) -> dict:
    dimension: dict = {
        "attributes": {name: {"source": source} for name, source in attributes.items()},
        "primaryKey": key,
        "dimensionType": kind,
    }
    if classification:
        dimension["classificationType"] = classification
    return dimension


def datapackage(*, paths: dict[str, str], year: int | None = None, title_suffix: str = "") -> dict:
    """The Fiscal Data Package descriptor; ``paths`` gives each resource's address (URL or file name)."""
    resources = []
    for name, resource in RESOURCES.items():
        resources.append(
            {
                "name": name,
                "title": resource.title,
                "profile": "tabular-data-resource",
                "path": paths[name],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": resource.table_schema(),
            }
        )
    descriptor: dict = {
        "profile": "tabular-data-package",
        "name": "lao-glass-accounts" + (f"-{year}" if year else ""),
        "title": "Lao PDR Glass Accounts: budget and spending" + title_suffix,
        "description": "The state budget of the Lao PDR by line (phases proposed, approved, adjusted, executed) and "
        "every published transaction and contract, in integer kip. Fiscal year = calendar year.",
        "homepage": f"{settings.SITE_URL}/budget/",
        "licenses": [
            {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "CC BY 4.0"}
        ],
        "countryCode": "LA",
        "granularity": "transactional",
        "resources": resources,
        "model": {
            "measures": {
                **{
                    phase: {
                        "source": phase,
                        "resource": "budget-lines",
                        "currency": "LAK",
                        "factor": 1,
                        "direction": "expenditure",
                        "phase": phase,
                    }
                    for phase in ("proposed", "approved", "adjusted", "executed")
                },
                "paid": {
                    "source": "amount",
                    "resource": "transactions",
                    "currency": "LAK",
                    "factor": 1,
                    "direction": "expenditure",
                    "phase": "executed",
                },
            },
            "dimensions": {
                "date": _dimension({"fiscal_year": "fiscal_year"}, "fiscal_year", "datetime"),
                "administrative": _dimension(
                    {"agency_code": "agency_code", "agency_name_en": "agency_name_en"},
                    "agency_code",
                    "classification",
                    "administrative",
                ),
                "functional": _dimension(
                    {"function_code": "function_code", "function_name_en": "function_name_en"},
                    "function_code",
                    "classification",
                    "functional",
                ),
                "economic": _dimension(
                    {"economic_code": "economic_code", "economic_name_en": "economic_name_en"},
                    "economic_code",
                    "classification",
                    "economic",
                ),
                "location": _dimension({"province_code": "province_code"}, "province_code", "location"),
                "funding": _dimension({"funding_source": "funding_source"}, "funding_source", "other"),
                "payee": _dimension({"payee_id": "payee_id", "payee_name_lo": "payee_name_lo"}, "payee_id", "entity"),
            },
        },
    }
    if year:
        descriptor["fiscalPeriod"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    return descriptor


def resource_names() -> Iterable[str]:
    return RESOURCES.keys()


# --- nightly bulk dumps -----------------------------------------------------------------------------------------------


def _write_ocds(path: Path) -> int:
    """The whole OCDS release package, written release by release (never all in memory)."""
    from elaos.budget import ocds

    count = 0
    published = timezone.now().replace(microsecond=0)
    meta = ocds._package_meta(f"{settings.SITE_URL}/api/v1/budget/dumps/{path.name}", published, None)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps(meta, ensure_ascii=False)[:-1] + ', "releases": [')
        after = None
        while True:
            tenders = list(ocds.ocds_tenders(after_id=after, limit=500))
            if not tenders:
                break
            for tender in tenders:
                for release in ocds.tender_releases(tender):
                    out.write(("," if count else "") + json.dumps(release, ensure_ascii=False))
                    count += 1
            after = tenders[-1].id
        out.write("]}")
    return count


def _write_csv(path: Path, resource: Resource) -> int:
    stats: dict = {}
    with gzip.open(path, "wt", encoding="utf-8", newline="") as out:
        for chunk in csv_rows(resource, stats=stats):
            out.write(chunk)
    return stats["rows"]


def _record(directory: Path, filename: str, dataset: str, fmt: str, rows: int, now) -> BulkDump:  # type: ignore[no-untyped-def]
    path = directory / filename
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    dump = BulkDump(dataset=dataset, format=fmt, rows=rows, size=path.stat().st_size, sha256=digest.hexdigest())
    dump.file.name = filename
    dump.generated_at = now
    dump.save()
    return dump


def bulk_dump_write(*, directory: Path | None = None, keep_days: int = 7) -> list[BulkDump]:
    """Write tonight's bulk files into BUDGET_DUMP_DIR (served at /api/v1/budget/dumps/): the OCDS release
    package and the Fiscal Data Package (descriptor + gzipped CSVs), dated; files older than ``keep_days`` go.
    Running it twice a day rewrites the day's files."""
    directory = Path(directory or settings.BUDGET_DUMP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    day = timezone.localdate().isoformat()
    dumps = []

    # Each file is written under a temporary name and renamed, so a download never sees half a file.
    def publish(filename: str, write) -> int:  # type: ignore[no-untyped-def]
        partial = directory / f".{filename}.partial"
        rows = write(partial)
        partial.replace(directory / filename)
        return rows

    name = f"ocds-release-package-{day}.json.gz"
    dumps.append(_record(directory, name, "ocds-release-package", "json.gz", publish(name, _write_ocds), now))
    paths = {}
    for resource in RESOURCES.values():
        name = f"{resource.name}-{day}.csv.gz"
        rows = publish(name, lambda p, r=resource: _write_csv(p, r))
        dumps.append(_record(directory, name, resource.name, "csv.gz", rows, now))
        paths[resource.name] = name
    name = f"datapackage-{day}.json"
    descriptor = datapackage(paths=paths)

    def write_descriptor(p: Path) -> int:
        p.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
        return len(descriptor["resources"])

    dumps.append(_record(directory, name, "fiscal-data-package", "json", publish(name, write_descriptor), now))
    BulkDump.objects.filter(generated_at__lt=now, file__in=[d.file.name for d in dumps]).delete()
    _prune(directory, keep_days)
    return dumps


def _prune(directory: Path, keep_days: int) -> None:
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    old = BulkDump.objects.filter(generated_at__lt=cutoff)
    for dump in old:
        (directory / Path(dump.file.name).name).unlink(missing_ok=True)
    old.delete()
