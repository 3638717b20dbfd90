"""Publishing: templates, validation of every bad-row reason, atomic publish, keep-the-good-rows, XLSX, and the
PostgreSQL set-based path agreeing with the Python path."""

import csv
import datetime
import io

import pytest
from django.db import connection
from openpyxl import Workbook, load_workbook

from conftest import OrganisationFactory
from elaos.agencies.models import Organisation
from elaos.budget import imports, services
from elaos.budget.models import (
    AgencyMonthTotal,
    BudgetLine,
    Contract,
    EconomicClass,
    FunctionClass,
    ImportBatch,
    ImportRowError,
    InformationType,
    MonthlyExecution,
    Payee,
    PayeeAgencyYearTotal,
    PublicationDeadline,
    Transaction,
)
from elaos.core.models import AuditEvent

HEADER = [f["name"] for f in imports.table_schema("transactions")["fields"]]


def row(**values: str) -> list[str]:
    base = {
        "reference": "V-1",
        "date": "2025-03-10",
        "agency": "molsw",
        "payee_name_lo": "ບໍລິສັດ ສີສະຫວາດ ກໍ່ສ້າງ ຈຳກັດ",
        "payee_name_en": "Sisavath Construction Co., Ltd",
        "payee_kind": "company",
        "payee_registration_number": "01-0000001",
        "purpose_lo": "ກໍ່ສ້າງໂຮງຮຽນ",
        "purpose_en": "School construction",
        "amount": "45000000",
        "budget_code": "MOLSW-21",
        "contract_id": "",
    }
    base.update(values)
    return [base[h] for h in HEADER]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def setup(db, ministry, staff_user):  # type: ignore[no-untyped-def]
    services.fiscal_year_ensure(2025)
    dept = OrganisationFactory(code="molsw-dept", kind=Organisation.Kind.DEPARTMENT, parent=ministry)
    other = OrganisationFactory(code="moh", name_lo="ກະຊວງສາທາລະນະສຸກ", name_en="Health")
    line = BudgetLine.objects.create(
        fiscal_year_id=2025,
        code="MOLSW-21",
        agency=ministry,
        function=FunctionClass.objects.get(code="10"),
        economic=EconomicClass.objects.get(code="22"),
        approved=1_000_000_000,
    )
    payee = Payee.objects.create(name_lo="ບໍລິສັດ ກ", name_en="Company K", registration_number="01-9999999")
    contract = Contract.objects.create(
        contract_id="C-1",
        agency=ministry,
        fiscal_year_id=2025,
        supplier=payee,
        title_lo="ສັນຍາ",
        value=500_000_000,
        signed_on=datetime.date(2025, 2, 1),
        budget_line=line,
    )
    return {"ministry": ministry, "dept": dept, "other": other, "line": line, "contract": contract}


@pytest.fixture
def staff_user(db):  # type: ignore[no-untyped-def]
    from conftest import StaffFactory

    return StaffFactory()


def new_batch(agency, content: bytes, *, filename: str = "tx.csv", mode: str = "all", actor=None) -> ImportBatch:  # type: ignore[no-untyped-def]
    return services.batch_create(
        actor=actor,
        agency=agency,
        information_type=InformationType.objects.get(code="transactions"),
        content=content,
        filename=filename,
        fiscal_year=2025,
        mode=mode,
        validate=False,
    )


