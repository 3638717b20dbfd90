"""Each red flag is found on planted data and not on clean data; boundaries (exactly at a threshold, just outside
the window) fall on the documented side; detection is idempotent."""

import datetime

import pytest

from elaos.budget.flags import flags_detect
from elaos.budget.models import Award, Bid, ProcurementMethod, RedFlag
from elaos.budget.tests import oversight_data as data

D = datetime.date
T = data.THRESHOLD


@pytest.fixture(autouse=True)
def thresholds(settings):  # type: ignore[no-untyped-def]
    settings.GLASS_TRANSACTION_THRESHOLD_KIP = T
    settings.GLASS_SPLIT_WINDOW_DAYS = 30
    settings.GLASS_SPLIT_MIN_PAYMENTS = 2
    settings.GLASS_CONTRACT_REQUIRED_KIP = 100_000_000
    settings.GLASS_AMENDMENT_SHARE = 0.25
    settings.GLASS_NEW_PAYEE_DAYS = 90
    return settings


def flags(kind: str) -> list[RedFlag]:
    return list(RedFlag.objects.filter(kind=kind).order_by("id"))


# --- split payments -------------------------------------------------------------------------------------------------


def test_split_payments_found_with_their_records(db: None) -> None:
    org, shop = data.agency(), data.payee("Shop")
    planted = [
        data.pay(org, shop, 12_000_000, D(2025, 3, 1)),
        data.pay(org, shop, 11_000_000, D(2025, 3, 10)),
        data.pay(org, shop, 9_000_000, D(2025, 3, 25)),
    ]
    data.pay(org, shop, 5_000_000, D(2025, 6, 1))  # months later: not part of it

    assert flags_detect(fiscal_year=2025)["split_payment"] == 1

    (flag,) = flags("split_payment")
    assert flag.agency == org
    assert flag.payee == shop
    assert flag.fiscal_year_id == 2025
    assert flag.records["transactions"] == [t.id for t in planted]
    assert flag.records["payees"] == [str(shop.public_id)]
    assert flag.amount == 32_000_000
    assert "3 times within 24 days" in flag.explanation_en
    assert "₭30,000,000" in flag.explanation_en
    assert "Shop" in flag.title_en
    assert flag.title_lo
    assert flag.explanation_lo
    assert [p["id"] for p in flag.details["payments"]] == [t.id for t in planted]


def test_split_payments_boundaries(db: None) -> None:
    org = data.agency()
    exactly, below, apart, inside, big = (data.payee(n) for n in ("exactly", "below", "apart", "inside", "big"))
    # Together exactly at the threshold: flagged (the threshold is "at or above").
    data.pay(org, exactly, 15_000_000, D(2025, 1, 5))
    data.pay(org, exactly, 15_000_000, D(2025, 1, 6))
    # One kip short of it: clean.
    data.pay(org, below, 15_000_000, D(2025, 1, 5))
    data.pay(org, below, 14_999_999, D(2025, 1, 6))
    # 31 days apart (outside the 30-day window): clean.
    data.pay(org, apart, 20_000_000, D(2025, 1, 1))
    data.pay(org, apart, 20_000_000, D(2025, 2, 1))
    # Exactly 30 days apart: inside the window, flagged.
    data.pay(org, inside, 20_000_000, D(2025, 1, 1))
    data.pay(org, inside, 20_000_000, D(2025, 1, 31))
    # Payments at the threshold are published individually: never part of a split.
    data.pay(org, big, T, D(2025, 1, 1))
    data.pay(org, big, T, D(2025, 1, 2))

    flags_detect()

    assert sorted(f.payee.name_en for f in flags("split_payment")) == ["exactly", "inside"]


def test_split_payments_need_the_same_agency_and_payee(db: None) -> None:
    one, two, shop, other = data.agency(), data.agency(), data.payee(), data.payee()
    data.pay(one, shop, 20_000_000, D(2025, 4, 1))
    data.pay(two, shop, 20_000_000, D(2025, 4, 2))
    data.pay(one, other, 20_000_000, D(2025, 4, 3))
    assert flags_detect()["split_payment"] == 0


