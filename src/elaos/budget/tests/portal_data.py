"""A small published budget for the portal and publishing view tests: two ministries (health with a provincial
department, labour from the root conftest), two fiscal years, one tendered contract with two bids, an amendment and
two payments, a payment without a contract, population and CPI, a red flag and two weeks of the glass index.
Rollups are refreshed with the data services' own ``rollups_refresh``, as a publish would."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import OrganisationFactory
from elaos.agencies.models import Organisation
from elaos.budget.models import (
    Award,
    Bid,
    BudgetLine,
    ConsumerPriceIndex,
    Contract,
    ContractAmendment,
    EconomicClass,
    FunctionClass,
    GlassIndexSnapshot,
    MonthlyExecution,
    Payee,
    ProcurementMethod,
    ProvincePopulation,
    RedFlag,
    Tender,
    Transaction,
)
from elaos.budget.reference import reference_data_ensure
from elaos.budget.services import fiscal_year_ensure, rollups_refresh
from elaos.core.models import Province


@dataclass
class Portal:
    health: Organisation
    health_province: Organisation
    labour: Organisation
    line: BudgetLine
    old_line: BudgetLine
    labour_line: BudgetLine
    builder: Payee
    pharmacy: Payee
    loser: Payee
    tender: Tender
    contract: Contract
    payments: list[Transaction]
    loose_payment: Transaction
    labour_payment: Transaction
    flag: RedFlag


def build_portal(labour: Organisation) -> Portal:
    reference_data_ensure()
    for y in (2024, 2025):
        fiscal_year_ensure(y)
    vientiane = Province.objects.get(code="01")
    health = OrganisationFactory(code="moh", name_lo="ກະຊວງສາທາລະນະສຸກ", name_en="Ministry of Health")
    health_province = OrganisationFactory(
        code="moh-vte",
        kind=Organisation.Kind.PROVINCIAL_DEPARTMENT,
        parent=health,
        province=vientiane,
        name_lo="ພະແນກສາທາລະນະສຸກ ນະຄອນຫຼວງ",
        name_en="Vientiane Capital Health Department",
    )
    hospitals = FunctionClass.objects.get(code="07.3")
    goods = EconomicClass.objects.get(code="22")
    line = BudgetLine.objects.create(
        fiscal_year_id=2025,
        code="MOH-073-001",
        agency=health_province,
        province=vientiane,
        function=hospitals,
        economic=goods,
        name_lo="ກໍ່ສ້າງໂຮງໝໍເມືອງ",
        name_en="District hospital construction",
        proposed=2_200_000_000,
        approved=2_000_000_000,
        adjusted=2_100_000_000,
    )
    old_line = BudgetLine.objects.create(
        fiscal_year_id=2024,
        code="MOH-073-001",
        agency=health_province,
        province=vientiane,
        function=hospitals,
        economic=goods,
        name_lo="ກໍ່ສ້າງໂຮງໝໍເມືອງ",
        name_en="District hospital construction",
        approved=1_500_000_000,
    )
    labour_line = BudgetLine.objects.create(
        fiscal_year_id=2025,
        code="MOLSW-10-001",
        agency=labour,
        function=FunctionClass.objects.get(code="10"),
        economic=goods,
        name_lo="ເງິນຊ່ວຍເຫຼືອ",
        name_en="Social assistance",
        approved=500_000_000,
    )
    MonthlyExecution.objects.create(budget_line=line, month=3, executed=400_000_000)
    MonthlyExecution.objects.create(budget_line=line, month=6, executed=350_000_000)
    MonthlyExecution.objects.create(budget_line=old_line, month=5, executed=1_200_000_000)
    MonthlyExecution.objects.create(budget_line=labour_line, month=2, executed=100_000_000)

    builder = Payee.objects.create(
        name_lo="ບໍລິສັດ ກໍ່ສ້າງ ຈຳປາ", name_en="Champa Construction", registration_number="0101-2025-77"
    )
    pharmacy = Payee.objects.create(name_lo="ຮ້ານຂາຍຢາ ສຸກສັນ", name_en="Souksan Pharmacy")
    loser = Payee.objects.create(name_lo="ບໍລິສັດ ດາວເຮືອງ", name_en="Dao Heuang Company")
    tender = Tender.objects.create(
        ocid="ocds-elaos1-T-0001",
        agency=health_province,
        fiscal_year_id=2025,
        budget_line=line,
        title_lo="ກໍ່ສ້າງໂຮງໝໍເມືອງ ໄຊທານີ",
        title_en="Xaythany district hospital",
        method=ProcurementMethod.OPEN,
        published_on=datetime.date(2025, 1, 10),
        tender_period_end=datetime.date(2025, 2, 10),
        estimated_value=1_600_000_000,
    )
    Bid.objects.create(tender=tender, tenderer=builder, amount=1_500_000_000, submitted_on=datetime.date(2025, 2, 1))
    Bid.objects.create(tender=tender, tenderer=loser, amount=1_700_000_000, submitted_on=datetime.date(2025, 2, 3))
    award = Award.objects.create(
        tender=tender,
        award_id="ocds-elaos1-T-0001-A1",
        supplier=builder,
        amount=1_500_000_000,
        date=datetime.date(2025, 2, 20),
    )
    contract = Contract.objects.create(
        contract_id="ocds-elaos1-T-0001-C1",
        award=award,
        agency=health_province,
        fiscal_year_id=2025,
        supplier=builder,
        budget_line=line,
        title_lo="ສັນຍາກໍ່ສ້າງໂຮງໝໍເມືອງ ໄຊທານີ",
        title_en="Xaythany hospital construction contract",
        value=1_500_000_000,
        signed_on=datetime.date(2025, 3, 1),
    )
    ContractAmendment.objects.create(
        contract=contract,
        amendment_id="ocds-elaos1-T-0001-C1-M1",
        date=datetime.date(2025, 6, 1),
        previous_value=1_500_000_000,
        new_value=1_650_000_000,
        rationale_lo="ເພີ່ມຫ້ອງສຸກເສີນ",
        rationale_en="Emergency ward added",
    )

    def pay(org: Organisation, to: Payee, amount: int, on: datetime.date, ref: str, **extra: object) -> Transaction:
        return Transaction.objects.create(
            fiscal_year_id=on.year,
            agency=org,
            reference=ref,
            date=on,
            payee=to,
            amount=amount,
            **extra,
        )

    payments = [
        pay(
            health_province,
            builder,
            400_000_000,
            datetime.date(2025, 3, 15),
            "V-001",
            purpose_lo="ງວດທີ 1 ກໍ່ສ້າງໂຮງໝໍ",
            purpose_en="Hospital construction, first instalment",
            budget_line=line,
            contract=contract,
        ),
        pay(
            health_province,
            builder,
            350_000_000,
            datetime.date(2025, 6, 20),
            "V-002",
            purpose_lo="ງວດທີ 2 ກໍ່ສ້າງໂຮງໝໍ",
            purpose_en="Hospital construction, second instalment",
            budget_line=line,
            contract=contract,
        ),
    ]
    loose_payment = pay(
        health_province,
        pharmacy,
        45_000_000,
        datetime.date(2025, 4, 2),
        "V-003",
        purpose_lo="ຊື້ຢາປິ່ນປົວ",
        purpose_en="Medicines",
        budget_line=line,
    )
    labour_payment = pay(
        labour,
        pharmacy,
        60_000_000,
        datetime.date(2025, 2, 11),
        "L-001",
        purpose_lo="ເງິນຊ່ວຍເຫຼືອຜູ້ປະສົບໄພ",
        purpose_en="Disaster relief",
        budget_line=labour_line,
    )
    ProvincePopulation.objects.create(province=vientiane, year=2024, population=1_000_000)
    ConsumerPriceIndex.objects.create(year=2024, index=Decimal("100.000"), base_year=2024)
    ConsumerPriceIndex.objects.create(year=2025, index=Decimal("125.000"), base_year=2024)
    flag = RedFlag.objects.create(
        kind=RedFlag.Kind.NO_CONTRACT,
        agency=health_province,
        fiscal_year_id=2025,
        severity=RedFlag.Severity.MEDIUM,
        title_lo="ຈ່າຍເງິນໂດຍບໍ່ມີສັນຍາ",
        title_en="Payment above the threshold without a contract",
        explanation_lo="ຈ່າຍ 45,000,000 ກີບ ໃຫ້ ຮ້ານຂາຍຢາ ສຸກສັນ ໂດຍບໍ່ມີສັນຍາ.",
        explanation_en="45,000,000 kip paid to Souksan Pharmacy without a contract.",
        amount=45_000_000,
        payee=pharmacy,
        records={"transactions": [loose_payment.pk], "payees": [str(pharmacy.public_id)]},
        detected_at=timezone.now(),
        fingerprint="portal-test-flag",
    )
    for week, score, rank in ((datetime.date(2025, 6, 2), "70.00", 2), (datetime.date(2025, 6, 9), "85.50", 1)):
        GlassIndexSnapshot.objects.create(
            week=week,
            agency=health,
            score=Decimal(score),
            rank=rank,
            timeliness=Decimal("80.00"),
            completeness=Decimal("90.00"),
            components=[
                {
                    "information_type": "transactions",
                    "due": 3,
                    "on_time": 2,
                    "late": 1,
                    "missing": 0,
                    "score": 83.3,
                    "weight": 3,
                }
            ],
            computed_at=timezone.now(),
        )
    GlassIndexSnapshot.objects.create(
        week=datetime.date(2025, 6, 9),
        agency=labour,
        score=Decimal("40.00"),
        rank=2,
        components=[],
        computed_at=timezone.now(),
    )
    rollups_refresh()
    for obj in (line, old_line, labour_line):
        obj.refresh_from_db()
    return Portal(
        health=health,
        health_province=health_province,
        labour=labour,
        line=line,
        old_line=old_line,
        labour_line=labour_line,
        builder=builder,
        pharmacy=pharmacy,
        loser=loser,
        tender=tender,
        contract=contract,
        payments=payments,
        loose_payment=loose_payment,
        labour_payment=labour_payment,
        flag=flag,
    )


@pytest.fixture
def portal(db: None, ministry: Organisation) -> Portal:
    return build_portal(ministry)
