"""The synthetic data generator (planted red flags), rollups equal to raw sums, and the portal's read queries."""

import datetime

import pytest
from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth

from elaos.budget import selectors, services
from elaos.budget.generator import generate
from elaos.budget.models import (
    AgencyMonthTotal,
    AgencyYearTotal,
    BudgetLine,
    Contract,
    FunctionYearTotal,
    MonthlyExecution,
    Payee,
    PayeeAgencyYearTotal,
    ProvinceYearTotal,
    PublicationDeadline,
    Tender,
    Transaction,
)
from elaos.budget.selectors import TransactionFilter


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Generated once for the module inside a transaction that is rolled back at its end: the tests' own
    transactions nest in it, and nothing (the seeded roles, geography and reference data included) is lost."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = generate(transactions=1500, years=[2024, 2025], seed=5, planted=2, provinces=3)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def test_generator_plants_each_red_flag(generated):
    planted = generated.planted
    threshold = settings.GLASS_TRANSACTION_THRESHOLD_KIP
    assert generated.transactions >= 1500
    assert len(planted.split_payments) == 2
    for group in planted.split_payments:
        rows = list(Transaction.objects.filter(pk__in=group))
        assert len(rows) == 3
        assert len({(t.agency_id, t.payee_id) for t in rows}) == 1
        assert all(t.amount < threshold for t in rows)
        assert sum(t.amount for t in rows) > threshold
        assert (max(t.date for t in rows) - min(t.date for t in rows)).days <= settings.GLASS_SPLIT_WINDOW_DAYS
    for pk in planted.no_contract:
        t = Transaction.objects.get(pk=pk)
        assert t.contract_id is None
        assert t.amount >= settings.GLASS_CONTRACT_REQUIRED_KIP
    for contract_id in planted.single_bid:
        tender = Contract.objects.get(contract_id=contract_id).award.tender
        assert tender.method == "open"
        assert tender.bids.count() == 1
    for contract_id in planted.big_amendment:
        amendment = Contract.objects.get(contract_id=contract_id).amendments.get()
        assert amendment.new_value > amendment.previous_value * (1 + settings.GLASS_AMENDMENT_SHARE)
    for contract_id in planted.new_payee:
        award = Contract.objects.get(contract_id=contract_id).award
        assert 0 <= (award.date - award.supplier.registered_on).days < settings.GLASS_NEW_PAYEE_DAYS


def test_ordinary_data_stays_clean(generated):
    """Outside the planted cases: payments at or above the threshold, big ones on a contract, non-direct tenders
    with several bids, suppliers registered long before their award."""
    planted = generated.planted
    planted_tx = {pk for group in planted.split_payments for pk in group} | set(planted.no_contract)
    ordinary = Transaction.objects.exclude(pk__in=planted_tx)
    assert not ordinary.filter(amount__lt=settings.GLASS_TRANSACTION_THRESHOLD_KIP).exists()
    assert not ordinary.filter(amount__gte=settings.GLASS_CONTRACT_REQUIRED_KIP, contract__isnull=True).exists()
    single = (
        Tender.objects.exclude(method="direct").annotate(n=Count("bids")).filter(n__lt=2).values_list("ocid", flat=True)
    )
    assert {f"{o}-C1" for o in single} == set(planted.single_bid)
    assert Payee.objects.filter(search_text="").count() == 0
    assert PublicationDeadline.objects.filter(fulfilled_on__isnull=False).exists()
    assert (
        PublicationDeadline.objects.filter(fulfilled_on__gt=datetime.date(2000, 1, 1))
        .filter(fulfilled_on__gt=models_due_on())
        .exists()
    )  # some published late


def models_due_on():  # type: ignore[no-untyped-def]
    from django.db.models import F

    return F("due_on")


