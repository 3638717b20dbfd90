"""Demo associations for the NPA register: real-sounding names across sectors, provinces, types and levels, two
suspended and one dissolved, officers, two years of annual reports for most (some late, one missing) and a few
projects with foreign funding. Loading twice changes nothing: each association is found by its number first.

Demo rows are written directly, without audit events: the demo's audit chain holds only what people did."""

import datetime

from django.db import transaction
from django.utils import timezone

from elaos.agencies.models import Sector
from elaos.civil_society.models import (
    AnnualReport,
    AnnualReportIncome,
    AnnualReportSpending,
    Npa,
    NpaMembership,
    NpaOfficer,
    NpaProject,
    NpaStatusChange,
    annual_report_deadline,
)
from elaos.civil_society.services import npa_index
from elaos.core.models import District, Province

ECON, PROF, SOCIAL, OTHER = "economic", "professional_technical_creative", "social_welfare", "other"
NAT, PROV, DIST = "national", "provincial", "district"

# (number, Lao name, English name, abbreviation, type, level, sector, province, district, registered, address,
#  Lao objectives, English objectives, [(role, Lao name, Latin name)])
NPAS = [
    (
        "NPA-2018-0001",
        "ສະມາຄົມແພດລາວ",
        "Lao Medical Association",
        "LMA",
        PROF,
        NAT,
        "health",
        "01",
        "0101",
        "2018-03-12",
        "ບ້ານສີຫອມ, ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
        "ສົ່ງເສີມຈັນຍາບັນ ແລະ ການຝຶກອົບຮົມຕໍ່ເນື່ອງຂອງແພດ",
        "Promote medical ethics and continuing training of doctors",
        [
            ("president", "ບຸນທະວີ ສີສຸພັນ", "Bounthavy Sisouphanh"),
            ("secretary", "ວຽງສະໄໝ ພິມມະສອນ", "Viengsamay Phimmasone"),
        ],
    ),
    (
        "NPA-2018-0002",
        "ສະມາຄົມສົ່ງເສີມການສຶກສາເດັກນ້ອຍ",
        "Association for the Promotion of Children's Education",
        "APCE",
        SOCIAL,
        NAT,
        "education",
        "01",
        "0104",
        "2018-06-20",
        "ບ້ານໂພນໄຊ, ເມືອງສີສັດຕະນາກ, ນະຄອນຫຼວງວຽງຈັນ",
        "ສະໜອງປຶ້ມ ແລະ ຫ້ອງສະໝຸດໃຫ້ໂຮງຮຽນປະຖົມໃນເຂດຊົນນະບົດ",
        "Provide books and libraries to rural primary schools",
        [("president", "ຄຳຫຼ້າ ວົງພະຈັນ", "Khamla Vongphachanh"), ("treasurer", "ນາງ ມະນີ ແກ້ວສາຍ", "Manee Keosay")],
    ),
    (
        "NPA-2018-0003",
        "ສະມາຄົມຊາວກະສິກອນປູກກາເຟພູພຽງບໍລະເວນ",
        "Bolaven Plateau Coffee Growers Association",
        "BCGA",
        ECON,
        PROV,
        "agriculture",
        "16",
        None,
        "2018-09-03",
        "ເມືອງປາກຊ່ອງ, ແຂວງຈຳປາສັກ",
        "ປັບປຸງຄຸນນະພາບກາເຟ ແລະ ຊ່ວຍສະມາຊິກເຂົ້າເຖິງຕະຫຼາດ",
        "Improve coffee quality and help members reach markets",
        [
            ("president", "ສຸລິຍາ ພົມມະວົງ", "Souliya Phommavong"),
            ("vice_president", "ທອງສະໄໝ ອິນທະວົງ", "Thongsamay Inthavong"),
        ],
    ),
    (
        "NPA-2019-0001",
        "ສະມາຄົມນັກບັນຊີ ແລະ ນັກກວດສອບລາວ",
        "Lao Chamber of Professional Accountants and Auditors",
        "LCPAA",
        PROF,
        NAT,
        "finance",
        "01",
        "0101",
        "2019-01-15",
        "ຖະໜົນລ້ານຊ້າງ, ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
        "ພັດທະນາວິຊາຊີບບັນຊີຕາມມາດຕະຖານສາກົນ",
        "Develop the accounting profession to international standards",
        [("president", "ພອນສະຫວັນ ຈັນທະລາ", "Phonesavanh Chanthala")],
    ),
    (
        "NPA-2019-0002",
        "ສະມາຄົມຊ່ວຍເຫຼືອຜູ້ພິການແຂວງສະຫວັນນະເຂດ",
        "Savannakhet Association for People with Disabilities",
        "",
        SOCIAL,
        PROV,
        "labour",
        "13",
        None,
        "2019-04-08",
        "ເມືອງໄກສອນ ພົມວິຫານ, ແຂວງສະຫວັນນະເຂດ",
        "ຝຶກວິຊາຊີບ ແລະ ຊອກວຽກໃຫ້ຜູ້ພິການ",
        "Vocational training and jobs for people with disabilities",
        [("president", "ແສງຈັນ ສຸວັນນະລາດ", "Sengchanh Souvannarath"), ("member", "ບົວພັນ ໄຊຍະເສນ", "Bouaphanh Xayasene")],
    ),
    (
        "NPA-2019-0003",
        "ສະມາຄົມນັກພັດທະນາຊອບແວລາວ",
        "Lao Software Developers Association",
        "LSDA",
        PROF,
        NAT,
        "digital",
        "01",
        "0104",
        "2019-08-19",
        "ບ້ານສະພັງເມິກ, ເມືອງສີສັດຕະນາກ, ນະຄອນຫຼວງວຽງຈັນ",
        "ຝຶກອົບຮົມນັກພັດທະນາ ແລະ ສົ່ງເສີມຊອບແວພາສາລາວ",
        "Train developers and promote software in the Lao language",
        [("president", "ອານຸສອນ ແສງມະນີ", "Anousone Sengmany"), ("secretary", "ລັດສະໝີ ບຸນມາ", "Latsamy Bounma")],
    ),
    (
        "NPA-2020-0001",
        "ສະມາຄົມແມ່ຍິງຜູ້ປະກອບການຫຼວງພະບາງ",
        "Luang Prabang Women Entrepreneurs Association",
        "LPWEA",
        ECON,
        PROV,
        "commerce",
        "06",
        None,
        "2020-02-11",
        "ເມືອງຫຼວງພະບາງ, ແຂວງຫຼວງພະບາງ",
        "ສົ່ງເສີມທຸລະກິດຫັດຖະກຳຂອງແມ່ຍິງ",
        "Support women's handicraft businesses",
        [("president", "ນາງ ຈັນສຸດາ ພົມມະຈັກ", "Chansouda Phommachack")],
    ),
    (
        "NPA-2020-0002",
        "ສະມາຄົມທະນາຍຄວາມ ແຂວງຈຳປາສັກ",
        "Champasak Bar Association",
        "",
        PROF,
        PROV,
        "justice",
        "16",
        None,
        "2020-05-27",
        "ເມືອງປາກເຊ, ແຂວງຈຳປາສັກ",
        "ໃຫ້ຄຳປຶກສາທາງກົດໝາຍໂດຍບໍ່ເສຍຄ່າແກ່ປະຊາຊົນ",
        "Free legal advice for the public",
        [("president", "ວິໄລວັນ ສີລາວົງ", "Vilayvanh Silavong")],
    ),
    (
        "NPA-2020-0003",
        "ສະມາຄົມສຸຂະພາບແມ່ ແລະ ເດັກ",
        "Mother and Child Health Association",
        "MCHA",
        SOCIAL,
        NAT,
        "health",
        "01",
        "0102",
        "2020-07-14",
        "ບ້ານໜອງດ້ວງ, ເມືອງສີໂຄດຕະບອງ, ນະຄອນຫຼວງວຽງຈັນ",
        "ຝຶກອົບຮົມຜະດຸງຄັນບ້ານ ແລະ ໂພຊະນາການເດັກ",
        "Train village midwives and improve child nutrition",
        [("president", "ດຣ. ສົມສະໜຸກ ວົງສາ", "Somsanouk Vongsa"), ("treasurer", "ນາງ ບຸນມີ ສີສະຫວາດ", "Bounmy Sisavath")],
    ),
    (
        "NPA-2020-0004",
        "ສະມາຄົມຜູ້ລ້ຽງປາເມືອງວັງວຽງ",
        "Vang Vieng Fish Farmers Association",
        "",
        ECON,
        DIST,
        "agriculture",
        "10",
        None,
        "2020-10-02",
        "ເມືອງວັງວຽງ, ແຂວງວຽງຈັນ",
        "ແລກປ່ຽນເຕັກນິກການລ້ຽງປາ ແລະ ຊື້ອາຫານປາຮ່ວມກັນ",
        "Share fish-farming techniques and buy feed together",
        [("president", "ບຸນເຫຼືອ ພັນທະລາດ", "Bounleua Phanthalath")],
    ),
    (
        "NPA-2021-0001",
        "ສະມາຄົມອະນຸລັກວັດທະນະທຳຊົນເຜົ່າ",
        "Ethnic Cultures Heritage Association",
        "ECHA",
        OTHER,
        NAT,
        "education",
        "06",
        None,
        "2021-01-20",
        "ເມືອງຫຼວງພະບາງ, ແຂວງຫຼວງພະບາງ",
        "ບັນທຶກ ແລະ ອະນຸລັກພາສາ ແລະ ເພງພື້ນເມືອງຂອງຊົນເຜົ່າ",
        "Record and keep alive ethnic languages and songs",
        [("president", "ໄຊຍະສິດ ລໍວັນໄຊ", "Xayasith Lovanxay")],
    ),
    (
        "NPA-2021-0002",
        "ສະມາຄົມຊ່າງຕັດຫຍິບ ແລະ ແຮງງານຕັດຫຍິບ",
        "Garment Workers and Tailors Association",
        "GWTA",
        PROF,
        NAT,
        "labour",
        "01",
        "0103",
        "2021-03-09",
        "ເມືອງໄຊເສດຖາ, ນະຄອນຫຼວງວຽງຈັນ",
        "ຝຶກສີມືແຮງງານ ແລະ ສົ່ງເສີມຄວາມປອດໄພໃນບ່ອນເຮັດວຽກ",
        "Skills training and workplace safety",
        [("president", "ນາງ ສຸກສະຫວັນ ແສງອາລຸນ", "Souksavanh Sengaloun")],
    ),
    (
        "NPA-2021-0003",
        "ສະມາຄົມຄ້າຂາຍອອນລາຍລາວ",
        "Lao E-commerce Association",
        "LECA",
        ECON,
        NAT,
        "digital",
        "01",
        "0101",
        "2021-06-16",
        "ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
        "ສົ່ງເສີມການຊຳລະເງິນດິຈິຕອນ ແລະ ການຄ້າອອນລາຍທີ່ປອດໄພ",
        "Promote digital payments and safe online trade",
        [("president", "ທະນົງສັກ ມະນີວົງ", "Thanongsak Manivong")],
    ),
    (
        "NPA-2021-0004",
        "ສະມາຄົມນ້ຳສະອາດຊົນນະບົດ ແຂວງສາລະວັນ",
        "Salavan Rural Clean Water Association",
        "",
        SOCIAL,
        PROV,
        "health",
        "14",
        None,
        "2021-09-30",
        "ເມືອງສາລະວັນ, ແຂວງສາລະວັນ",
        "ສ້າງລະບົບນ້ຳສະອາດ ແລະ ວິດຖ່າຍໃນບ້ານຫ່າງໄກ",
        "Build clean water and latrines in remote villages",
        [("president", "ສີສະຫວາດ ແກ້ວບົວລະພາ", "Sisavath Keobouralapha")],
    ),
    (
        "NPA-2022-0001",
        "ສະມາຄົມຜູ້ຜະລິດເຂົ້າອິນຊີ",
        "Organic Rice Producers Association",
        "ORPA",
        ECON,
        NAT,
        "agriculture",
        "13",
        None,
        "2022-02-14",
        "ເມືອງອຸທຸມພອນ, ແຂວງສະຫວັນນະເຂດ",
        "ຢັ້ງຢືນມາດຕະຖານອິນຊີ ແລະ ສົ່ງອອກເຂົ້າ",
        "Organic certification and rice exports",
        [("president", "ສົມພອນ ແກ້ວມະນີວົງ", "Somphone Keomanivong")],
    ),
    (
        "NPA-2022-0002",
        "ສະມາຄົມໄກ່ເກ່ຍຂໍ້ຂັດແຍ່ງຊຸມຊົນ",
        "Community Mediation Association",
        "",
        OTHER,
        DIST,
        "justice",
        "01",
        "0105",
        "2022-05-05",
        "ເມືອງສີໂຄດຕະບອງ, ນະຄອນຫຼວງວຽງຈັນ",
        "ຝຶກອົບຮົມໜ່ວຍໄກ່ເກ່ຍບ້ານ",
        "Train village mediation units",
        [("president", "ບຸນຍັງ ສີວິໄລ", "Bounyang Sivilay")],
    ),
    (
        "NPA-2022-0003",
        "ສະມາຄົມການທ່ອງທ່ຽວແບບຍືນຍົງ ແຂວງຫຼວງນ້ຳທາ",
        "Luang Namtha Sustainable Tourism Association",
        "",
        ECON,
        PROV,
        "commerce",
        "03",
        None,
        "2022-08-22",
        "ເມືອງນ້ຳທາ, ແຂວງຫຼວງນ້ຳທາ",
        "ສົ່ງເສີມການທ່ອງທ່ຽວທຳມະຊາດໂດຍຊຸມຊົນ",
        "Community-based ecotourism",
        [("president", "ຄຳປອນ ສີສຸລິດ", "Khampon Sisoulith")],
    ),
    (
        "NPA-2023-0001",
        "ສະມາຄົມຄູສອນພາສາອັງກິດ",
        "English Language Teachers Association",
        "ELTA",
        PROF,
        NAT,
        "education",
        "01",
        "0104",
        "2023-01-11",
        "ເມືອງສີສັດຕະນາກ, ນະຄອນຫຼວງວຽງຈັນ",
        "ພັດທະນາຄູສອນພາສາ ແລະ ສື່ການສອນ",
        "Develop language teachers and teaching materials",
        [("president", "ນາງ ພຸດສະດີ ວົງໄຊ", "Phoutsady Vongxay")],
    ),
    (
        "NPA-2023-0002",
        "ສະມາຄົມກອງທຶນໝູ່ບ້ານ ແຂວງຊຽງຂວາງ",
        "Xiengkhouang Village Funds Association",
        "",
        ECON,
        PROV,
        "finance",
        "09",
        None,
        "2023-04-03",
        "ເມືອງແປກ, ແຂວງຊຽງຂວາງ",
        "ສະໜັບສະໜູນກອງທຶນເງິນກູ້ຂະໜາດນ້ອຍຂອງບ້ານ",
        "Support village microcredit funds",
        [("president", "ບົວໄລ ໄຊສົມບັດ", "Boualay Xaysombath")],
    ),
    (
        "NPA-2023-0003",
        "ສະມາຄົມອາສາສະໝັກກູ້ໄພ",
        "Rescue Volunteers Association",
        "",
        SOCIAL,
        NAT,
        "health",
        "01",
        "0101",
        "2023-07-18",
        "ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
        "ບໍລິການກູ້ໄພ ແລະ ປະຖົມພະຍາບານໂດຍອາສາສະໝັກ",
        "Volunteer rescue and first aid",
        [("president", "ສຸກສົມບູນ ໄຊຍະວົງ", "Souksomboun Xayavong")],
    ),
    (
        "NPA-2024-0001",
        "ສະມາຄົມຊ່າງພາບ ແລະ ສິລະປິນລາວ",
        "Lao Photographers and Artists Association",
        "",
        PROF,
        NAT,
        "education",
        "01",
        "0101",
        "2024-02-06",
        "ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
        "ສົ່ງເສີມສິລະປະຮ່ວມສະໄໝ ແລະ ງານວາງສະແດງ",
        "Promote contemporary art and exhibitions",
        [("president", "ອາລຸນີ ພົມມະສັກ", "Alouny Phommasack")],
    ),
    (
        "NPA-2024-0002",
        "ສະມາຄົມຜູ້ປູກຜັກປອດສານພິດ ເມືອງໄຊທານີ",
        "Xaythany Safe Vegetable Growers Association",
        "",
        ECON,
        DIST,
        "agriculture",
        "01",
        "0106",
        "2024-05-21",
        "ເມືອງໄຊທານີ, ນະຄອນຫຼວງວຽງຈັນ",
        "ປູກຜັກປອດສານພິດ ແລະ ຂາຍໃຫ້ຕະຫຼາດນະຄອນຫຼວງ",
        "Grow pesticide-free vegetables for the capital's markets",
        [("president", "ນາງ ຄຳພອຍ ສຸວັນນະສານ", "Khamphoy Souvannasane")],
    ),
]