def test_split_payments_min_payments_setting(db: None, thresholds) -> None:  # type: ignore[no-untyped-def]
    thresholds.GLASS_SPLIT_MIN_PAYMENTS = 3
    org, shop = data.agency(), data.payee()
    data.pay(org, shop, 20_000_000, D(2025, 4, 1))
    data.pay(org, shop, 20_000_000, D(2025, 4, 2))
    assert flags_detect()["split_payment"] == 0
    data.pay(org, shop, 1_000_000, D(2025, 4, 3))
    assert flags_detect()["split_payment"] == 1


def test_two_separate_splits_of_one_pair_are_two_flags(db: None) -> None:
    org, shop = data.agency(), data.payee()
    data.pay(org, shop, 20_000_000, D(2025, 1, 1))
    data.pay(org, shop, 20_000_000, D(2025, 1, 2))
    data.pay(org, shop, 20_000_000, D(2025, 5, 1))
    data.pay(org, shop, 20_000_000, D(2025, 5, 2))
    flags_detect()
    assert [len(f.records["transactions"]) for f in flags("split_payment")] == [2, 2]


# --- payments without a contract ------------------------------------------------------------------------------------


def test_payment_without_contract(db: None) -> None:
    org, shop, ministry = data.agency(), data.payee(), data.payee(kind="state")
    t = data.tender(org, bids=[(shop, 150_000_000), (data.payee(), 160_000_000)])
    covered = data.contract(data.award(t, shop, 150_000_000, D(2025, 3, 1)))
    missing = data.pay(org, shop, 100_000_000, D(2025, 4, 1))  # exactly at the limit: flagged
    data.pay(org, shop, 99_999_999, D(2025, 4, 2))  # below it: clean
    data.pay(org, shop, 150_000_000, D(2025, 4, 3), contract=covered)  # has a contract: clean
    data.pay(org, ministry, 900_000_000, D(2025, 4, 4))  # a transfer to a state entity: clean

    assert flags_detect()["no_contract"] == 1

    (flag,) = flags("no_contract")
    assert flag.records == {"transactions": [missing.id], "payees": [str(shop.public_id)]}
    assert flag.amount == 100_000_000
    assert missing.reference in flag.explanation_en


# --- single-bid tenders ---------------------------------------------------------------------------------------------


def test_single_bid_tender(db: None) -> None:
    org, one, two = data.agency(), data.payee(), data.payee()
    lonely = data.tender(org, bids=[(one, 200_000_000)])
    data.award(lonely, one, 200_000_000, D(2025, 3, 1))
    competitive = data.tender(org, bids=[(one, 200_000_000), (two, 210_000_000)])
    data.award(competitive, one, 200_000_000, D(2025, 3, 1))
    data.tender(org, bids=[(one, 50_000_000)], method=ProcurementMethod.DIRECT)  # direct: one supplier by design
    still_open = data.tender(org, bids=[(one, 80_000_000)], tender_period_end=D(2025, 12, 31))
    withdrawn_too = data.tender(org, bids=[(one, 90_000_000), (two, 95_000_000)])
    Bid.objects.filter(tender=withdrawn_too, tenderer=two).update(status="withdrawn")

    assert flags_detect(today=D(2025, 6, 1))["single_bid"] == 2

    found = flags("single_bid")
    assert {f.tender for f in found} == {lonely, withdrawn_too}
    assert still_open not in {f.tender for f in found}
    assert found[0].records["tenders"] == [lonely.ocid]


# --- big amendments -------------------------------------------------------------------------------------------------


