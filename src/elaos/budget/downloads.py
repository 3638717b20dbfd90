"""Downloads of what a portal page shows: every list and chart offers exactly its filtered rows as CSV, JSON and
XLSX. A page describes each of its tables once (a ``DataTable``: stable column keys and the rows) and hands them to
``download_response``; the same query feeds the HTML and the file, so the file holds what the page filtered and
never a different query's idea of it.

Column keys are stable English identifiers (``amount_kip``, ``agency_code``), not translated headings: a file is read
by programs as often as by people. Amounts stay integers of kip. CSV and JSON stream, so a large filtered list
downloads in constant memory; XLSX is written with openpyxl's write-only mode and refused above what a sheet holds.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

DOWNLOAD_PARAM, FORMAT_PARAM = "download", "format"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# One header row plus this many rows fill a sheet (Excel's limit is 1,048,576 rows).
XLSX_MAX_ROWS = 1_048_575


@dataclass
class DataTable:
    """One downloadable table of a page: ``key`` names it in the URL (``?download=<key>&format=csv``), ``columns``
    are the stable column keys in order, ``rows`` gives mappings (or is called to give them, so a page that is not
    downloading never runs the query), ``filename`` is the file's stem."""

    key: str
    filename: str
    columns: list[str]
    rows: Iterable[Mapping[str, Any]] | Callable[[], Iterable[Mapping[str, Any]]] = field(default_factory=list)
    count: Callable[[], int] | None = None

    def iter_rows(self) -> Iterator[Mapping[str, Any]]:
        rows = self.rows() if callable(self.rows) else self.rows
        yield from rows


def requested(request: HttpRequest) -> tuple[str, str] | None:
    """(table key, format) when the request asks for a download in a known format, else None."""
    key, fmt = request.GET.get(DOWNLOAD_PARAM), request.GET.get(FORMAT_PARAM)
    if key and fmt in FORMATS:
        return key, fmt
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_chunks(table: DataTable) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark lets spreadsheet programs read the Lao script as UTF-8.
    yield "\ufeff" + writer.writerow(table.columns)
    for row in table.iter_rows():
        yield writer.writerow([_plain(row.get(column)) for column in table.columns])


def _json_chunks(table: DataTable) -> Iterator[str]:
    yield '{"columns": ' + json.dumps(table.columns) + ', "rows": ['
    first = True
    for row in table.iter_rows():
        item = {column: _json_value(row.get(column)) for column in table.columns}
        yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]}\n"


def _xlsx_bytes(table: DataTable) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.key[:31])
    sheet.append(table.columns)
    for row in table.iter_rows():
        sheet.append([_json_value(row.get(column)) for column in table.columns])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The file is exactly what the query string asked for; the page's own short cache would drop this header.
    response["Cache-Control"] = "no-store"
    return response


def download_response(table: DataTable, fmt: str) -> HttpResponse:
    filename = f"{table.filename}.{fmt}"
    if fmt == "xlsx":
        if table.count is not None and table.count() > XLSX_MAX_ROWS:
            return HttpResponse(
                _("Too many rows for a spreadsheet: download CSV or JSON, or narrow the filters."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return _attachment(HttpResponse(_xlsx_bytes(table), content_type=FORMATS[fmt]), filename)
    chunks = _csv_chunks(table) if fmt == "csv" else _json_chunks(table)
    return _attachment(StreamingHttpResponse(chunks, content_type=FORMATS[fmt]), filename)


def table_download(request: HttpRequest, tables: Iterable[DataTable]) -> HttpResponse | None:
    """The download a request asks for among a page's tables, or None (show the page). An unknown table key is
    ignored, so a mistyped link shows the page rather than an error."""
    wanted = requested(request)
    if wanted is None:
        return None
    key, fmt = wanted
    for table in tables:
        if table.key == key:
            return download_response(table, fmt)
    return None