BAD_ROWS = [
    (row(reference="OK-1"), None),
    (row(reference="NEG", amount="-5"), ("amount", "negative")),
    (row(reference="DATE", date="2025-02-30"), ("date", "bad_date")),
    (row(reference="DATE2", date="10/03/2025"), ("date", "bad_date")),
    (row(reference="PERIOD", date="2024-12-31"), ("date", "out_of_period")),
    (row(reference="AG", agency="nope"), ("agency", "unknown_agency")),
    (row(reference="WRONG", agency="moh"), ("agency", "wrong_agency")),
    (row(reference="BL", budget_code="NOPE"), ("budget_code", "unknown_budget_line")),
    (row(reference="CT", contract_id="C-404"), ("contract_id", "unknown_contract")),
    (row(reference="NUM", amount="12,000"), ("amount", "bad_number")),
    (row(reference="REQ", purpose_lo=""), ("purpose_lo", "required")),
    (row(reference="KIND", payee_kind="friend"), ("payee_kind", "bad_value")),
    (row(reference="LONG", payee_registration_number="9" * 41), ("payee_registration_number", "too_long")),
    (row(reference="OK-1"), ("reference", "duplicate")),
    (row(reference="PUBLISHED"), ("reference", "duplicate")),
    (row(reference="OK-2", agency="molsw-dept", contract_id="C-1", amount="120000000"), None),
]


def expected_errors() -> set[tuple[int, str, str]]:
    return {(n, e[0], e[1]) for n, (_r, e) in enumerate(BAD_ROWS, start=1) if e}


@pytest.fixture
def published_reference(setup):  # type: ignore[no-untyped-def]
    Transaction.objects.create(
        fiscal_year_id=2025,
        agency=setup["ministry"],
        reference="PUBLISHED",
        date=datetime.date(2025, 1, 5),
        payee=Payee.objects.first(),
        amount=40_000_000,
    )


def test_templates_follow_the_table_schema():
    from frictionless import Schema

    for code in imports.schema_codes():
        Schema.from_descriptor(str(imports.SCHEMA_DIR / f"{code}.json"))  # a valid Table Schema
    text = imports.template_csv("transactions").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == HEADER
    wb = load_workbook(io.BytesIO(imports.template_xlsx("transactions")))
    assert [c.value for c in wb["data"][1]] == HEADER
    assert wb["fields"].max_row == len(HEADER) + 1


def test_validation_reports_each_bad_row_and_why(setup, published_reference):
    batch = new_batch(setup["ministry"], csv_bytes([r for r, _e in BAD_ROWS]))
    batch = imports.batch_validate(batch)
    assert batch.status == ImportBatch.Status.INVALID
    found = set(ImportRowError.objects.filter(batch=batch).values_list("row", "column", "code"))
    assert found == expected_errors()
    assert batch.rows_total == len(BAD_ROWS)
    assert batch.rows_invalid == len(expected_errors())
    assert batch.errors_summary["duplicate"] == 2
    assert batch.preview[0]["cells"] == HEADER
    assert Transaction.objects.count() == 1  # validation publishes nothing


def test_not_utf8_is_one_encoding_error(setup):
    content = csv_bytes([row()]).decode("utf-8").replace("ບໍລິສັດ", "Société").encode("latin-1", "replace")
    content += "\nV-9,2025-01-01,molsw,Café,,,,x,,40000000,,\n".encode("latin-1")
    batch = imports.batch_validate(new_batch(setup["ministry"], content))
    assert batch.status == ImportBatch.Status.INVALID
    assert list(ImportRowError.objects.filter(batch=batch).values_list("code", flat=True)) == ["encoding"]


def test_missing_required_column_is_a_header_error(setup):
    header = [h for h in HEADER if h != "amount"]
    content = csv_bytes([[v for h, v in zip(HEADER, row(), strict=True) if h != "amount"]], header)
    batch = imports.batch_validate(new_batch(setup["ministry"], content))
    errors = list(ImportRowError.objects.filter(batch=batch))
    assert [(e.row, e.code, e.column) for e in errors] == [(0, "header", "amount")]


def test_publish_all_or_nothing_writes_nothing_when_a_row_is_bad(setup, staff_user):
    batch = new_batch(setup["ministry"], csv_bytes([row(reference="A"), row(reference="B", amount="-1")]))
    batch = imports.batch_publish(batch, actor=staff_user)
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows_published == 0
    assert Transaction.objects.count() == 0
    assert not Payee.objects.filter(registration_number="01-0000001").exists()
    assert not AuditEvent.objects.filter(action="budget.batch_publish").exists()


