"""Procurement plans are published like every other information type: a template from the table schema, CSV or XLSX
validated row by row, all or nothing or the good rows only, republishing replaces items; tenders name the plan item
they carry out, and the OCDS planning section then says so."""

import csv
import io
import json

from openpyxl import Workbook, load_workbook

from elaos.budget import imports, services
from elaos.budget.models import ImportBatch, ImportRowError, InformationType, ProcurementPlan, ProcurementPlanItem
from elaos.budget.tests import test_services_imports as import_tests
from elaos.budget.tests.test_ocds import validate

csv_bytes = import_tests.csv_bytes
setup = import_tests.setup  # the import tests' fixtures: a ministry, its office, another agency, a budget line
staff_user = import_tests.staff_user

pytest_plugins = ["elaos.budget.tests.portal_data"]

PLAN_HEADER = [f["name"] for f in imports.table_schema("procurement_plan")["fields"]]
CONTRACT_HEADER = [f["name"] for f in imports.table_schema("contracts")["fields"]]


def item(**values: str) -> list[str]:
    base = {
        "item_code": "PP-1",
        "agency": "molsw",
        "description_lo": "ຊື້ຄອມພິວເຕີ",
        "description_en": "Computers",
        "category": "goods",
        "method": "open",
        "estimated_value": "300000000",
        "planned_quarter": "2",
        "budget_code": "MOLSW-21",
    }
    base.update(values)
    return [base[h] for h in PLAN_HEADER]


def plan_batch(agency, content: bytes, *, mode: str = "all", filename: str = "plan.csv") -> ImportBatch:  # type: ignore[no-untyped-def]
    return services.batch_create(
        actor=None,
        agency=agency,
        information_type=InformationType.objects.get(code="procurement_plan"),
        content=content,
        filename=filename,
        fiscal_year=2025,
        mode=mode,
        validate=False,
    )


BAD_ITEMS = [
    (item(item_code="OK-1"), None),
    (item(item_code="CAT", category="furniture"), ("category", "bad_value")),
    (item(item_code="Q5", planned_quarter="5"), ("planned_quarter", "bad_value")),
    (item(item_code="Q0", planned_quarter="0"), ("planned_quarter", "bad_value")),
    (item(item_code="NEG", estimated_value="-1"), ("estimated_value", "negative")),
    (item(item_code="BL", budget_code="NOPE"), ("budget_code", "unknown_budget_line")),
    (item(item_code="AG", agency="moh"), ("agency", "wrong_agency")),
    (item(item_code="REQ", description_lo=""), ("description_lo", "required")),
    (item(item_code="OK-1"), ("item_code", "duplicate")),
    (item(item_code="OK-2", agency="molsw-dept", planned_quarter="", budget_code=""), None),
]


def test_procurement_plan_is_publishable_with_templates(db):  # type: ignore[no-untyped-def]
    assert "procurement_plan" in imports.schema_codes()
    text = imports.template_csv("procurement_plan").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == PLAN_HEADER
    wb = load_workbook(io.BytesIO(imports.template_xlsx("procurement_plan")))
    assert [c.value for c in wb["data"][1]] == PLAN_HEADER
    # The information type of the reference data points at this schema.
    info = InformationType.objects.get(code="procurement_plan")
    assert imports.schema_for(info)["name"] == "procurement_plan"


