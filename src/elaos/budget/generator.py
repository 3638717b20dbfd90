"""Realistic synthetic Glass Accounts data: budget lines, monthly execution, payees with Lao names, tenders, bids,
awards, contracts and amendments, transactions with seasonal spending, publications with their deadlines, province
population and CPI — and a few planted red flags, whose ids are returned so tests can find them.

Used by ``manage.py budget_generate`` (millions of rows: PostgreSQL COPY), by the demo and by the benchmarks."""

from __future__ import annotations

import datetime
import functools
import io
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import (
    Award,
    Bid,
    BudgetLine,
    ConsumerPriceIndex,
    Contract,
    ContractAmendment,
    EconomicClass,
    FunctionClass,
    ImportBatch,
    InformationType,
    MonthlyExecution,
    Payee,
    ProvincePopulation,
    PublicationDeadline,
    Tender,
    Transaction,
)
from .reference import reference_data_ensure

# Ministries the generator makes sure exist (the demo loads the same codes), with their functions (COFOG).
MINISTRIES = [
    ("moh", "ກະຊວງສາທາລະນະສຸກ", "Ministry of Health", ["07.3", "07.1", "07.4"]),
    ("moes", "ກະຊວງສຶກສາທິການ ແລະ ກິລາ", "Ministry of Education and Sports", ["09.1", "09.2", "09.4"]),
    ("maf", "ກະຊວງກະສິກຳ ແລະ ປ່າໄມ້", "Ministry of Agriculture and Forestry", ["04.2", "05"]),
    ("mpwt", "ກະຊວງໂຍທາທິການ ແລະ ຂົນສົ່ງ", "Ministry of Public Works and Transport", ["04.5", "06.3"]),
    ("mof", "ກະຊວງການເງິນ", "Ministry of Finance", ["01.1", "01.7"]),
    ("mops", "ກະຊວງປ້ອງກັນຄວາມສະຫງົບ", "Ministry of Public Security", ["03.1"]),
    ("molsw", "ກະຊວງແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ", "Ministry of Labour and Social Welfare", ["10"]),
    ("moic", "ກະຊວງອຸດສາຫະກຳ ແລະ ການຄ້າ", "Ministry of Industry and Commerce", ["04"]),
    ("mtc", "ກະຊວງເຕັກໂນໂລຊີ ແລະ ການສື່ສານ", "Ministry of Technology and Communications", ["04", "01.1"]),
    ("moha", "ກະຊວງພາຍໃນ", "Ministry of Home Affairs", ["01.1"]),
    ("moj", "ກະຊວງຍຸຕິທຳ", "Ministry of Justice", ["03"]),
    ("mpi", "ກະຊວງແຜນການ ແລະ ການລົງທຶນ", "Ministry of Planning and Investment", ["01.1", "04"]),
]
# Ministries with a provincial department in every province (code "<ministry>-p<province code>").
PROVINCIAL = {
    "moh": ("ພະແນກສາທາລະນະສຸກ", "Health Department"),
    "moes": ("ພະແນກສຶກສາທິການ", "Education Department"),
    "mpwt": ("ພະແນກໂຍທາທິການ", "Public Works Department"),
    "maf": ("ພະແນກກະສິກຳ", "Agriculture Department"),
}

