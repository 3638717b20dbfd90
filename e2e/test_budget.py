"""Glass Accounts in the browser: from the national overview down a ministry to a budget line, its contract and one
of its payments, each at its own stable URL; a filtered payment search downloaded as CSV holding exactly the rows
found; and axe-core on every page visited, on a desktop and a phone screen.

The data is the small published budget of the portal view tests (elaos.budget.tests.portal_data), rollups refreshed
by the data services as a publish would."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from conftest import OrganisationFactory
from elaos.budget.tests.portal_data import Portal, build_portal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_CONTEXT = {"bypass_csp": True}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.fixture
def data() -> Portal:
    labour = OrganisationFactory(code="molsw", name_lo="ກະຊວງແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ", name_en="Labour")
    return build_portal(labour)


def audit(axe, page: Page, label: str) -> None:  # type: ignore[no-untyped-def]
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        axe(page, f"{label} ({name})")


def test_drill_through_and_filtered_download(browsing, data: Portal, axe, lo) -> None:  # type: ignore[no-untyped-def]
    page = browsing.page(**AXE_CONTEXT)
    page.goto("/budget/?year=2025")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025")
    expect(page.locator("#ministry-chart-title")).to_be_attached()
    audit(axe, page, "overview")

    # Overview → the ministry (its table row links to the agency page).
    page.get_by_role("main").get_by_role("link", name=data.health.name_lo, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/budget/agencies/moh/"))
    audit(axe, page, "agency")

    # Agency → budget line.
    page.get_by_role("main").get_by_role("link", name=data.line.code, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/budget/lines/{data.line.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(data.line.name_lo)
    audit(axe, page, "budget line")

    # Budget line → contract.
    page.get_by_role("main").get_by_role("link", name=data.contract.title_lo, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/budget/contracts/{re.escape(data.contract.contract_id)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(data.contract.title_lo)
    audit(axe, page, "contract")

    # Contract → its first payment.
    first = data.payments[0]
    page.get_by_role("main").locator(f"a[href='/budget/payments/{first.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/budget/payments/{first.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.reference)
    audit(axe, page, "payment")

    # Search: the ministry's payments of at least 100 million kip, then the CSV of exactly those.
    page.goto("/budget/payments/")
    main = page.get_by_role("main")
    main.get_by_label(lo("Agency")).select_option("moh")
    main.get_by_label(lo("Amount from (kip)")).fill("100,000,000")
    main.get_by_role("button", name=lo("Search")).click()
    expect(page).to_have_url(re.compile(r"agency=moh"))
    expect(main.locator("table tbody tr")).to_have_count(2)
    audit(axe, page, "payment search")
    with page.expect_download() as info:
        main.get_by_role("link", name=re.compile(r"^CSV")).click()
    download = info.value
    path = download.path()
    assert path is not None
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sorted(r["reference"] for r in rows) == ["V-001", "V-002"]
    assert download.suggested_filename.endswith(".csv")
    axe.assert_clean()


def test_other_portal_pages_have_no_axe_violations(browsing, data: Portal, axe) -> None:  # type: ignore[no-untyped-def]
    page = browsing.page(**AXE_CONTEXT)
    for path, label in [
        ("/budget/?year=2025&compare=2024&prices=real", "overview compared in real terms"),
        ("/budget/provinces/01/?year=2025", "province"),
        (f"/budget/payees/{data.builder.public_id}/", "payee"),
        ("/budget/flags/", "red flags"),
        (f"/budget/flags/{data.flag.public_id}/", "red flag"),
        ("/budget/index/", "glass index"),
        ("/budget/index/moh/", "glass index of an agency"),
    ]:
        response = page.goto(path)
        assert response is not None, path
        assert response.ok, path
        audit(axe, page, label)
    axe.assert_clean()