def test_template_download_from_the_publishing_pages(client, portal, officer):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from elaos.budget.tests.test_views_publish import signed_in

    signed_in(client, officer)
    page = client.get(reverse("budget:publish_agency", args=["molsw"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("budget:publish_template", args=["molsw", "procurement_plan", "csv"]) in page
    response = client.get(reverse("budget:publish_template", args=["molsw", "procurement_plan", "xlsx"]))
    assert response.status_code == 200
    assert 'filename="procurement_plan-template.xlsx"' in response["Content-Disposition"]


def test_each_bad_plan_row_is_reported(setup):  # type: ignore[no-untyped-def]
    batch = imports.batch_validate(plan_batch(setup["ministry"], csv_bytes([r for r, _e in BAD_ITEMS], PLAN_HEADER)))
    assert batch.status == ImportBatch.Status.INVALID
    found = set(ImportRowError.objects.filter(batch=batch).values_list("row", "column", "code"))
    assert found == {(n, e[0], e[1]) for n, (_r, e) in enumerate(BAD_ITEMS, start=1) if e}
    assert not ProcurementPlanItem.objects.exists()


def test_all_or_nothing_then_keep_good_then_republish(setup, staff_user):  # type: ignore[no-untyped-def]
    content = csv_bytes([r for r, _e in BAD_ITEMS], PLAN_HEADER)
    refused = imports.batch_publish(plan_batch(setup["ministry"], content), actor=staff_user)
    assert refused.status == ImportBatch.Status.INVALID
    assert refused.rows_published == 0
    assert not ProcurementPlan.objects.exists()

    kept = imports.batch_publish(plan_batch(setup["ministry"], content, mode="keep_good"), actor=staff_user)
    assert kept.status == ImportBatch.Status.PUBLISHED, kept.error_message
    assert kept.rows_published == 2
    ministry_plan = ProcurementPlan.objects.get(agency=setup["ministry"], fiscal_year_id=2025)
    dept_plan = ProcurementPlan.objects.get(agency=setup["dept"], fiscal_year_id=2025)
    assert ministry_plan.batch == kept
    assert ministry_plan.published_on is not None
    ok1 = ProcurementPlanItem.objects.get(plan=ministry_plan, code="OK-1")
    assert (ok1.estimated_value, ok1.planned_quarter, ok1.budget_line) == (300_000_000, 2, setup["line"])
    ok2 = ProcurementPlanItem.objects.get(plan=dept_plan, code="OK-2")
    assert (ok2.planned_quarter, ok2.budget_line) == (None, None)

    # Republishing replaces the item in place and adds the new one; the plan stays one per agency and year.
    again = csv_bytes([item(item_code="OK-1", estimated_value="350000000", method="limited"), item(item_code="OK-3")],
                      PLAN_HEADER)  # fmt: skip
    done = imports.batch_publish(plan_batch(setup["ministry"], again), actor=staff_user)
    assert done.status == ImportBatch.Status.PUBLISHED
    ok1.refresh_from_db()
    assert (ok1.estimated_value, ok1.method) == (350_000_000, "limited")
    assert ProcurementPlan.objects.filter(agency=setup["ministry"]).count() == 1
    assert set(ministry_plan.items.values_list("code", flat=True)) == {"OK-1", "OK-3"}


def test_xlsx_plan_validates_like_csv(setup):  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(PLAN_HEADER)
    for r, _e in BAD_ITEMS:
        cells: list[object] = list(r)
        value = r[PLAN_HEADER.index("estimated_value")]
        if value.isdigit():
            cells[PLAN_HEADER.index("estimated_value")] = int(value)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    batch = imports.batch_validate(plan_batch(setup["ministry"], out.getvalue(), filename="plan.xlsx"))
    found = set(ImportRowError.objects.filter(batch=batch).values_list("row", "column", "code"))
    assert found == {(n, e[0], e[1]) for n, (_r, e) in enumerate(BAD_ITEMS, start=1) if e}


def contract_row(**values: str) -> list[str]:
    base = {
        "contract_id": "C-PLAN-1",
        "agency": "molsw",
        "title_lo": "ຄອມພິວເຕີ",
        "title_en": "Computers",
        "method": "open",
        "category": "goods",
        "tender_published_on": "2025-04-01",
        "estimated_value": "290000000",
        "supplier_name_lo": "ບໍລິສັດ ໄອທີ",
        "supplier_name_en": "IT Co",
        "supplier_registration_number": "01-4444444",
        "award_date": "2025-05-01",
        "value": "280000000",
        "signed_on": "2025-05-10",
        "budget_code": "",
        "bids": "ບໍລິສັດ ໄອທີ|01-4444444|280000000;ບໍລິສັດ ຂ|01-5555555|295000000",
        "plan_item": "PP-1",
    }
    base.update(values)
    return [base[h] for h in CONTRACT_HEADER]


def test_tenders_name_their_plan_item_and_ocds_plans_show_it(client, setup, staff_user):  # type: ignore[no-untyped-def]
    imports.batch_publish(plan_batch(setup["ministry"], csv_bytes([item()], PLAN_HEADER)), actor=staff_user)
    plan_item = ProcurementPlanItem.objects.get(code="PP-1")
    contracts = InformationType.objects.get(code="contracts")
    rows = [contract_row(), contract_row(contract_id="C-PLAN-2", plan_item="PP-404")]
    batch = services.batch_create(
        actor=staff_user,
        agency=setup["ministry"],
        information_type=contracts,
        content=csv_bytes(rows, CONTRACT_HEADER),
        filename="contracts.csv",
        fiscal_year=2025,
        mode="keep_good",
        validate=False,
    )
    batch = imports.batch_publish(batch, actor=staff_user)
    assert batch.status == ImportBatch.Status.PUBLISHED, batch.error_message
    assert list(ImportRowError.objects.filter(batch=batch).values_list("row", "column", "code")) == [
        (2, "plan_item", "unknown_plan_item")
    ]
    tender = plan_item.tenders.get()
    assert tender.ocid.endswith("C-PLAN-1")

    package = client.get("/api/v1/budget/ocds/release-package.json", {"ocid": tender.ocid}).json()
    validate(package, "release-package-schema.json")
    planning = package["releases"][0]["planning"]
    assert "item PP-1" in planning["rationale"]
    # The plan item's budget line and planned value (the tender has no budget line of its own here).
    assert planning["budget"]["id"] == "MOLSW-21"
    assert planning["budget"]["amount"] == {"amount": 300_000_000, "currency": "LAK"}
    assert planning["milestones"][0]["code"] == "procurementPlan"
    assert planning["milestones"][0]["dateMet"] == f"{ProcurementPlan.objects.get().published_on}T00:00:00+07:00"
    records = client.get("/api/v1/budget/ocds/record-package.json", {"ocid": tender.ocid}).json()
    validate(records, "record-package-schema.json")
    assert json.dumps(records["records"][0]["compiledRelease"]["planning"]) == json.dumps(planning)


def test_api_post_publishes_a_plan_with_the_same_rules(client, portal, officer):  # type: ignore[no-untyped-def]
    from elaos.budget.tests.test_views_publish import signed_in

    url = "/api/v1/budget/publications"
    good = {"item_code": "API-1", "agency": "molsw", "description_lo": "ຊື້ລົດ", "category": "goods", "method": "open",
            "estimated_value": 900_000_000, "planned_quarter": 3, "budget_code": "MOLSW-10-001"}  # fmt: skip
    body = {"agency": "molsw", "information_type": "procurement_plan", "fiscal_year": 2025, "rows": [good]}
    assert client.post(url, body, content_type="application/json").status_code == 401  # not signed in

    signed_in(client, officer)
    bad = {**good, "item_code": "API-2", "budget_code": "NO-SUCH-LINE", "estimated_value": -3}
    refused = client.post(url, {**body, "rows": [good, bad]}, content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert refused.status_code == 201
    report = refused.json()
    assert report["status"] == "invalid"
    assert report["rows_published"] == 0
    assert {(e["row"], e["column"], e["code"]) for e in report["errors"]} == {
        (2, "estimated_value", "negative"),
        (2, "budget_code", "unknown_budget_line"),
    }
    assert "Unknown budget code" in {e["message"] for e in report["errors"]}
    assert not ProcurementPlanItem.objects.exists()

    kept = client.post(url, {**body, "rows": [good, bad], "mode": "keep_good"}, content_type="application/json")
    assert kept.json()["status"] == "published"
    assert kept.json()["rows_published"] == 1
    item = ProcurementPlanItem.objects.get()
    assert (item.code, item.estimated_value, item.plan.agency.code) == ("API-1", 900_000_000, "molsw")
    batch = ImportBatch.objects.get(public_id=kept.json()["id"])
    assert batch.file_format == ImportBatch.Format.API
    assert kept.json()["url"].endswith(f"/budget/publish/batches/{batch.public_id}/")

    only_check = client.post(url, {**body, "publish": False}, content_type="application/json").json()
    assert only_check["status"] == "validated"
    assert ImportBatch.objects.get(public_id=only_check["id"]).status == ImportBatch.Status.VALIDATED

    other = client.post(url, {**body, "agency": "moh"}, content_type="application/json")
    assert other.status_code == 404  # an agency outside the officer's tree
    unknown = client.post(url, {**body, "rows": [{**good, "colour": "red"}]}, content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["message"]