def test_rollups_equal_raw_sums(generated):
    services.rollups_refresh()
    raw = (
        Transaction.objects.annotate(m=ExtractMonth("date"))
        .values("agency_id", "fiscal_year_id", "m")
        .annotate(s=Sum("amount"), n=Count("id"))
    )
    rolled = {(r.agency_id, r.fiscal_year_id, r.month): (r.amount, r.count) for r in AgencyMonthTotal.objects.all()}
    assert rolled == {(r["agency_id"], r["fiscal_year_id"], r["m"]): (r["s"], r["n"]) for r in raw}
    raw_payee = Transaction.objects.values("payee_id", "agency_id", "fiscal_year_id").annotate(s=Sum("amount"))
    rolled_payee = {(r.payee_id, r.agency_id, r.fiscal_year_id): r.amount for r in PayeeAgencyYearTotal.objects.all()}
    assert rolled_payee == {(r["payee_id"], r["agency_id"], r["fiscal_year_id"]): r["s"] for r in raw_payee}
    received = dict(Transaction.objects.values("payee_id").annotate(s=Sum("amount")).values_list("payee_id", "s"))
    assert {p.pk: p.total_received for p in Payee.objects.all() if p.total_received} == received
    for line in BudgetLine.objects.all()[:50]:
        assert line.executed == (
            MonthlyExecution.objects.filter(budget_line=line).aggregate(s=Sum("executed"))["s"] or 0
        )
    for year in (2024, 2025):
        approved = BudgetLine.objects.filter(fiscal_year_id=year).aggregate(s=Sum("approved"))["s"]
        assert FunctionYearTotal.objects.filter(fiscal_year_id=year).aggregate(s=Sum("approved"))["s"] == approved
        assert ProvinceYearTotal.objects.filter(fiscal_year_id=year).aggregate(s=Sum("approved"))["s"] == approved
        tx = Transaction.objects.filter(fiscal_year_id=year).aggregate(s=Sum("amount"))["s"]
        assert AgencyYearTotal.objects.filter(fiscal_year_id=year).aggregate(s=Sum("transactions_amount"))["s"] == tx


def test_agency_month_totals_and_top_payees(generated):
    agency_year = AgencyYearTotal.objects.filter(transactions_count__gt=0).order_by("-transactions_count").first()
    ids, year = [agency_year.agency_id], agency_year.fiscal_year_id
    months = selectors.agency_month_totals(ids, year)
    assert [m["month"] for m in months] == list(range(1, 13))
    assert sum(m["amount"] for m in months) == agency_year.transactions_amount
    top = selectors.agency_top_payees_fast(ids, year, limit=5)
    raw = list(
        Transaction.objects.filter(agency_id__in=ids, fiscal_year_id=year)
        .values("payee_id")
        .annotate(s=Sum("amount"))
        .order_by("-s", "payee_id")[:5]
    )
    assert [(t["payee_id"], t["amount"]) for t in top] == [(r["payee_id"], r["s"]) for r in raw]


@pytest.mark.parametrize("sort", ["-amount", "-date"])
def test_transactions_page_walks_every_row_in_order(generated, sort):
    agency_ids = list(AgencyYearTotal.objects.filter(transactions_count__gt=0).values_list("agency_id", flat=True)[:4])
    f = TransactionFilter(agency_ids=agency_ids, years=[2025], min_amount=40_000_000)
    expected = list(
        Transaction.objects.filter(agency_id__in=agency_ids, fiscal_year_id=2025, amount__gte=40_000_000)
        .order_by("-amount" if sort == "-amount" else "-date", "-id")
        .values_list("pk", flat=True)
    )
    seen, cursor, pages = [], None, []
    while True:
        page = selectors.transactions_page(f, sort=sort, cursor=cursor, limit=37)
        pages.append([t.pk for t in page.rows])
        seen += pages[-1]
        assert (page.prev_cursor is None) == (cursor is None)
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert len(seen) > 37
    # And back again from the last page with the previous-page cursors: the same pages, in reverse.
    back = []
    before = page.prev_cursor
    while before:
        page = selectors.transactions_page(f, sort=sort, before=before, limit=37)
        back.append([t.pk for t in page.rows])
        assert page.next_cursor is not None
        before = page.prev_cursor
    assert back == pages[-2::-1]