def test_publish_failure_midway_rolls_everything_back(setup, staff_user, monkeypatch):
    def boom(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "deadlines_fulfil", boom)  # the last step before the audit, on both paths
    batch = new_batch(setup["ministry"], csv_bytes([row(reference="A"), row(reference="B")]))
    with pytest.raises(RuntimeError):
        imports.batch_publish(batch, actor=staff_user)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert Transaction.objects.count() == 0
    assert not Payee.objects.filter(registration_number="01-0000001").exists()


def test_publish_all_rows_refreshes_rollups_deadlines_and_audits(setup, staff_user):
    services.deadlines_ensure(agency_ids=[setup["ministry"].pk], year=2025)
    rows = [row(reference="A"), row(reference="B", date="2025-03-20", amount="60000000")]
    rows.append(row(reference="C", payee_registration_number="", payee_name_lo="ທ່ານ ບຸນມີ", payee_kind="individual"))
    batch = new_batch(setup["ministry"], csv_bytes(rows), actor=staff_user)
    batch.period_start, batch.period_end = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
    batch.save()
    batch = imports.batch_publish(batch, actor=staff_user)
    assert batch.status == ImportBatch.Status.PUBLISHED, batch.error_message
    assert batch.rows_published == 3
    assert Transaction.objects.filter(batch=batch).count() == 3
    payee = Payee.objects.get(registration_number="01-0000001")
    assert payee.search_text  # segmented for search
    assert Payee.objects.filter(name_lo="ທ່ານ ບຸນມີ", registration_number__isnull=True).count() == 1
    month = AgencyMonthTotal.objects.get(agency=setup["ministry"], fiscal_year_id=2025, month=3)
    assert (month.amount, month.count) == (45_000_000 * 2 + 60_000_000, 3)
    assert PayeeAgencyYearTotal.objects.get(payee=payee, agency=setup["ministry"]).amount == 105_000_000
    assert payee.total_received == 105_000_000
    deadline = PublicationDeadline.objects.get(
        agency=setup["ministry"], information_type__code="transactions", period_start=datetime.date(2025, 3, 1)
    )
    assert deadline.fulfilled_on is not None
    assert deadline.batch_id == batch.pk
    assert AuditEvent.objects.filter(action="budget.batch_publish", object_id=str(batch.public_id)).exists()
    # Publishing the same file again: every row is now a duplicate, nothing more is written.
    again = imports.batch_publish(new_batch(setup["ministry"], csv_bytes(rows)), actor=staff_user)
    assert again.status == ImportBatch.Status.INVALID
    assert again.errors_summary == {"duplicate": 3}
    assert Transaction.objects.count() == 3


def test_keep_good_rows_publishes_only_the_good_ones(setup, published_reference, staff_user):
    batch = new_batch(setup["ministry"], csv_bytes([r for r, _e in BAD_ROWS]), mode="keep_good")
    batch = imports.batch_publish(batch, actor=staff_user)
    assert batch.status == ImportBatch.Status.PUBLISHED
    assert batch.rows_published == 2
    assert set(Transaction.objects.filter(batch=batch).values_list("reference", flat=True)) == {"OK-1", "OK-2"}
    paid = Transaction.objects.get(reference="OK-2")
    assert paid.contract == setup["contract"]
    assert paid.agency == setup["dept"]
    assert ImportRowError.objects.filter(batch=batch).count() == len(expected_errors())


def test_xlsx_upload_validates_like_csv(setup, published_reference):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r, _e in BAD_ROWS:
        cells: list[object] = list(r)
        if r[HEADER.index("amount")].isdigit():
            cells[HEADER.index("amount")] = int(r[HEADER.index("amount")])  # numbers typed as numbers
        if r[HEADER.index("date")] == "2025-03-10":
            cells[HEADER.index("date")] = datetime.datetime(2025, 3, 10)  # a date cell
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    batch = new_batch(setup["ministry"], out.getvalue(), filename="tx.xlsx")
    assert batch.file_format == ImportBatch.Format.XLSX
    batch = imports.batch_validate(batch)
    assert set(ImportRowError.objects.filter(batch=batch).values_list("row", "column", "code")) == expected_errors()