# (number, status, date, Lao reason, applied in order after registration)
STATUS_CHANGES = [
    (
        "NPA-2020-0004",
        "suspended",
        "2025-08-12",
        "ບໍ່ໄດ້ສົ່ງບົດລາຍງານປະຈຳປີ 2023 ແລະ 2024 ຕາມກຳນົດ (ມາດຕາ 52 ດຳລັດ 238). Annual reports for 2023 and 2024 not filed.",
    ),
    (
        "NPA-2022-0003",
        "suspended",
        "2026-02-03",
        "ໄດ້ຮັບທຶນຈາກຕ່າງປະເທດ ໂດຍບໍ່ໄດ້ຮັບອະນຸມັດໂຄງການ. Foreign funding received for an unapproved project.",
    ),
    (
        "NPA-2021-0004",
        "dissolved",
        "2025-11-28",
        "ກອງປະຊຸມໃຫຍ່ຂອງສະມາຄົມຕົກລົງຍຸບເລີກ; ຊັບສິນມອບໃຫ້ແຂວງ. Dissolved by its general assembly; assets handed to the "
        "province.",
    ),
]

# Reports for the last two years. (number, year) pairs filed late, and the one association that filed nothing.
LATE = {("NPA-2019-0002", 2024), ("NPA-2021-0002", 2025), ("NPA-2022-0001", 2025)}
MISSING = {"NPA-2022-0002"}
NO_REPORTS = {"NPA-2020-0004", "NPA-2021-0004"}