PURPOSES = {
    "01": [("ຊື້ອຸປະກອນຫ້ອງການ", "Office equipment"), ("ສ້ອມແປງອາຄານຫ້ອງການ", "Office building repairs"),
           ("ຄ່າບໍລິການອິນເຕີເນັດ", "Internet services"), ("ຈັດກອງປະຊຸມປະຈຳປີ", "Annual meeting"),
           ("ຄ່ານ້ຳມັນເຊື້ອໄຟ", "Fuel"), ("ລະບົບຄອມພິວເຕີ", "Computer system")],
    "03": [("ເຄື່ອງແບບ", "Uniforms"), ("ພາຫະນະ", "Vehicles"), ("ອຸປະກອນສື່ສານ", "Radio equipment")],
    "04": [("ສ້ອມແປງທາງ", "Road repairs"), ("ກໍ່ສ້າງຂົວ", "Bridge construction"), ("ປູຢາງທາງ", "Road paving"),
           ("ແນວພັນເຂົ້າ", "Rice seed"), ("ລະບົບຊົນລະປະທານ", "Irrigation system"), ("ຝຸ່ນ", "Fertiliser")],
    "05": [("ປູກປ່າ", "Reforestation"), ("ເກັບຂີ້ເຫຍື້ອ", "Waste collection")],
    "06": [("ລະບົບນ້ຳປະປາ", "Water supply system"), ("ໄຟຟ້າແສງສະຫວ່າງທາງ", "Street lighting")],
    "07": [("ຊື້ຢາ ແລະ ເວດຊະພັນ", "Medicines and medical supplies"), ("ອຸປະກອນການແພດ", "Medical equipment"),
           ("ກໍ່ສ້າງສຸກສາລາ", "Health centre construction"), ("ວັກຊີນ", "Vaccines"),
           ("ສ້ອມແປງໂຮງໝໍ", "Hospital repairs")],
    "09": [("ປຶ້ມແບບຮຽນ", "Textbooks"), ("ກໍ່ສ້າງໂຮງຮຽນປະຖົມ", "Primary school construction"),
           ("ໂຕະຕັ່ງນັກຮຽນ", "School furniture"), ("ຝຶກອົບຮົມຄູ", "Teacher training"),
           ("ຄອມພິວເຕີໂຮງຮຽນ", "School computers")],
    "10": [("ເງິນຊ່ວຍເຫຼືອຜູ້ປະສົບໄພ", "Disaster relief"), ("ສູນຝຶກວິຊາຊີບ", "Vocational training centre")],
}  # fmt: skip

NAME_PARTS = [("ສີສະຫວາດ", "Sisavath"), ("ພູວົງ", "Phouvong"), ("ແສງຈະເລີນ", "Saengcharoen"), ("ວຽງຄຳ", "Viengkham"),
              ("ດາວເຮືອງ", "Daoheuang"), ("ຈະເລີນສຸກ", "Chaleunsouk"), ("ສົມບູນ", "Sombounh"), ("ມະນີວົງ", "Manivong"),
              ("ຄຳພູ", "Khamphou"), ("ບຸນມາ", "Bounma"), ("ທອງສີ", "Thongsy"), ("ໄຊຍະວົງ", "Xayavong"),
              ("ພົມມະຈັນ", "Phommachanh"), ("ແກ້ວມະນີ", "Keomany"), ("ສຸລິຍະ", "Souliya"), ("ວົງສະຫວັນ", "Vongsavanh"),
              ("ລາວສະຕາ", "Laostar"), ("ນາຄາ", "Naga"), ("ຈຳປາ", "Champa"), ("ແມ່ຂອງ", "Mekong"),
              ("ພູສີ", "Phousi"), ("ສະຫວັນ", "Savanh"), ("ດອກຄູນ", "Dokkhoun"), ("ຫຼວງພະບາງ", "Luangprabang")]  # fmt: skip
SECTORS = [("ກໍ່ສ້າງ", "Construction"), ("ການຄ້າ", "Trading"), ("ບໍລິການ", "Services"), ("ເຕັກໂນໂລຊີ", "Technology"),
           ("ການແພດ", "Medical Supplies"), ("ພັດທະນາ", "Development"), ("ຂົນສົ່ງ", "Logistics"),
           ("ອຸປະກອນ", "Equipment"), ("ການພິມ", "Printing"), ("ກະສິກຳ", "Agro")]  # fmt: skip
GIVEN = [("ສົມພອນ", "Somphone"), ("ບຸນມີ", "Bounmy"), ("ຄຳແພງ", "Khamphaeng"), ("ວັນນາ", "Vanna"),
         ("ມະນີວອນ", "Manivone"), ("ທອງດີ", "Thongdy"), ("ສຸກສະຫວັນ", "Souksavanh"), ("ແສງດາວ", "Saengdao"),
         ("ພອນສະຫວັນ", "Phonsavanh"), ("ຈັນທະວີ", "Chanthavy")]  # fmt: skip

# Seasonal weights of spending per month: slow start of the year, rush before the year closes.
SEASON = [0.45, 0.6, 0.8, 0.9, 0.95, 1.0, 0.9, 0.85, 1.0, 1.15, 1.35, 2.05]
# Province population (2025, approximate) and CPI (2020 = 100).
POPULATION = {"01": 1_010_000, "02": 190_000, "03": 190_000, "04": 330_000, "05": 200_000, "06": 470_000,
              "07": 310_000, "08": 400_000, "09": 270_000, "10": 450_000, "11": 300_000, "12": 430_000,
              "13": 1_030_000, "14": 430_000, "15": 130_000, "16": 760_000, "17": 160_000, "18": 100_000}  # fmt: skip
