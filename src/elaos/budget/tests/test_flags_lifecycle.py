"""A flag whose condition no longer holds is closed (dated, with the reason), never deleted; reruns change nothing;
if the condition returns the same flag is reopened with the status it had. The public list and the API show the
current flags by default and the closed ones on request."""

import datetime

import pytest
from django.test import Client

from elaos.budget.flags import CLOSED_REASON, flags_detect
from elaos.budget.models import RedFlag
from elaos.budget.tests import oversight_data as data

D = datetime.date


@pytest.fixture(autouse=True)
def thresholds(settings):  # type: ignore[no-untyped-def]
    settings.GLASS_TRANSACTION_THRESHOLD_KIP = data.THRESHOLD
    settings.GLASS_CONTRACT_REQUIRED_KIP = 100_000_000
    return settings


@pytest.fixture
def planted(db: None) -> dict:
    """A payment above the contract limit that names no contract, and a contract it could name."""
    org, shop = data.agency("mpwt"), data.payee("Road Co")
    tender = data.tender(org, bids=[(shop, 150_000_000), (data.payee(), 160_000_000)])
    contract = data.contract(data.award(tender, shop, 150_000_000, D(2025, 3, 1)))
    payment = data.pay(org, shop, 150_000_000, D(2025, 4, 1))
    return {"agency": org, "contract": contract, "payment": payment}


def test_fixed_condition_closes_the_flag_and_reruns_are_idempotent(planted: dict) -> None:
    assert flags_detect(kinds=["no_contract"]) == {"no_contract": 1}
    flag = RedFlag.objects.get(kind="no_contract")
    assert flag.status == RedFlag.Status.OPEN

    # The data is fixed: the payment now names its contract.
    planted["payment"].contract = planted["contract"]
    planted["payment"].save()
    assert flags_detect(kinds=["no_contract"]) == {"no_contract": 0, "closed": 1}
    flag.refresh_from_db()
    assert flag.status == RedFlag.Status.CLOSED
    assert flag.archived_at is not None
    assert flag.archive_reason == CLOSED_REASON == "condition no longer holds"
    assert flag.details["status_before_closing"] == "open"
    closed_at = flag.archived_at

    # Twice more: nothing changes, nothing is deleted.
    assert flags_detect(kinds=["no_contract"]) == {"no_contract": 0}
    assert flags_detect() == dict.fromkeys(RedFlag.Kind.values, 0)
    flag.refresh_from_db()
    assert (flag.status, flag.archived_at) == (RedFlag.Status.CLOSED, closed_at)
    assert RedFlag.objects.count() == 1


def test_returning_condition_reopens_the_same_flag_with_its_review(planted: dict) -> None:
    flags_detect(kinds=["no_contract"])
    flag = RedFlag.objects.get()
    RedFlag.objects.filter(pk=flag.pk).update(status=RedFlag.Status.EXPLAINED, agency_response_en="Paid in advance")
    planted["payment"].contract = planted["contract"]
    planted["payment"].save()
    flags_detect(kinds=["no_contract"])
    assert RedFlag.objects.get().status == RedFlag.Status.CLOSED

    planted["payment"].contract = None  # the contract reference is withdrawn: the condition holds again
    planted["payment"].save()
    assert flags_detect(kinds=["no_contract"]) == {"no_contract": 0, "reopened": 1}
    reopened = RedFlag.objects.get()
    assert reopened.pk == flag.pk  # the same flag, same public URL
    assert reopened.status == RedFlag.Status.EXPLAINED  # the status it had before closing
    assert reopened.agency_response_en == "Paid in advance"
    assert (reopened.archived_at, reopened.archive_reason) == (None, "")
    assert "reopened_at" in reopened.details
    assert "status_before_closing" not in reopened.details
    assert flags_detect(kinds=["no_contract"]) == {"no_contract": 0}


def test_a_scoped_run_closes_only_flags_of_its_scope(planted: dict) -> None:
    other = data.agency("mof")
    data.pay(other, data.payee(), 200_000_000, D(2025, 4, 2))
    flags_detect(kinds=["no_contract"])
    assert RedFlag.objects.filter(status=RedFlag.Status.OPEN).count() == 2
    planted["payment"].contract = planted["contract"]
    planted["payment"].save()
    # A run over the other agency only does not see the fix, nor close anything of the first agency.
    assert flags_detect(kinds=["no_contract"], agency=other) == {"no_contract": 0}
    assert RedFlag.objects.filter(status=RedFlag.Status.OPEN).count() == 2
    assert flags_detect(kinds=["no_contract"], agency=planted["agency"], fiscal_year=2025)["closed"] == 1
    assert RedFlag.objects.get(status=RedFlag.Status.OPEN).agency == other


def test_portal_and_api_show_current_flags_and_closed_ones_on_request(client: Client, planted: dict) -> None:
    flags_detect(kinds=["no_contract"])
    flag = RedFlag.objects.get()
    page = client.get("/budget/flags/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/budget/flags/{flag.public_id}/" in page
    assert [f["id"] for f in client.get("/api/v1/budget/flags").json()["items"]] == [str(flag.public_id)]

    planted["payment"].contract = planted["contract"]
    planted["payment"].save()
    flags_detect(kinds=["no_contract"])

    page = client.get("/budget/flags/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/budget/flags/{flag.public_id}/" not in page
    assert "No flag." in page
    closed_page = client.get("/budget/flags/", {"status": "closed"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/budget/flags/{flag.public_id}/" in closed_page
    assert "Closed: the condition no longer holds" in closed_page
    detail = client.get(f"/budget/flags/{flag.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert detail.status_code == 200
    assert "This flag is closed" in detail.content.decode()

    assert client.get("/api/v1/budget/flags").json()["items"] == []
    (item,) = client.get("/api/v1/budget/flags", {"status": "closed"}).json()["items"]
    assert item["id"] == str(flag.public_id)
    assert item["status"] == "closed"
    assert item["closed_reason"] == "condition no longer holds"
    assert item["closed_at"] is not None
    assert client.get("/api/v1/budget/flags", {"status": "open"}).json()["items"] == []
    assert client.get("/api/v1/budget/flags", {"status": "gone"}).status_code == 422