# (number, Lao title, English title, budget, foreign funding, funder, status, approved on)
PROJECTS = [
    (
        "NPA-2018-0002",
        "ຫ້ອງສະໝຸດເຄື່ອນທີ່ສຳລັບໂຮງຮຽນປະຖົມ",
        "Mobile libraries for primary schools",
        850_000_000,
        600_000_000,
        "Room to Read",
        "approved",
        "2024-03-15",
    ),
    (
        "NPA-2018-0003",
        "ໂຮງງານຂົ້ວກາເຟຂອງກຸ່ມ",
        "Shared coffee roasting plant",
        1_200_000_000,
        900_000_000,
        "Agence Française de Développement",
        "approved",
        "2023-11-02",
    ),
    (
        "NPA-2020-0003",
        "ໂພຊະນາການເດັກໃນແຂວງພາກເໜືອ",
        "Child nutrition in the northern provinces",
        2_400_000_000,
        2_000_000_000,
        "UNICEF",
        "approved",
        "2025-01-20",
    ),
    ("NPA-2019-0003", "ຄັງຄຳສັບພາສາລາວແບບເປີດ", "An open Lao word list", 180_000_000, 0, "", "approved", "2025-06-10"),
    (
        "NPA-2021-0003",
        "ການຝຶກອົບຮົມການຄ້າອອນລາຍ",
        "Online trade training",
        300_000_000,
        250_000_000,
        "GIZ",
        "pending",
        None,
    ),
]