CPI = {2020: "100.0", 2021: "103.8", 2022: "126.9", 2023: "166.4", 2024: "207.2", 2025: "221.7", 2026: "232.8"}
# Province population growth per year (applied backwards and forwards from 2025).
POPULATION_GROWTH = 0.014


@dataclass
class Planted:
    """Ids of the records planted to raise each red flag."""

    split_payments: list[list[int]] = field(default_factory=list)
    no_contract: list[int] = field(default_factory=list)
    single_bid: list[str] = field(default_factory=list)
    big_amendment: list[str] = field(default_factory=list)
    new_payee: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Result:
    transactions: int = 0
    payees: int = 0
    budget_lines: int = 0
    contracts: int = 0
    seconds: float = 0.0
    planted: Planted = field(default_factory=Planted)


@functools.cache
def _search_text(text: str) -> str:
    from elaos.search.lao import index_text

    return index_text(text)


def ensure_agencies(*, provinces: int = 18) -> list[Any]:
    """The ministries and provincial departments spending is generated for (created when missing)."""
    from elaos.agencies.models import Organisation
    from elaos.core.models import Province

    orgs = []
    province_list = list(Province.objects.order_by("code")[:provinces])
    for code, name_lo, name_en, _functions in MINISTRIES:
        ministry, _ = Organisation.objects.get_or_create(
            code=code, defaults={"kind": "ministry", "name_lo": name_lo, "name_en": name_en}
        )
        orgs.append(ministry)
        if code in PROVINCIAL:
            lo, en = PROVINCIAL[code]
            for province in province_list:
                dept, _ = Organisation.objects.get_or_create(
                    code=f"{code}-p{province.code}",
                    defaults={
                        "kind": "provincial",
                        "parent": ministry,
                        "province": province,
                        "name_lo": f"{lo} {province.name_lo}",
                        "name_en": f"{province.name_en} {en}",
                    },
                )
                orgs.append(dept)
    return orgs


def reference_tables_ensure(years: list[int]) -> None:
    from elaos.core.models import Province

    for year, index in CPI.items():
        ConsumerPriceIndex.objects.get_or_create(year=year, defaults={"index": Decimal(index), "base_year": 2020})
    for province in Province.objects.all():
        base = POPULATION.get(province.code)
        if not base:
            continue
        for year in sorted(set(years) | {2025}):
            ProvincePopulation.objects.get_or_create(
                province=province,
                year=year,
                defaults={"population": int(base * (1 + POPULATION_GROWTH) ** (year - 2025))},
            )


def _copy_rows(table: str, columns: list[str], rows: Any) -> None:
    """COPY rows (iterables of Python values) into a table on PostgreSQL."""
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _drop_transaction_indexes() -> list[str]:
    """Drop the secondary indexes and the unique constraint of budget_transaction; returns the SQL recreating
    them (bulk loading then indexing is several times faster than maintaining the indexes row by row)."""
    recreate = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'budget_transaction'::regclass AND contype = 'u'"
        )
        for name, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE budget_transaction DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE budget_transaction ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'budget_transaction' "
            "AND indexname <> 'budget_transaction_pkey'"
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            recreate.append(definition)
    return recreate


