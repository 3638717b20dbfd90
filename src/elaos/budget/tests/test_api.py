"""The JSON API: keyset pagination, filters, stable error codes for bad filters, public fields only."""

import datetime

import pytest
from django.test import Client

from elaos.budget.flags import flags_detect
from elaos.budget.models import RedFlag
from elaos.budget.tests import oversight_data as data

D = datetime.date
URL = "/api/v1/budget"


@pytest.fixture
def story(db: None) -> dict:
    return data.procurement_story()


def all_pages(client: Client, url: str, params: dict) -> list[list[dict]]:
    pages = []
    body = client.get(url, params).json()
    pages.append(body["items"])
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append(body["items"])
    return pages


def test_transactions_keyset_pagination_latest_published_first(client: Client, story: dict) -> None:
    org, shop = story["agency"], story["winner"]
    for day in range(1, 8):
        data.pay(org, shop, 31_000_000 + day, D(2025, 9, day))
    pages = all_pages(client, f"{URL}/transactions", {"limit": 4})
    assert [len(p) for p in pages] == [4, 4, 2]
    flat = [t for p in pages for t in p]
    assert [t["id"] for t in flat] == sorted((t["id"] for t in flat), reverse=True)


def test_transactions_keyset_pagination_newest_first(client: Client, story: dict) -> None:
    org, shop = story["agency"], story["winner"]
    for day in range(1, 8):
        data.pay(org, shop, 31_000_000 + day, D(2025, 9, day))
    data.pay(org, shop, 31_000_000, D(2025, 1, 1))  # published last, paid first
    pages = all_pages(client, f"{URL}/transactions", {"limit": 4, "sort": "-date", "agency": "moh-hospitals"})
    assert [len(p) for p in pages] == [4, 4, 3]
    flat = [t for p in pages for t in p]
    assert len({t["id"] for t in flat}) == 11
    assert [t["date"] for t in flat] == sorted((t["date"] for t in flat), reverse=True)
    first = flat[0]
    assert first["agency"]["code"] == "moh-hospitals"
    assert first["payee"]["name_en"] == "Lao Pharma"
    assert first["url"].endswith(f"/budget/payments/{first['id']}/")


def test_transactions_largest_first_with_ties(client: Client, story: dict) -> None:
    org, shop = story["agency"], story["winner"]
    for _ in range(5):
        data.pay(org, shop, 50_000_000, D(2025, 9, 1))
    pages = all_pages(client, f"{URL}/transactions", {"sort": "-amount", "year": 2025, "limit": 3})
    flat = [t for p in pages for t in p]
    assert len(flat) == len({t["id"] for t in flat}) == 8
    assert [t["amount"] for t in flat] == sorted((t["amount"] for t in flat), reverse=True)