def test_budget_lines_and_monthly_execution_upsert(setup, staff_user):
    lines = csv_bytes(
        [
            ["MOLSW-21", "molsw", "10", "22", "", "", "domestic", "ຊື້", "Goods", "100", "900000000", ""],
            ["MOLSW-31", "molsw-dept", "10", "31", "", "01", "loan", "ລົງທຶນ", "Investment", "", "500000000", ""],
            ["BAD", "molsw", "99", "22", "", "", "cash", "", "", "", "-3", ""],
        ],
        [f["name"] for f in imports.table_schema("budget_lines")["fields"]],
    )
    batch = services.batch_create(
        actor=staff_user,
        agency=setup["ministry"],
        information_type=InformationType.objects.get(code="budget_lines"),
        content=lines,
        filename="lines.csv",
        fiscal_year=2025,
        mode="keep_good",
        validate=False,
    )
    batch = imports.batch_publish(batch, actor=staff_user)
    assert batch.status == ImportBatch.Status.PUBLISHED
    codes = set(ImportRowError.objects.filter(batch=batch).values_list("column", "code"))
    assert codes == {("function", "unknown_code"), ("funding_source", "bad_value"), ("approved", "negative")}
    assert BudgetLine.objects.get(code="MOLSW-21").approved == 900_000_000  # updated in place
    assert BudgetLine.objects.get(code="MOLSW-31").province.code == "01"
    execution = csv_bytes([["MOLSW-21", "1", "70000000"], ["MOLSW-21", "2", "80000000"], ["MOLSW-21", "13", "1"]],
                          ["budget_code", "month", "executed"])  # fmt: skip
    batch = services.batch_create(
        actor=staff_user,
        agency=setup["ministry"],
        information_type=InformationType.objects.get(code="monthly_execution"),
        content=execution,
        filename="exec.csv",
        fiscal_year=2025,
        mode="keep_good",
        validate=False,
    )
    batch = imports.batch_publish(batch, actor=staff_user)
    assert batch.rows_published == 2
    assert list(ImportRowError.objects.filter(batch=batch).values_list("row", "code")) == [(3, "bad_value")]
    assert MonthlyExecution.objects.filter(budget_line__code="MOLSW-21").count() == 2
    assert BudgetLine.objects.get(code="MOLSW-21").executed == 150_000_000  # rollup refreshed


def test_batch_create_validates_small_files_inline(setup, staff_user):
    batch = services.batch_create(
        actor=staff_user,
        agency=setup["ministry"],
        information_type=InformationType.objects.get(code="transactions"),
        content=csv_bytes([row()]),
        filename="tx.csv",
        fiscal_year=2025,
    )
    assert batch.status == ImportBatch.Status.VALIDATED
    assert batch.rows_valid == 1
    assert AuditEvent.objects.filter(action="budget.batch_upload").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path runs on PostgreSQL only")
def test_postgresql_and_python_paths_report_the_same_errors(setup, published_reference):
    from django.db import transaction

    batch = new_batch(
        setup["ministry"], csv_bytes([r for r, _e in BAD_ROWS] + [["", "", "", "", "", "", "", "", "", "", "", ""]])
    )
    text = imports.batch_text(batch)
    with transaction.atomic():
        pg = imports.run_validation(batch, text)
        assert pg.rows is None  # the set-based path ran
    with transaction.atomic():
        py = imports.run_validation(batch, text, path="python")
    assert {e.key() for e in pg.errors} == {e.key() for e in py.errors} == expected_errors()
    assert [(e.key(), e.value) for e in pg.errors] == [(e.key(), e.value) for e in py.errors]
    assert pg.total == py.total