BASE_INCOME_KIP = 60_000_000


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _reports(npa: Npa, index: int, today: datetime.date) -> None:
    number = npa.registration_number
    if number in NO_REPORTS:
        return
    for year in (today.year - 2, today.year - 1):
        if year < npa.registered_on.year or (number in MISSING and year == today.year - 1):
            continue
        deadline = annual_report_deadline(year)
        on = (
            deadline + datetime.timedelta(days=40) if (number, year) in LATE else deadline - datetime.timedelta(days=20)
        )
        if on > today:
            continue
        # Growth and a mix of domestic and foreign money that differ by association, so charts are not all alike.
        income = BASE_INCOME_KIP * (1 + index % 5) + 7_500_000 * (year % 3)
        foreign = income * (index % 4) // 6 // 1_000_000 * 1_000_000
        report = AnnualReport.objects.create(
            npa=npa,
            year=year,
            activities_lo=f"ກິດຈະກຳປີ {year}: {npa.objectives_lo}",
            activities_en=f"Activities in {year}: {npa.objectives_en}",
            submitted_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))),
        )
        AnnualReportIncome.objects.create(
            report=report, source_lo="ຄ່າສະມາຊິກ", source_en="Membership fees", amount_kip=income - foreign
        )
        if foreign:
            AnnualReportIncome.objects.create(
                report=report,
                source_lo="ທຶນຊ່ວຍເຫຼືອຈາກຕ່າງປະເທດ",
                source_en="Foreign grants",
                amount_kip=foreign,
                foreign=True,
            )
        AnnualReportSpending.objects.create(
            report=report, purpose_lo="ກິດຈະກຳ", purpose_en="Activities", amount_kip=income * 7 // 10
        )
        AnnualReportSpending.objects.create(
            report=report, purpose_lo="ບໍລິຫານ", purpose_en="Administration", amount_kip=income * 2 // 10
        )