def test_transaction_filters(client: Client, story: dict) -> None:
    get = lambda **p: client.get(f"{URL}/transactions", p).json()["items"]  # noqa: E731
    contract = story["contract"].contract_id
    assert {t["contract"] for t in get(contract=contract)} == {contract}
    assert [t["amount"] for t in get(min_amount=100_000_000, max_amount=220_000_000)] == [200_000_000]
    assert len(get(payee=str(story["loser"].public_id))) == 1
    assert len(get(agency="moh-hospitals", year=2025)) == 3
    assert get(year=2024) == []
    assert len(get(date_from="2025-05-01", date_to="2025-06-30")) == 1
    assert [t["purpose_lo"] for t in get(q="ຂົນສົ່ງ")] == ["ຄ່າຂົນສົ່ງ"]
    assert len(get(budget_line=str(story["line"].public_id))) == 3
    one = story["loose"]
    detail = client.get(f"{URL}/transactions/{one.id}").json()
    assert detail["reference"] == one.reference
    assert detail["budget_line"] == "MOH-07.3-22-001"
    assert client.get(f"{URL}/transactions/999999").json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"year": "next"}, "invalid"),
        ({"min_amount": "-5"}, "invalid"),
        ({"limit": "0"}, "invalid"),
        ({"limit": "100000"}, "invalid"),
        ({"sort": "payee"}, "invalid"),
        ({"date_from": "31/12/2025"}, "invalid"),
        ({"payee": "not-a-uuid"}, "invalid"),
        ({"agency": "nobody"}, "unknown_agency"),
        ({"payee": "00000000-0000-0000-0000-000000000000"}, "unknown_payee"),
        ({"contract": "no-such-contract"}, "unknown_contract"),
        ({"budget_line": "00000000-0000-0000-0000-000000000000"}, "unknown_budget_line"),
        ({"min_amount": "10", "max_amount": "5"}, "bad_range"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "bad_range"),
        ({"cursor": "bm9wZQ"}, "bad_cursor"),
        ({"cursor": "WyJ4IiwgMV0", "sort": "-amount", "year": "2025"}, "bad_cursor"),
        ({"sort": "-date"}, "filter_required"),
        ({"sort": "-amount"}, "filter_required"),
    ],
)
def test_transaction_bad_filters(client: Client, story: dict, params: dict, code: str) -> None:
    response = client.get(f"{URL}/transactions", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["message"]


def test_budget_lines(client: Client, story: dict) -> None:
    other = data.budget_line(data.agency("mof"), code="MOF-01.1-21-001", function="01.1", economic="21")
    data.budget_line(story["agency"], code="MOH-07.3-22-002", fiscal_year=2024)
    body = client.get(f"{URL}/budget-lines", {"year": 2025}).json()
    assert [line["code"] for line in body["items"]] == ["MOH-07.3-22-001", "MOF-01.1-21-001"]
    assert body["items"][0]["function"]["code"] == "07.3"
    assert body["items"][0]["approved"] == 1_000_000_000
    assert [line["code"] for line in client.get(f"{URL}/budget-lines", {"function": "01"}).json()["items"]] == [
        other.code
    ]
    assert len(client.get(f"{URL}/budget-lines", {"economic": "22"}).json()["items"]) == 2
    pages = all_pages(client, f"{URL}/budget-lines", {"limit": 1})
    assert [len(p) for p in pages] == [1, 1, 1]
    assert client.get(f"{URL}/budget-lines", {"function": "99"}).json()["code"] == "unknown_function"
    assert client.get(f"{URL}/budget-lines", {"economic": "99"}).json()["code"] == "unknown_economic"
    assert client.get(f"{URL}/budget-lines", {"funding_source": "oil"}).json()["code"] == "invalid"


def test_contracts(client: Client, story: dict) -> None:
    body = client.get(f"{URL}/contracts").json()
    (contract,) = body["items"]
    assert contract["contract_id"] == story["contract"].contract_id
    assert contract["ocid"] == story["tender"].ocid
    assert (contract["value"], contract["current_value"], contract["amendments"]) == (400_000_000, 440_000_000, 1)
    assert contract["supplier"]["registration_number"] == "01-123456"
    assert client.get(f"{URL}/contracts", {"supplier": str(story["loser"].public_id)}).json()["items"] == []
    assert client.get(f"{URL}/contracts", {"status": "signed"}).json()["code"] == "invalid"
    assert client.get(f"{URL}/contracts", {"agency": "x"}).json()["code"] == "unknown_agency"


def test_individual_payees_registration_number_is_not_published(client: Client, story: dict) -> None:
    person = data.payee("A person", kind="individual", registration_number="ID-123")
    data.pay(story["agency"], person, 40_000_000, D(2025, 10, 1))
    (row,) = client.get(f"{URL}/transactions", {"payee": str(person.public_id)}).json()["items"]
    assert row["payee"]["registration_number"] is None


def test_flags(client: Client, story: dict) -> None:
    org, shop = story["agency"], data.payee("Splitter")
    data.pay(org, shop, 20_000_000, D(2025, 8, 1))
    data.pay(org, shop, 20_000_000, D(2025, 8, 2))
    data.pay(org, shop, 150_000_000, D(2025, 8, 3))
    flags_detect()
    RedFlag.objects.filter(kind="no_contract").update(status=RedFlag.Status.DISMISSED)

    body = client.get(f"{URL}/flags").json()
    assert [f["kind"] for f in body["items"]] == ["split_payment"]
    flag = body["items"][0]
    assert len(flag["records"]["transactions"]) == 2
    assert flag["explanation_lo"]
    assert client.get(f"{URL}/flags", {"kind": "single_bid"}).json()["items"] == []
    assert len(client.get(f"{URL}/flags", {"agency": "moh-hospitals", "year": 2025}).json()["items"]) == 1
    assert client.get(f"{URL}/flags", {"kind": "fraud"}).json()["code"] == "invalid"
    assert client.get(f"{URL}/flags", {"status": "dismissed"}).json()["code"] == "invalid"


def test_openapi_documents_the_budget_api(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/budget/transactions",
        "/api/v1/budget/budget-lines",
        "/api/v1/budget/contracts",
        "/api/v1/budget/flags",
        "/api/v1/budget/glass-index",
        "/api/v1/budget/ocds/release-package.json",
        "/api/v1/budget/datapackage.json",
    ):
        assert path in paths, path
    assert "422" in paths["/api/v1/budget/transactions"]["get"]["responses"]
    assert "examples" in str(schema["components"]["schemas"]["TransactionOut"])
