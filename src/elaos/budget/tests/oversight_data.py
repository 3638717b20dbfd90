"""Small builders for the oversight tests (flags, glass index, alerts, open data): plain functions, so each test
plants exactly the rows it talks about."""

import datetime
import itertools

from conftest import OrganisationFactory
from elaos.agencies.models import Organisation
from elaos.budget.models import (
    Award,
    Bid,
    BudgetLine,
    Contract,
    ContractAmendment,
    EconomicClass,
    FiscalYear,
    FunctionClass,
    Payee,
    ProcurementMethod,
    Tender,
    Transaction,
)
from elaos.budget.reference import reference_data_ensure

_seq = itertools.count(1)

YEAR = 2025
THRESHOLD = 30_000_000


def year(value: int = YEAR) -> FiscalYear:
    reference_data_ensure()
    return FiscalYear.objects.get_or_create(year=value, defaults={"status": FiscalYear.Status.EXECUTING})[0]


def agency(code: str = "", **fields: object) -> Organisation:
    code = code or f"agency-{next(_seq)}"
    return OrganisationFactory(code=code, name_lo=fields.pop("name_lo", f"ກົມ {code}"), name_en=f"Dept {code}", **fields)


def payee(name: str = "", **fields: object) -> Payee:
    n = next(_seq)
    name = name or f"Company {n}"
    return Payee.objects.create(name_lo=fields.pop("name_lo", f"ບໍລິສັດ {n}"), name_en=name, **fields)


def budget_line(org: Organisation, *, code: str = "", fiscal_year: int = YEAR, **fields: object) -> BudgetLine:
    year(fiscal_year)
    return BudgetLine.objects.create(
        fiscal_year_id=fiscal_year,
        code=code or f"BL-{next(_seq)}",
        agency=org,
        function=FunctionClass.objects.get(code=fields.pop("function", "07.3")),
        economic=EconomicClass.objects.get(code=fields.pop("economic", "22")),
        name_lo=fields.pop("name_lo", "ຊື້ຢາ"),
        name_en=fields.pop("name_en", "Medicines"),
        approved=fields.pop("approved", 1_000_000_000),
        **fields,
    )


def pay(
    org: Organisation,
    to: Payee,
    amount: int,
    on: datetime.date,
    *,
    contract: Contract | None = None,
    **fields: object,
) -> Transaction:
    year(on.year)
    return Transaction.objects.create(
        fiscal_year_id=on.year,
        agency=org,
        reference=fields.pop("reference", f"V-{next(_seq)}"),
        date=on,
        payee=to,
        purpose_lo=fields.pop("purpose_lo", "ຊື້ເຄື່ອງ"),
        purpose_en=fields.pop("purpose_en", "Supplies"),
        amount=amount,
        contract=contract,
        **fields,
    )


def tender(
    org: Organisation,
    *,
    bids: list[tuple[Payee, int]] = (),  # type: ignore[assignment]
    method: str = ProcurementMethod.OPEN,
    fiscal_year: int = YEAR,
    **fields: object,
) -> Tender:
    year(fiscal_year)
    n = next(_seq)
    t = Tender.objects.create(
        ocid=f"ocds-elaos1-T{n:05d}",
        agency=org,
        fiscal_year_id=fiscal_year,
        title_lo=fields.pop("title_lo", f"ຈັດຊື້ {n}"),
        title_en=fields.pop("title_en", f"Purchase {n}"),
        method=method,
        published_on=fields.pop("published_on", datetime.date(fiscal_year, 2, 1)),
        tender_period_start=datetime.date(fiscal_year, 2, 1),
        tender_period_end=fields.pop("tender_period_end", datetime.date(fiscal_year, 2, 28)),
        estimated_value=fields.pop("estimated_value", 500_000_000),
        **fields,
    )
    for bidder, amount in bids:
        Bid.objects.create(tender=t, tenderer=bidder, amount=amount, submitted_on=datetime.date(fiscal_year, 2, 20))
    return t


def award(t: Tender, supplier: Payee, amount: int, on: datetime.date) -> Award:
    return Award.objects.create(
        tender=t, award_id=f"{t.ocid}-A{t.awards.count() + 1}", supplier=supplier, amount=amount, date=on
    )


def contract(a: Award, value: int | None = None, **fields: object) -> Contract:
    t = a.tender
    return Contract.objects.create(
        contract_id=f"{t.ocid}-C{Contract.objects.filter(award__tender=t).count() + 1}",
        award=a,
        agency=t.agency,
        fiscal_year_id=t.fiscal_year_id,
        supplier=a.supplier,
        title_lo=t.title_lo,
        title_en=t.title_en,
        value=value if value is not None else a.amount,
        signed_on=fields.pop("signed_on", a.date + datetime.timedelta(days=7)),
        **fields,
    )


def amend(c: Contract, new_value: int, on: datetime.date) -> ContractAmendment:
    previous = c.amendments.order_by("-date", "-id").first()
    return ContractAmendment.objects.create(
        contract=c,
        amendment_id=f"{c.contract_id}-M{c.amendments.count() + 1}",
        date=on,
        previous_value=previous.new_value if previous else c.value,
        new_value=new_value,
        rationale_en="More work",
    )


def procurement_story(org: Organisation | None = None) -> dict:
    """One complete contracting process: a budget line, a tender with two bids, an award, a contract, an amendment
    and two payments; plus a payment outside any contract."""
    org = org or agency("moh-hospitals", name_lo="ກົມໂຮງໝໍ")
    line = budget_line(org, code="MOH-07.3-22-001")
    winner = payee("Lao Pharma", registration_number="01-123456", registered_on=datetime.date(2012, 5, 1))
    loser = payee("Mekong Medical")
    t = tender(org, bids=[(winner, 400_000_000), (loser, 420_000_000)], budget_line=line)
    a = award(t, winner, 400_000_000, datetime.date(YEAR, 3, 10))
    c = contract(a, period_start=datetime.date(YEAR, 3, 20), period_end=datetime.date(YEAR, 12, 31), budget_line=line)
    m = amend(c, 440_000_000, datetime.date(YEAR, 6, 1))
    payments = [
        pay(org, winner, 200_000_000, datetime.date(YEAR, 4, 15), contract=c, budget_line=line),
        pay(org, winner, 240_000_000, datetime.date(YEAR, 7, 15), contract=c, budget_line=line),
    ]
    loose = pay(org, loser, 35_000_000, datetime.date(YEAR, 5, 5), budget_line=line, purpose_lo="ຄ່າຂົນສົ່ງ")
    return {
        "agency": org,
        "line": line,
        "winner": winner,
        "loser": loser,
        "tender": t,
        "award": a,
        "contract": c,
        "amendment": m,
        "payments": payments,
        "loose": loose,
    }