@transaction.atomic
def load_npa_demo() -> int:
    """Add the demo associations that are missing; returns how many were added."""
    today = timezone.localdate()
    sectors = {s.code: s for s in Sector.objects.all()}
    added = 0
    for index, row in enumerate(NPAS):
        number, name_lo, name_en, abbr, type_, level, sector, province, district, registered = row[:10]
        address, objectives_lo, objectives_en, officers = row[10:]
        if Npa.objects.filter(registration_number=number).exists():
            continue
        npa = Npa.objects.create(
            registration_number=number,
            name_lo=name_lo,
            name_en=name_en,
            abbreviation=abbr,
            type=type_,
            level=level,
            sector=sectors.get(sector),
            province=Province.objects.get(code=province),
            district=District.objects.filter(code=district).first() if district else None,
            address=address,
            objectives_lo=objectives_lo,
            objectives_en=objectives_en,
            registered_on=_date(registered),
        )
        NpaStatusChange.objects.create(npa=npa, status=Npa.Status.ACTIVE, date=npa.registered_on)
        for role, officer_lo, officer_latin in officers:
            NpaOfficer.objects.create(
                npa=npa, role=role, name_lo=officer_lo, name_latin=officer_latin, since=npa.registered_on
            )
        for changed, status, on, reason in STATUS_CHANGES:
            if changed == number:
                NpaStatusChange.objects.create(
                    npa=npa, from_status=npa.status, status=status, reason=reason, date=_date(on)
                )
                npa.status = status
                npa.save(update_fields=["status"])
        for project_npa, title_lo, title_en, budget, foreign, funder, status, approved in PROJECTS:
            if project_npa == number:
                NpaProject.objects.create(
                    npa=npa,
                    title_lo=title_lo,
                    title_en=title_en,
                    budget_kip=budget,
                    foreign_funding_kip=foreign,
                    funder=funder,
                    status=status,
                    approved_on=_date(approved) if approved else None,
                )
        _reports(npa, index, today)
        npa_index(npa)
        added += 1
    _demo_memberships()
    return added


# The demo citizen who acts online for two associations (files their reports, submits their projects).
DEMO_NPA_ADMIN_PHONE = "+8562055550101"
DEMO_NPA_ADMIN_OF = ["NPA-2019-0003", "NPA-2018-0002"]


def _demo_memberships() -> None:
    from elaos.accounts.models import User

    user = User.objects.filter(phone=DEMO_NPA_ADMIN_PHONE).first()
    if user is None:
        return
    for npa in Npa.objects.filter(registration_number__in=DEMO_NPA_ADMIN_OF):
        NpaMembership.objects.get_or_create(
            user=user, npa=npa, role=NpaMembership.Role.NPA_ADMIN, defaults={"since": npa.registered_on}
        )