def test_transactions_page_year_wide_and_text_filters(generated):
    page = selectors.transactions_page(TransactionFilter(years=[2025]), limit=10)
    top = list(
        Transaction.objects.filter(fiscal_year_id=2025).order_by("-amount", "-id").values_list("pk", flat=True)[:10]
    )
    assert [t.pk for t in page.rows] == top
    payee = Payee.objects.filter(transactions__isnull=False).first()
    page = selectors.transactions_page(TransactionFilter(payee_id=payee.pk), limit=500)
    assert {t.payee_id for t in page.rows} == {payee.pk}
    assert len(page.rows) == Transaction.objects.filter(payee=payee).count()
    page = selectors.transactions_page(TransactionFilter(q="ວັກຊີນ", years=[2024, 2025]), limit=500)  # Lao, no spaces
    assert page.rows
    assert all("ວັກຊີນ" in t.purpose_lo for t in page.rows)
    assert not selectors.transactions_page(TransactionFilter(agency_ids=[])).rows
    for bad in ("garbage", "MjAyNS0wMS0wMXwx", "NXx4"):  # not base64 text / a date cursor / a non-numeric id
        with pytest.raises(selectors.InvalidCursor):
            selectors.transactions_page(TransactionFilter(), sort="-amount", cursor=bad)


def test_payee_search_finds_lao_and_english_names(generated):
    payee = Payee.objects.filter(kind="company", transactions__isnull=False).first()
    english_word = payee.name_en.split()[0]
    found = selectors.payee_search(english_word.lower())
    assert payee.pk in {p.pk for p in found}
    assert all(english_word.lower() in p.search_text for p in found)
    totals = [p.total for p in found]
    assert totals == sorted(totals, reverse=True)
    lao_part = payee.name_lo.split()[1][:4]
    assert selectors.payee_search(payee.name_lo.split()[1])
    assert selectors.payee_search("") == []
    assert isinstance(lao_part, str)


def test_drill_through_line_contracts_payments(generated):
    contract = Contract.objects.filter(payments__isnull=False, budget_line__isnull=False).first()
    drill = selectors.budget_line_drill(contract.budget_line)
    by_id = {c.pk: c for c in drill["contracts"]}
    assert contract.pk in by_id
    paid = Transaction.objects.filter(contract=contract).aggregate(s=Sum("amount"), n=Count("id"))
    assert (by_id[contract.pk].paid, by_id[contract.pk].payments_count) == (paid["s"], paid["n"])
    assert all(t.contract_id is None for t in drill["payments_without_contract"])
    payments = selectors.contract_payments_page(contract)
    assert [t.pk for t in payments] == list(contract.payments.order_by("date", "id").values_list("pk", flat=True))


def test_compare_years_real_terms_and_per_capita(generated):
    rows = selectors.compare_years(2024, 2025, by="function")
    assert rows
    assert all(r["change"] == r["approved_b"] - r["approved_a"] for r in rows)
    assert (
        sum(r["approved_b"] for r in rows)
        == BudgetLine.objects.filter(fiscal_year_id=2025).aggregate(s=Sum("approved"))["s"]
    )
    assert selectors.compare_years(2024, 2025, by="ministry")
    assert selectors.compare_years(2024, 2025, by="province")
    assert selectors.real_terms(2_072_000, 2024, 2020) == 1_000_000  # CPI 207.2 (2020 = 100)
    assert selectors.real_terms(1, 1990, 2020) is None
    from elaos.core.models import Province

    vientiane = Province.objects.get(code="01")
    assert selectors.per_capita(1_000_000_000, vientiane.pk, 2025) == 1_000_000_000 // 1_010_000