def generate(
    *,
    transactions: int = 10_000,
    years: list[int] | None = None,
    seed: int = 1,
    planted: int = 3,
    provinces: int = 18,
    publications: bool = True,
    log: Callable[[str], None] = lambda _m: None,
) -> Result:
    """Generate ``transactions`` transactions (plus everything they rest on) over ``years``. Adds to what is
    there; references stay unique because every generated key carries the seed and a counter."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    years = sorted(years or [2024, 2025, 2026])
    threshold = settings.GLASS_TRANSACTION_THRESHOLD_KIP
    contract_required = getattr(settings, "GLASS_CONTRACT_REQUIRED_KIP", 100_000_000)
    pg = connection.vendor == "postgresql"
    result = Result()
    today = timezone.localdate()

    with transaction.atomic():
        reference_data_ensure()
        from .services import fiscal_year_ensure

        for year in years:
            fiscal_year_ensure(year, status="closed" if year < today.year else "executing")
        reference_tables_ensure(years)
        agencies = ensure_agencies(provinces=provinces)
    functions = {f.code: f for f in FunctionClass.objects.all()}
    economics = {e.code: e for e in EconomicClass.objects.all()}
    ministry_functions = {code: fns for code, _lo, _en, fns in MINISTRIES}
    tag = f"g{seed}"

    def last_month(year: int) -> int:
        return 12 if year < today.year else max(1, today.month - 1) if year == today.year else 0

    # --- budget lines and monthly execution -------------------------------------------------------------------
    log("budget lines")
    lines_by: dict[tuple[int, int], list[BudgetLine]] = {}
    with transaction.atomic():
        new_lines = []
        for agency in agencies:
            ministry_code = agency.code.split("-p")[0]
            fns = ministry_functions.get(ministry_code, ["01.1"])
            weight = 1.0 if agency.parent_id is None else 0.25
            for year in years:
                growth = 1.08 ** (year - years[0])
                for i, fcode in enumerate(fns):
                    for ecode, share in (("21", 0.45), ("22", 0.3), ("31", 0.25)):
                        approved = int(rng.uniform(40, 400) * 1e9 * share * weight * growth) // 1_000_000 * 1_000_000
                        funding = "domestic" if ecode != "31" else rng.choice(["domestic", "loan", "grant"])
                        adjusted = (
                            int(approved * rng.uniform(0.9, 1.12)) // 1_000_000 * 1_000_000
                            if year < today.year and rng.random() < 0.5
                            else None
                        )
                        new_lines.append(
                            BudgetLine(
                                fiscal_year_id=year,
                                code=f"{agency.code}-{fcode}-{ecode}-{i}-{tag}".upper(),
                                agency=agency,
                                province_id=agency.province_id,
                                function=functions.get(fcode) or functions["01"],
                                economic=economics[ecode],
                                funding_source=funding,
                                name_lo=f"{functions.get(fcode, functions['01']).name_lo} — {economics[ecode].name_lo}",
                                name_en=f"{functions.get(fcode, functions['01']).name_en} — {economics[ecode].name_en}",
                                proposed=int(approved * rng.uniform(1.0, 1.15)) // 1_000_000 * 1_000_000,
                                approved=approved,
                                adjusted=adjusted,
                            )
                        )
        existing = set(BudgetLine.objects.filter(fiscal_year_id__in=years).values_list("fiscal_year_id", "code"))
        new_lines = [b for b in new_lines if (b.fiscal_year_id, b.code) not in existing]
        BudgetLine.objects.bulk_create(new_lines, batch_size=2000)
        result.budget_lines = len(new_lines)
        for line in BudgetLine.objects.filter(fiscal_year_id__in=years, code__endswith=tag.upper()).select_related(
            "function"
        ):
            lines_by.setdefault((line.agency_id, line.fiscal_year_id), []).append(line)
        execution = []
        for (_a, year), lines in lines_by.items():
            for line in lines:
                rate = rng.uniform(0.78, 1.0)
                for month in range(1, last_month(year) + 1):
                    execution.append(
                        MonthlyExecution(
                            budget_line=line,
                            month=month,
                            executed=int(line.current * rate * SEASON[month - 1] / sum(SEASON)),
                        )
                    )
        MonthlyExecution.objects.bulk_create(execution, batch_size=5000, ignore_conflicts=True)

    # --- payees ---------------------------------------------------------------------------------------------------
    log("payees")
    n_payees = max(200, min(200_000, transactions // 40))
    payee_rows = []
    reg_prefix = f"{seed % 100:02d}"
    for k in range(n_payees):
        if rng.random() < 0.92:
            p1, s = rng.choice(NAME_PARTS), rng.choice(SECTORS)
            p2 = rng.choice(NAME_PARTS) if rng.random() < 0.5 else None
            lo = f"ບໍລິສັດ {p1[0]}{p2[0] if p2 else ''} {s[0]} ຈຳກັດ"
            en = f"{p1[1]}{' ' + p2[1] if p2 else ''} {s[1]} Co., Ltd"
            kind, reg = Payee.Kind.COMPANY, f"{reg_prefix}-{k:07d}"
        else:
            g, f = rng.choice(GIVEN), rng.choice(NAME_PARTS)
            lo, en = f"ທ່ານ {g[0]} {f[0]} {k}", f"Mr/Ms {g[1]} {f[1]} {k}"
            kind, reg = Payee.Kind.INDIVIDUAL, None
        registered = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 8000))
        payee_rows.append((lo, en, kind, reg, registered))
    with transaction.atomic():
        objs = [
            Payee(
                name_lo=lo,
                name_en=en,
                kind=kind,
                registration_number=reg,
                registered_on=registered,
                search_text=_search_text(f"{lo} {en} {reg or ''}"),
            )
            for lo, en, kind, reg, registered in payee_rows
        ]
        existing_regs = set(
            Payee.objects.filter(registration_number__in=[o.registration_number for o in objs if o.registration_number])
            .values_list("registration_number", flat=True)
        )  # fmt: skip
        objs = [o for o in objs if o.registration_number not in existing_regs]
        Payee.objects.bulk_create(objs, batch_size=5000)
    regs = [r[3] for r in payee_rows if r[3]]
    payee_ids = list(Payee.objects.filter(registration_number__in=regs).values_list("pk", flat=True))
    payee_ids += list(
        Payee.objects.filter(name_lo__in=[r[0] for r in payee_rows if not r[3]]).values_list("pk", flat=True)
    )
    result.payees = len(payee_ids)
    payee_registered = dict(Payee.objects.filter(pk__in=payee_ids).values_list("pk", "registered_on"))

    # --- where spending goes ------------------------------------------------------------------------------------
    spend_agencies = [a for a in agencies if any((a.pk, y) in lines_by for y in years)]
    agency_weights = [1.0 if a.parent_id is None else 0.3 for a in spend_agencies]
    year_months = [(y, m) for y in years for m in range(1, last_month(y) + 1)]
    ym_weights = [SEASON[m - 1] * (1.08 ** (y - years[0])) for y, m in year_months]
    # Each agency works with a pool of payees, a few of them often (Zipf-like).
    pools = {a.pk: rng.sample(payee_ids, min(len(payee_ids), rng.randint(40, 400))) for a in spend_agencies}

    # --- procurement: tenders, bids, awards, contracts ----------------------------------------------------------
    log("contracts")
    share_big = 0.25
    contracts_by: dict[tuple[int, int], list[tuple[int, int, int]]] = {}  # (agency, year) -> (contract pk, payee)
    prefix = settings.GLASS_OCID_PREFIX
    n_contracts = max(len(spend_agencies), int(transactions * share_big / 5))
    total_w = sum(agency_weights)
    with transaction.atomic():
        tenders, plan = [], []
        counter = 0
        for agency, w in zip(spend_agencies, agency_weights, strict=True):
            for year in years:
                if (agency.pk, year) not in lines_by or not last_month(year):
                    continue
                count = max(1, round(n_contracts * w / total_w / len(years)))
                for _ in range(count):
                    counter += 1
                    month = rng.randint(1, last_month(year))
                    published = datetime.date(year, month, rng.randint(1, 20))
                    line = rng.choice(lines_by[(agency.pk, year)])
                    estimated = int(10 ** rng.uniform(8.3, 10.3)) // 1_000_000 * 1_000_000
                    method = rng.choices(["open", "limited", "direct"], [0.7, 0.2, 0.1])[0]
                    fn = line.function.code[:2]
                    title = rng.choice(PURPOSES.get(fn, PURPOSES["01"]))
                    ocid = f"{prefix}-{agency.code}-{year}-{tag}-{counter:06d}"
                    tenders.append(
                        Tender(
                            ocid=ocid,
                            agency=agency,
                            fiscal_year_id=year,
                            budget_line=line,
                            title_lo=title[0],
                            title_en=title[1],
                            category="works" if "ກໍ່ສ້າງ" in title[0] or "ທາງ" in title[0] else "goods",
                            method=method,
                            status=Tender.Status.COMPLETE,
                            published_on=published,
                            tender_period_start=published,
                            tender_period_end=published + datetime.timedelta(days=21),
                            estimated_value=estimated,
                        )
                    )
                    plan.append((agency.pk, year, line.pk, published, estimated, method))
        Tender.objects.bulk_create(tenders, batch_size=2000)
        tender_pks = dict(Tender.objects.filter(ocid__in=[t.ocid for t in tenders]).values_list("ocid", "pk"))
        bids, awards = [], []
        award_info = []
        single_bid_planted = set(rng.sample(range(len(tenders)), min(planted, len(tenders))))
        new_payee_planted = set(rng.sample(range(len(tenders)), min(planted, len(tenders)))) - single_bid_planted
        for i, (tender, (agency_id, year, line_id, _published, estimated, method)) in enumerate(
            zip(tenders, plan, strict=True)
        ):
            pool = pools[agency_id]
            n_bids = 1 if method == "direct" or i in single_bid_planted else rng.randint(2, 5)
            if i in single_bid_planted:
                tender.method = "open"
                Tender.objects.filter(pk=tender_pks[tender.ocid]).update(method="open")
            bidders = rng.sample(pool, min(n_bids, len(pool)))
            amounts = sorted(int(estimated * rng.uniform(0.85, 1.05)) // 1000 * 1000 for _ in bidders)
            for bidder, amount in zip(bidders, amounts, strict=False):
                bids.append(Bid(tender_id=tender_pks[tender.ocid], tenderer_id=bidder, amount=amount))
            award_date = tender.tender_period_end + datetime.timedelta(days=rng.randint(5, 25))
            if award_date.year > year:
                award_date = datetime.date(year, 12, 28)
            awards.append(
                Award(
                    tender_id=tender_pks[tender.ocid],
                    award_id=f"{tender.ocid}-A1",
                    supplier_id=bidders[0],
                    amount=amounts[0],
                    date=award_date,
                )
            )
            award_info.append((tender.ocid, agency_id, year, line_id, bidders[0], amounts[0], award_date, tender))
            if i in single_bid_planted:
                result.planted.single_bid.append(f"{tender.ocid}-C1")
            if i in new_payee_planted:
                Payee.objects.filter(pk=bidders[0]).update(registered_on=award_date - datetime.timedelta(days=20))
                payee_registered[bidders[0]] = award_date - datetime.timedelta(days=20)
                result.planted.new_payee.append(f"{tender.ocid}-C1")
        Bid.objects.bulk_create(bids, batch_size=5000)
        Award.objects.bulk_create(awards, batch_size=2000)
        award_pks = dict(Award.objects.filter(award_id__in=[a.award_id for a in awards]).values_list("award_id", "pk"))
        contracts = [
            Contract(
                contract_id=f"{ocid}-C1",
                award_id=award_pks[f"{ocid}-A1"],
                agency_id=agency_id,
                fiscal_year_id=year,
                supplier_id=supplier,
                budget_line_id=line_id,
                title_lo=tender.title_lo,
                title_en=tender.title_en,
                value=amount,
                signed_on=award_date + datetime.timedelta(days=3),
                period_start=award_date + datetime.timedelta(days=3),
                period_end=award_date + datetime.timedelta(days=180),
            )
            for ocid, agency_id, year, line_id, supplier, amount, award_date, tender in award_info
        ]
        Contract.objects.bulk_create(contracts, batch_size=2000)
        for pk, agency_id, year, supplier, value, signed in Contract.objects.filter(
            contract_id__in=[c.contract_id for c in contracts]
        ).values_list("pk", "agency_id", "fiscal_year_id", "supplier_id", "value", "signed_on"):
            contracts_by.setdefault((agency_id, year), []).append((pk, supplier, value, signed))
        result.contracts = len(contracts)
        # Amendments: a few ordinary ones (+5–15 %), and the planted large ones (+60 %).
        amendments = []
        all_contracts = [c for cs in contracts_by.values() for c in cs]
        big = set(rng.sample(range(len(all_contracts)), min(planted, len(all_contracts))))
        by_pk_id = dict(Contract.objects.filter(pk__in=[c[0] for c in all_contracts]).values_list("pk", "contract_id"))
        for i, (pk, _supplier, value, signed) in enumerate(all_contracts):
            if i in big:
                share = 0.6
                result.planted.big_amendment.append(by_pk_id[pk])
            elif rng.random() < 0.05:
                share = rng.uniform(0.05, 0.15)
            else:
                continue
            amendments.append(
                ContractAmendment(
                    contract_id=pk,
                    amendment_id=f"{by_pk_id[pk]}-M1",
                    date=signed + datetime.timedelta(days=60),
                    previous_value=value,
                    new_value=int(value * (1 + share)),
                    rationale_lo="ເພີ່ມວຽກ",
                    rationale_en="Additional works",
                )
            )
        ContractAmendment.objects.bulk_create(amendments, batch_size=2000)

    # --- transactions ----------------------------------------------------------------------------------------------
    log(f"{transactions} transactions")

    def rows() -> Any:
        cum_a = _cumulative(agency_weights)
        cum_ym = _cumulative(ym_weights)
        choices = rng.choices
        n = 0
        for _ in range(transactions):
            agency = choices(spend_agencies, cum_weights=cum_a)[0]
            year, month = choices(year_months, cum_weights=cum_ym)[0]
            lines = lines_by.get((agency.pk, year))
            if not lines:
                continue
            day = rng.randint(1, 28)
            r = rng.random()
            contract_id = None
            cands = contracts_by.get((agency.pk, year))
            if r < 1 - share_big or not cands:
                amount = int(threshold * math.exp(rng.uniform(0, math.log(contract_required / threshold) - 0.01)))
                pool = pools[agency.pk]
                payee = pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)]
                line = lines[rng.randrange(len(lines))]
                fn = line.function.code[:2]
            else:
                contract_id, payee, value, signed = cands[rng.randrange(len(cands))]
                amount = max(contract_required, int(value * rng.uniform(0.1, 0.4)))
                line = lines[rng.randrange(len(lines))]
                fn = line.function.code[:2]
                date = signed + datetime.timedelta(days=rng.randint(10, 150))
                if date.year == year and date <= today:
                    month, day = date.month, date.day
            amount = amount // 1000 * 1000
            purpose = rng.choice(PURPOSES.get(fn, PURPOSES["01"]) or PURPOSES["01"])
            n += 1
            yield (
                year,
                agency.pk,
                f"{tag}-{n:08d}",
                datetime.date(year, month, day),
                payee,
                purpose[0],
                purpose[1],
                amount,
                line.pk,
                contract_id,
                None,
            )

    columns = [
        "fiscal_year_id",
        "agency_id",
        "reference",
        "date",
        "payee_id",
        "purpose_lo",
        "purpose_en",
        "amount",
        "budget_line_id",
        "contract_id",
        "batch_id",
    ]
    with transaction.atomic():
        if pg:
            big_load = transactions >= 200_000
            recreate = _drop_transaction_indexes() if big_load else []
            _copy_rows("budget_transaction", columns, rows())
            if recreate:
                log("indexes")
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                    for sql in recreate:
                        cur.execute(sql)
        else:
            batch: list[Transaction] = []
            for row in rows():
                batch.append(Transaction(**dict(zip(columns, row, strict=True))))
                if len(batch) >= 5000:
                    Transaction.objects.bulk_create(batch)
                    batch = []
            Transaction.objects.bulk_create(batch)
        result.transactions = (
            Transaction.objects.filter(reference__startswith=f"{tag}-").count() if not pg else transactions
        )

        # Planted: split payments (several payments just below the threshold, same agency and payee, within days)
        # and large payments without a contract.
        log("planted flags")
        planted_rows = []
        for k in range(planted):
            agency = spend_agencies[k % len(spend_agencies)]
            year = years[-1] if last_month(years[-1]) else years[0]
            line = lines_by[(agency.pk, year)][0]
            payee = pools[agency.pk][-1 - k]
            start = datetime.date(year, max(1, last_month(year) - 1), 3)
            group = []
            for j in range(3):
                ref = f"{tag}-split-{k}-{j}"
                planted_rows.append(
                    Transaction(
                        fiscal_year_id=year,
                        agency=agency,
                        reference=ref,
                        date=start + datetime.timedelta(days=3 * j),
                        payee_id=payee,
                        purpose_lo="ຊື້ອຸປະກອນຫ້ອງການ",
                        purpose_en="Office equipment",
                        amount=int(threshold * rng.uniform(0.4, 0.45)) // 1000 * 1000,
                        budget_line=line,
                    )
                )
                group.append(ref)
            ref = f"{tag}-nocontract-{k}"
            planted_rows.append(
                Transaction(
                    fiscal_year_id=year,
                    agency=agency,
                    reference=ref,
                    date=start + datetime.timedelta(days=10),
                    payee_id=pools[agency.pk][0],
                    purpose_lo="ກໍ່ສ້າງອາຄານ",
                    purpose_en="Building construction",
                    amount=int(contract_required * rng.uniform(8, 20)) // 1000 * 1000,
                    budget_line=line,
                )
            )
        Transaction.objects.bulk_create(planted_rows)
        ids = dict(
            Transaction.objects.filter(reference__in=[t.reference for t in planted_rows]).values_list("reference", "pk")
        )
        for k in range(planted):
            result.planted.split_payments.append([ids[f"{tag}-split-{k}-{j}"] for j in range(3)])
            result.planted.no_contract.append(ids[f"{tag}-nocontract-{k}"])

    if publications:
        log("publications and deadlines")
        publications_generate(agencies=spend_agencies, years=years, rng=rng, today=today)
    log("rollups")
    from .services import rollups_refresh

    rollups_refresh(fiscal_years=years)
    if pg and not connection.in_atomic_block:
        # Statistics for the planner, and the visibility map for index-only scans (duplicate checks on import).
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE budget_transaction")
            cur.execute("VACUUM ANALYZE budget_payee")
    result.seconds = time.monotonic() - started
    return result


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def publications_generate(*, agencies: list[Any], years: list[int], rng: random.Random, today: datetime.date) -> None:
    """Deadlines for every agency, type and period up to today, and a published batch for most of them: most on
    time, some late, a few missing — what the glass index ranks. Periods that already have a deadline are left
    alone."""
    from .services import _periods, deadline_due_on

    infos = list(InformationType.objects.filter(required=True))
    existing = set(
        PublicationDeadline.objects.filter(agency_id__in=[a.pk for a in agencies]).values_list(
            "agency_id", "information_type_id", "period_start"
        )
    )
    # Each agency has a habit: most publish on time, some are often late, one or two rarely publish.
    habit = {a.pk: rng.choice([0.95, 0.9, 0.9, 0.8, 0.6, 0.3]) for a in agencies}
    deadlines, batches = [], []
    for agency in agencies:
        for year in years:
            for info in infos:
                for start, end in _periods(info, year):
                    if (agency.pk, info.pk, start) in existing:
                        continue
                    due = deadline_due_on(info, start, end)
                    deadline = PublicationDeadline(
                        agency=agency, information_type=info, period_start=start, period_end=end, due_on=due
                    )
                    deadlines.append(deadline)
                    batches.append(None)
                    if due >= today:
                        continue
                    r, p = rng.random(), habit[agency.pk]
                    if r > p + (1 - p) / 2:
                        continue  # never published
                    published = due - datetime.timedelta(days=rng.randint(0, 10))
                    if r > p:
                        published = due + datetime.timedelta(days=rng.randint(3, 60))
                    published = min(published, today)
                    at = timezone.make_aware(datetime.datetime.combine(published, datetime.time(10, 0)))
                    deadline.fulfilled_on = published
                    batches[-1] = ImportBatch(
                        agency=agency,
                        information_type=info,
                        fiscal_year_id=year,
                        period_start=start,
                        period_end=end,
                        original_filename=f"{info.code}-{start:%Y-%m}.csv",
                        status=ImportBatch.Status.PUBLISHED,
                        progress=100,
                        published_at=at,
                        validated_at=at,
                    )
    with transaction.atomic():
        ImportBatch.objects.bulk_create([b for b in batches if b is not None], batch_size=1000)
        for deadline, batch in zip(deadlines, batches, strict=True):
            if batch is not None:
                deadline.batch_id = batch.pk
        PublicationDeadline.objects.bulk_create(deadlines, batch_size=2000)


def write_csv(path_or_buffer: Any, rows: list[list[str]], header: list[str]) -> None:
    import csv

    own = isinstance(path_or_buffer, str)
    fh = open(path_or_buffer, "w", newline="", encoding="utf-8") if own else path_or_buffer  # noqa: SIM115
    writer = csv.writer(fh)
    writer.writerow(header)
    writer.writerows(rows)
    if own:
        fh.close()


def transactions_csv(
    *,
    n: int,
    agency_codes: list[str],
    year: int,
    budget_codes: dict[str, list[str]],
    seed: int = 7,
    prefix: str = "imp",
) -> str:
    """A transactions file in the publishing template's format (for import tests and the import benchmark)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    threshold = settings.GLASS_TRANSACTION_THRESHOLD_KIP
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\n")
    from .imports import table_schema

    writer.writerow([f["name"] for f in table_schema("transactions")["fields"]])
    for k in range(n):
        agency = agency_codes[k % len(agency_codes)]
        p1, s = NAME_PARTS[k % len(NAME_PARTS)], SECTORS[(k // 7) % len(SECTORS)]
        reg = f"{seed % 100:02d}-{(k % 500):07d}"
        purpose = PURPOSES["01"][k % len(PURPOSES["01"])]
        codes = budget_codes.get(agency) or [""]
        writer.writerow(
            [
                f"{prefix}-{k:08d}",
                datetime.date(year, 1 + k % 12, 1 + k % 28).isoformat(),
                agency,
                f"ບໍລິສັດ {p1[0]} {s[0]} ຈຳກັດ",
                f"{p1[1]} {s[1]} Co., Ltd",
                "company",
                reg,
                purpose[0],
                purpose[1],
                threshold + rng.randint(0, 900) * 1_000_000,
                codes[k % len(codes)],
                "",
            ]
        )
    return out.getvalue()