def test_big_amendment(db: None) -> None:
    org, shop = data.agency(), data.payee()
    t = data.tender(org, bids=[(shop, 100_000_000), (data.payee(), 120_000_000)])
    a = data.award(t, shop, 100_000_000, D(2025, 3, 1))
    at_limit = data.contract(a, 100_000_000)
    data.amend(at_limit, 125_000_000, D(2025, 5, 1))  # exactly +25%: clean
    creeping = data.contract(a, 100_000_000)
    first = data.amend(creeping, 115_000_000, D(2025, 5, 1))
    second = data.amend(creeping, 126_000_000, D(2025, 6, 1))  # +26% over the signed value, in two steps
    data.amend(creeping, 140_000_000, D(2025, 7, 1))

    assert flags_detect()["big_amendment"] == 1

    (flag,) = flags("big_amendment")
    assert flag.contract == creeping
    assert flag.records == {
        "contracts": [creeping.contract_id],
        "amendments": [first.amendment_id, second.amendment_id],
    }
    assert flag.amount == 26_000_000
    assert "+26.0%" in flag.explanation_en


# --- payees registered shortly before an award ----------------------------------------------------------------------


def test_new_payee(db: None) -> None:
    org = data.agency()
    fresh = data.payee("Fresh", registered_on=D(2025, 1, 1))
    exactly = data.payee("Exactly", registered_on=D(2024, 12, 2))  # 90 days before the award: clean
    old = data.payee("Old", registered_on=D(2010, 1, 1))
    unknown = data.payee("Unknown")
    for supplier in (fresh, exactly, old, unknown):
        data.award(data.tender(org, bids=[(supplier, 70_000_000)]), supplier, 70_000_000, D(2025, 3, 2))

    assert flags_detect()["new_payee"] == 1

    (flag,) = flags("new_payee")
    assert flag.payee == fresh
    assert flag.records["awards"] == [Award.objects.get(supplier=fresh).award_id]
    assert "60 days" in flag.title_en


# --- everything together --------------------------------------------------------------------------------------------


def test_clean_data_raises_no_flag(db: None) -> None:
    org, shop, other = data.agency(), data.payee(registered_on=D(2015, 1, 1)), data.payee()
    t = data.tender(org, bids=[(shop, 300_000_000), (other, 320_000_000)])
    c = data.contract(data.award(t, shop, 300_000_000, D(2025, 3, 1)))
    data.amend(c, 330_000_000, D(2025, 6, 1))
    data.pay(org, shop, 150_000_000, D(2025, 4, 1), contract=c)
    data.pay(org, shop, 150_000_000, D(2025, 8, 1), contract=c)
    data.pay(org, other, 40_000_000, D(2025, 5, 1))
    data.pay(org, other, 5_000_000, D(2025, 9, 1))

    assert sum(flags_detect(today=D(2025, 12, 31)).values()) == 0
    assert not RedFlag.objects.exists()


def test_detection_is_idempotent_and_keeps_reviews(db: None) -> None:
    org, shop = data.agency(), data.payee()
    data.pay(org, shop, 20_000_000, D(2025, 1, 1))
    data.pay(org, shop, 20_000_000, D(2025, 1, 2))
    data.pay(org, shop, 200_000_000, D(2025, 2, 1))
    first = flags_detect()
    assert first["split_payment"] == 1
    assert first["no_contract"] == 1
    RedFlag.objects.filter(kind="no_contract").update(status=RedFlag.Status.EXPLAINED)

    assert sum(flags_detect().values()) == 0
    assert RedFlag.objects.count() == 2
    assert RedFlag.objects.get(kind="no_contract").status == RedFlag.Status.EXPLAINED


def test_scope_by_agency_and_year(db: None) -> None:
    one, two, shop = data.agency(), data.agency(), data.payee()
    data.pay(one, shop, 200_000_000, D(2025, 2, 1))
    data.pay(two, shop, 200_000_000, D(2025, 2, 1))
    data.pay(one, shop, 200_000_000, D(2024, 2, 1))

    assert flags_detect(agency=one, fiscal_year=2025)["no_contract"] == 1
    assert RedFlag.objects.get().agency == one
    assert flags_detect(fiscal_year=2024)["no_contract"] == 1
    assert flags_detect()["no_contract"] == 1
