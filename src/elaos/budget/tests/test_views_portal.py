"""The public portal: every page renders with data, filters work, drill-through links resolve, and each download
holds exactly the filtered rows in CSV, JSON and XLSX."""

import csv
import io
import json
import re
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from elaos.budget import selectors
from elaos.budget.tests.portal_data import Portal

pytest_plugins = ["elaos.budget.tests.portal_data"]

pytestmark = pytest.mark.django_db


def download(client, url: str, params: dict, fmt: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The rows of a download, whatever its format, as dicts of strings (CSV) or values (JSON, XLSX)."""
    response = client.get(url, {**params, "format": fmt})
    assert response.status_code == 200, response.content[:300]
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    if fmt == "json":
        return json.loads(body)["rows"]
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    # A read-only sheet leaves out the empty cells at the end of a row.
    return [dict(zip(rows[0], r + (None,) * (len(rows[0]) - len(r)), strict=True)) for r in rows[1:]]


def test_overview_shows_totals_by_function_ministry_and_province(client, portal: Portal) -> None:
    response = client.get(reverse("budget:overview"), {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ກະຊວງສາທາລະນະສຸກ" in html  # the ministry, with its provincial department's budget
    assert reverse("budget:agency", args=["moh"]) in html
    assert reverse("budget:province", args=["01"]) in html
    assert "<svg" in html
    assert "<caption>" in html
    assert "₭2.100.000.000" in html  # the adjusted budget of the health line (Lao number format)


def test_overview_defaults_to_the_newest_year_and_compares_years(client, portal: Portal) -> None:
    html = client.get(reverse("budget:overview")).content.decode()
    assert "2025" in html
    rows = download(
        client, reverse("budget:overview"), {"year": 2025, "compare": 2024, "download": "provinces"}, "json"
    )
    vientiane = {r["fiscal_year"]: r for r in rows if r["code"] == "01"}
    assert vientiane[2025]["budget_kip"] == 2_100_000_000
    assert vientiane[2024]["budget_kip"] == 1_500_000_000
    assert vientiane[2025]["population"] == 1_000_000  # the latest population up to the year
    assert vientiane[2025]["budget_per_capita_kip"] == 2_100
    assert vientiane[2024]["executed_kip"] == 1_200_000_000


def test_overview_in_real_terms_uses_the_cpi(client, portal: Portal) -> None:
    rows = download(
        client,
        reverse("budget:overview"),
        {"year": 2025, "compare": 2024, "prices": "real", "download": "national"},
        "json",
    )
    by_year = {r["fiscal_year"]: r for r in rows}
    # Prices of 2025 (the newest CPI): 2024 kip × 125/100.
    assert by_year[2024]["approved_kip"] == 1_500_000_000 * 125 // 100
    assert by_year[2025]["approved_kip"] == 2_500_000_000
    assert by_year[2025]["prices"] == "real-2025"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_every_overview_table_downloads_in_each_format(client, portal: Portal, fmt: str) -> None:
    for table in ("national", "functions", "ministries", "provinces"):
        rows = download(client, reverse("budget:overview"), {"year": 2025, "download": table}, fmt)
        assert rows, table
    ministries = download(client, reverse("budget:overview"), {"year": 2025, "download": "ministries"}, fmt)
    assert {r["code"] for r in ministries} == {"moh", "molsw"}


def test_a_bad_year_is_ignored_not_an_error(client, portal: Portal) -> None:
    response = client.get(reverse("budget:overview"), {"year": "1900", "compare": "x", "prices": "gold"})
    assert response.status_code == 200


def test_agency_page_covers_its_offices(client, portal: Portal) -> None:
    response = client.get(reverse("budget:agency", args=["moh"]), {"year": 2025})
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("budget:line", args=[portal.line.public_id]) in html
    assert reverse("budget:contract", args=[portal.contract.contract_id]) in html
    assert reverse("budget:payee", args=[portal.builder.public_id]) in html
    months = download(client, reverse("budget:agency", args=["moh"]), {"year": 2025, "download": "months"}, "json")
    assert len(months) == 12
    assert {m["month"]: m["amount_kip"] for m in months}[3] == 400_000_000
    payees = download(client, reverse("budget:agency", args=["moh"]), {"year": 2025, "download": "payees"}, "csv")
    assert [p["payee_name_en"] for p in payees] == ["Champa Construction", "Souksan Pharmacy"]


def test_unknown_agency_and_province_answer_404(client, portal: Portal) -> None:
    assert client.get(reverse("budget:agency", args=["nope"])).status_code == 404
    assert client.get(reverse("budget:province", args=["99"])).status_code == 404


def test_province_page_shows_per_capita_and_its_lines(client, portal: Portal) -> None:
    response = client.get(reverse("budget:province", args=["01"]), {"year": 2025})
    html = response.content.decode()
    assert response.status_code == 200
    assert "₭2.100" in html  # budget per person
    assert reverse("budget:line", args=[portal.line.public_id]) in html
    lines = download(client, reverse("budget:province", args=["01"]), {"year": 2025, "download": "lines"}, "csv")
    assert [r["budget_code"] for r in lines] == ["MOH-073-001"]


def test_drill_through_line_to_contract_to_payment(client, portal: Portal) -> None:
    line_url = reverse("budget:line", args=[portal.line.public_id])
    html = client.get(line_url).content.decode()
    contract_url = reverse("budget:contract", args=[portal.contract.contract_id])
    assert contract_url in html
    html = client.get(contract_url).content.decode()
    assert "Dao Heuang" in html or "ດາວເຮືອງ" in html  # the losing bid
    assert "₭1.650.000.000" in html  # the value after the amendment
    payment_url = reverse("budget:payment", args=[portal.payments[0].pk])
    assert payment_url in html
    html = client.get(payment_url).content.decode()
    assert line_url in html
    assert contract_url in html
    assert reverse("budget:payee", args=[portal.builder.public_id]) in html


def test_line_downloads_hold_its_contracts_and_payments(client, portal: Portal) -> None:
    url = reverse("budget:line", args=[portal.line.public_id])
    contracts = download(client, url, {"download": "contracts"}, "xlsx")
    assert [c["contract_id"] for c in contracts] == [portal.contract.contract_id]
    assert contracts[0]["paid_kip"] == 750_000_000
    payments = download(client, url, {"download": "payments"}, "json")
    assert sorted(p["reference"] for p in payments) == ["V-001", "V-002", "V-003"]


def test_a_line_with_more_contracts_than_a_page_shows_the_most_recent_and_downloads_them_all(
    client, portal: Portal, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "LINE_CONTRACTS_SHOWN", 0)
    url = reverse("budget:line", args=[portal.line.public_id])
    html = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert reverse("budget:contract", args=[portal.contract.contract_id]) not in html
    assert "most recent contracts are shown. The download below holds them all." in html
    contracts = download(client, url, {"download": "contracts"}, "json")
    assert [c["contract_id"] for c in contracts] == [portal.contract.contract_id]


def test_contract_page_downloads_bids_and_amendments(client, portal: Portal) -> None:
    url = reverse("budget:contract", args=[portal.contract.contract_id])
    bids = download(client, url, {"download": "bids"}, "csv")
    assert [b["amount_kip"] for b in bids] == ["1500000000", "1700000000"]
    amendments = download(client, url, {"download": "amendments"}, "json")
    assert amendments[0]["new_value_kip"] == 1_650_000_000


def test_unknown_records_answer_404(client, portal: Portal) -> None:
    assert client.get(reverse("budget:line", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("budget:contract", args=["ocds-none"])).status_code == 404
    assert client.get(reverse("budget:payment", args=[999999])).status_code == 404
    assert client.get(reverse("budget:payee", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("budget:flag", args=[uuid.uuid4()])).status_code == 404


def test_archived_budget_line_is_not_public(client, portal: Portal) -> None:
    from django.utils import timezone

    portal.line.archived_at = timezone.now()
    portal.line.save()
    assert client.get(reverse("budget:line", args=[portal.line.public_id])).status_code == 404


def test_payee_page_totals_and_contracts(client, portal: Portal) -> None:
    url = reverse("budget:payee", args=[portal.pharmacy.public_id])
    html = client.get(url).content.decode()
    assert "ຮ້ານຂາຍຢາ ສຸກສັນ" in html
    assert reverse("budget:flag", args=[portal.flag.public_id]) in html
    totals = download(client, url, {"download": "totals"}, "json")
    assert {(t["agency_code"], t["amount_kip"]) for t in totals} == {("moh-vte", 45_000_000), ("molsw", 60_000_000)}


# Transaction search ---------------------------------------------------------------------------------------------


def search(client, **params) -> list[str]:  # type: ignore[no-untyped-def]
    rows = download(client, reverse("budget:transactions"), {**params, "download": "transactions"}, "json")
    return sorted(r["reference"] for r in rows)


def test_search_lists_every_payment_without_filters(client, portal: Portal) -> None:
    response = client.get(reverse("budget:transactions"))
    assert response.status_code == 200
    assert search(client) == ["L-001", "V-001", "V-002", "V-003"]


def test_search_by_lao_words_without_spaces(client, portal: Portal) -> None:
    # "ກໍ່ສ້າງໂຮງໝໍ" typed without spaces finds the hospital instalments by their Lao purpose.
    assert search(client, q="ກໍ່ສ້າງໂຮງໝໍ") == ["V-001", "V-002"]
    assert search(client, q="ສຸກສັນ") == ["L-001", "V-003"]  # the payee's name
    assert search(client, q="relief") == ["L-001"]


def test_search_filters_agency_amount_and_dates(client, portal: Portal) -> None:
    assert search(client, agency="moh") == ["V-001", "V-002", "V-003"]  # the ministry with its offices
    assert search(client, agency="molsw") == ["L-001"]
    assert search(client, min_amount="100,000,000") == ["V-001", "V-002"]
    assert search(client, max_amount="50000000") == ["V-003"]
    assert search(client, date_from="2025-04-01", date_to="2025-06-30") == ["V-002", "V-003"]
    assert search(client, year="2025", payee=str(portal.builder.public_id)) == ["V-001", "V-002"]
    assert search(client, line=str(portal.labour_line.public_id)) == ["L-001"]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_search_download_holds_exactly_the_filtered_rows(client, portal: Portal, fmt: str) -> None:
    rows = download(
        client,
        reverse("budget:transactions"),
        {"agency": "moh", "min_amount": "40000000", "download": "transactions"},
        fmt,
    )
    assert sorted(str(r["reference"]) for r in rows) == ["V-001", "V-002", "V-003"]
    assert {int(r["amount_kip"]) for r in rows} == {400_000_000, 350_000_000, 45_000_000}


def test_amount_filters_are_text_boxes_that_take_separators(client, portal: Portal) -> None:
    # A browser refuses "100,000,000" or Lao digits in <input type="number">, so the boxes are numeric text boxes.
    html = client.get(reverse("budget:transactions")).content.decode()
    for name in ("min_amount", "max_amount"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert box is not None
        assert 'type="text"' in box.group()
        assert 'inputmode="numeric"' in box.group()
    assert search(client, min_amount="໑໐໐,໐໐໐,໐໐໐") == ["V-001", "V-002"]


def test_search_shows_bad_filters_beside_their_field_and_keeps_the_input(client, portal: Portal) -> None:
    response = client.get(reverse("budget:transactions"), {"min_amount": "lots", "q": "ໂຮງໝໍ", "date_to": "2025-13-40"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="lots"' in html
    assert 'value="ໂຮງໝໍ"' in html
    assert "id_min_amount_error" in html
    assert "id_date_to_error" in html
    # The bad filters are left out; the good one applies.
    assert search(client, q="ໂຮງໝໍ", min_amount="lots") == ["V-001", "V-002"]


def test_search_pages_with_a_cursor(client, portal: Portal) -> None:
    from elaos.budget import views

    views.PAGE_SIZE, old = 2, views.PAGE_SIZE
    try:
        first = client.get(reverse("budget:transactions"), {"sort": "-amount"}).content.decode()
        found = re.search(r'href="\?([^"]*after=[^"]+)" rel="next"', first)
        assert found is not None
        second = client.get(
            reverse("budget:transactions") + "?" + found.group(1).replace("&amp;", "&")
        ).content.decode()
    finally:
        views.PAGE_SIZE = old
    # Largest first: 400 and 350 million on page 1, then 60 and 45 million.
    assert "V-001" in first
    assert "V-002" in first
    assert "L-001" not in first
    assert "L-001" in second
    assert "V-003" in second
    assert "V-001" not in second
    assert 'rel="next"' not in second


def test_download_link_keeps_the_filters_and_drops_the_page(client, portal: Portal) -> None:
    html = client.get(reverse("budget:transactions"), {"agency": "moh", "cursor": "abc"}).content.decode()
    assert "?agency=moh&amp;download=transactions&amp;format=csv" in html
    from elaos.budget import views

    views.PAGE_SIZE, old = 1, views.PAGE_SIZE
    try:
        page = client.get(reverse("budget:transactions"), {"agency": "moh"}).content.decode()
        after = re.search(r'after=([^"&]+)', page)
        assert after is not None
        html = client.get(reverse("budget:transactions"), {"agency": "moh", "after": after.group(1)}).content.decode()
    finally:
        views.PAGE_SIZE = old
    assert "?agency=moh&amp;download=transactions&amp;format=csv" in html


def _links(html: str) -> dict[str, str]:
    """The pagination links of a page by rel (next / prev), as query strings."""
    return {rel: query.replace("&amp;", "&") for query, rel in re.findall(r'href="\?([^"]*)" rel="(next|prev)"', html)}


def test_search_pages_forward_and_back_with_stable_cursor_urls(client, portal: Portal) -> None:
    from elaos.budget import views

    url = reverse("budget:transactions")
    views.PAGE_SIZE, old = 1, views.PAGE_SIZE
    try:
        pages = [client.get(url, {"sort": "-amount"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()]
        while "next" in _links(pages[-1]):
            pages.append(client.get(f"{url}?{_links(pages[-1])['next']}", HTTP_ACCEPT_LANGUAGE="en").content.decode())
        assert "prev" not in _links(pages[0])
        assert all("after=" in _links(p)["next"] for p in pages[:-1])
        # Back from the last page, one previous page at a time: the same pages again.
        back = [pages[-1]]
        while "prev" in _links(back[-1]):
            assert "before=" in _links(back[-1])["prev"]
            back.append(client.get(f"{url}?{_links(back[-1])['prev']}", HTTP_ACCEPT_LANGUAGE="en").content.decode())
        # The same URL twice gives the same page (a cursor names a position, not a page number).
        again = client.get(f"{url}?{_links(pages[0])['next']}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    finally:
        views.PAGE_SIZE = old
    refs = ["V-001", "V-002", "L-001", "V-003"]  # largest first
    assert len(pages) == len(back) == 4
    for number, (forward, backward) in enumerate(zip(pages, reversed(back), strict=True)):
        assert [r for r in refs if r in forward] == [refs[number]]
        assert [r for r in refs if r in backward] == [refs[number]]
    assert [r for r in refs if r in again] == ["V-002"]
    # A link made before the parameter was called ``after`` still works.
    legacy = _links(pages[0])["next"].replace("after=", "cursor=")
    assert "V-002" in client.get(f"{url}?{legacy}").content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"after": "not-a-cursor!"},
        {"before": "%%%"},
        {"after": "MjAyNS0wMS0wMXwx", "sort": "-amount"},  # a date cursor given to the amount order
        {"cursor": "NXx4"},  # "5|x": the id is not a number
    ],
)
def test_a_tampered_cursor_is_a_clear_400_not_a_server_error(client, portal: Portal, params: dict) -> None:
    response = client.get(reverse("budget:transactions"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This page link is not valid" in html
    assert reverse("budget:transactions") in html  # the way back to the first page


def test_line_payments_page_by_keyset_not_offset(client, portal: Portal) -> None:
    from elaos.budget import views

    url = reverse("budget:line", args=[portal.line.public_id])
    views.PAGE_SIZE, old = 1, views.PAGE_SIZE
    try:
        first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "page=" not in _links(first).get("next", "")
        second = client.get(f"{url}?{_links(first)['next']}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        previous = client.get(f"{url}?{_links(second)['prev']}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        bad = client.get(url, {"after": "garbage"}, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        views.PAGE_SIZE = old
    ids = lambda html: re.findall(r"/budget/payments/(\d+)/", html)  # noqa: E731
    assert ids(first)
    assert ids(second)
    assert ids(first) != ids(second)
    assert ids(previous) == ids(first)
    assert bad.status_code == 400
    assert "This page link is not valid" in bad.content.decode()


# Red flags and the glass index ----------------------------------------------------------------------------------


def test_flags_list_filters_and_downloads(client, portal: Portal) -> None:
    html = client.get(reverse("budget:flags")).content.decode()
    assert reverse("budget:flag", args=[portal.flag.public_id]) in html
    rows = download(client, reverse("budget:flags"), {"kind": "no_contract", "download": "flags"}, "csv")
    assert [r["id"] for r in rows] == [str(portal.flag.public_id)]
    assert download(client, reverse("budget:flags"), {"kind": "single_bid", "download": "flags"}, "csv") == []


def test_flag_explains_itself_with_links_to_its_records(client, portal: Portal) -> None:
    html = client.get(reverse("budget:flag", args=[portal.flag.public_id])).content.decode()
    assert "ໂດຍບໍ່ມີສັນຍາ" in html
    assert reverse("budget:payment", args=[portal.loose_payment.pk]) in html
    assert reverse("budget:payee", args=[portal.pharmacy.public_id]) in html


def test_dismissed_flag_is_not_public(client, portal: Portal) -> None:
    from elaos.budget.models import RedFlag

    RedFlag.objects.filter(pk=portal.flag.pk).update(status=RedFlag.Status.DISMISSED)
    assert client.get(reverse("budget:flag", args=[portal.flag.public_id])).status_code == 404


def test_glass_index_ranking_and_history(client, portal: Portal) -> None:
    html = client.get(reverse("budget:glass_index")).content.decode()
    assert html.index("ກະຊວງສາທາລະນະສຸກ") < html.index("ກະຊວງແຮງງານ")
    rows = download(client, reverse("budget:glass_index"), {"download": "index"}, "json")
    assert [(r["agency_code"], r["score"]) for r in rows] == [("moh", 85.5), ("molsw", 40.0)]
    html = client.get(reverse("budget:glass_index_agency", args=["moh"])).content.decode()
    assert "<svg" in html
    assert "83.3" in html or "83,3" in html
    history = download(client, reverse("budget:glass_index_agency", args=["moh"]), {"download": "history"}, "csv")
    assert [r["score"] for r in history] == ["85.5", "70.0"]


def test_anonymous_pages_are_cached_but_downloads_are_not(client, portal: Portal, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    url = reverse("budget:transactions")
    client.get(url)
    from elaos.budget.models import Transaction

    Transaction.objects.filter(reference="L-001").delete()
    assert "L-001" in client.get(url).content.decode()  # the cached copy
    assert search(client) == ["V-001", "V-002", "V-003"]  # the download reads the database
    cache.clear()
