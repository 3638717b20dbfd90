"""Demo safe migration, all fictitious: a Migrant Resource Centre and the labour inspection department, migration
staff, four licensed agencies (one suspended after upheld complaints), migrant workers at every stage, complaints,
returnees with reintegration referrals (one to an association, one overdue), and pages for Thailand and Korea.

Loading again adds nothing: offices, staff and agencies are found by their codes, and the rest is only added while
the demo agencies have no migrant yet. Dates are relative to today."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.models import Province
from elaos.migration import selectors, services
from elaos.migration.models import Migrant, RecruitmentAgency, Referral

DEMO_DOMAIN = "demo.e-laos.la"

# (code, parent, kind, Lao, English, province)
OFFICES = [
    (
        "molsw-vte-mrc",
        "molsw-vte",
        "office",
        "ສູນບໍລິການຂໍ້ມູນຂ່າວສານແຮງງານເຄື່ອນຍ້າຍ ນະຄອນຫຼວງວຽງຈັນ",
        "Migrant Resource Centre, Vientiane Capital",
        "01",
    ),
    ("molsw-inspection", "molsw", "department", "ກົມກວດກາແຮງງານ", "Department of Labour Inspection", None),
]

# (e-mail local part, Lao given, Lao family, Latin given, Latin family, [(role, office)])
STAFF = [
    (
        "migration-officer",
        "ພອນສະຫວັນ",
        "ແກ້ວວົງສາ",
        "Phonsavanh",
        "Keovongsa",
        [("migration_officer", "molsw-vte-chanthabouly"), ("migration_officer", "molsw-vte-mrc")],
    ),
    (
        "migration-supervisor",
        "ສຸກສະຫວັນ",
        "ພົມມາ",
        "Souksavanh",
        "Phomma",
        [("migration_supervisor", "molsw-vte-chanthabouly")],
    ),
    (
        "agency-registrar",
        "ວິໄລພອນ",
        "ສີສົມບັດ",
        "Vilayphone",
        "Sisombath",
        [("migration_officer", "molsw-skills-migration")],
    ),
    ("labour-inspector", "ບຸນທັນ", "ວົງໄຊ", "Bounthan", "Vongxay", [("labour_inspector", "molsw-inspection")]),
]

# (licence, Lao, English, enterprise number, licensed days ago, status, reason)
AGENCIES = [
    ("RA-2023-0001", "ບໍລິສັດ ຈັດຫາງານ ສາຍຮຸ້ງ ຈຳກັດ", "Rainbow Recruitment Co., Ltd.", "ENT-0101", 700, "active", ""),
    ("RA-2024-0002", "ບໍລິສັດ ແຮງງານສາກົນ ລາວ-ໄທ", "Lao-Thai International Labour", "ENT-0102", 400, "active", ""),
    ("RA-2024-0003", "ບໍລິສັດ ສົ່ງເສີມແຮງງານ ເກົາຫຼີ", "Korea Employment Promotion", "ENT-0103", 300, "active", ""),
    (
        "RA-2022-0004",
        "ບໍລິສັດ ຈັດຫາງານ ດາວເໜືອ",
        "North Star Manpower",
        "ENT-0104",
        900,
        "suspended",
        "ເກັບຄ່າບໍລິການເກີນກຳນົດ ຈາກແຮງງານ 14 ຄົນ (ຄຳຮ້ອງທຸກທີ່ໄດ້ຮັບການຢືນຢັນ). / Charged 14 workers fees above the "
        "legal limit (upheld complaints).",
    ),
]

INFO_PAGES = {
    "TH": {
        "title_lo": "ໄປເຮັດວຽກຢູ່ປະເທດໄທ ຢ່າງປອດໄພ",
        "title_en": "Working safely in Thailand",
        "rights_lo": "ທ່ານມີສິດໄດ້ຮັບຄ່າແຮງຂັ້ນຕ່ຳ, ມື້ພັກອາທິດລະ 1 ມື້ ແລະ ຖືໜັງສືຜ່ານແດນຂອງທ່ານເອງ.\nນາຍຈ້າງບໍ່ມີສິດຍຶດເອກະສານຂອງທ່ານ.",
        "rights_en": "You have the right to the minimum wage, one day off a week, and to keep your own passport.\n"
        "No employer may hold your documents.",
        "channels_lo": "ໄປຕາມບົດບັນທຶກຄວາມເຂົ້າໃຈ (MOU) ລາວ-ໄທ ຜ່ານວິສາຫະກິດຈັດຫາງານທີ່ໄດ້ຮັບອະນຸຍາດ. "
        "ໃບອະນຸຍາດເຮັດວຽກ 2 ປີ ຕໍ່ໄດ້ອີກ 2 ປີ. ຄ່າປະກັນສຸຂະພາບປະມານ 990 ບາດ.",
        "channels_en": "Go under the Laos–Thailand MOU through a licensed agency. The work permit lasts 2 years, "
        "renewable once for 2 more. Health insurance costs about 990 baht.",
        "agency_check_lo": "ກວດເບິ່ງເລກທີໃບອະນຸຍາດ ໃນທະບຽນວິສາຫະກິດຈັດຫາງານ ກ່ອນຈ່າຍເງິນໃດໆ.",
        "agency_check_en": "Check the licence number in the register of recruitment agencies before paying anything.",
        "hotlines_lo": "ສາຍດ່ວນ 1505 (ບໍ່ເສຍຄ່າ, 24 ຊົ່ວໂມງ). ສະຖານທູດລາວ ປະຈຳບາງກອກ: +66 2 539 6667.",
        "hotlines_en": "Hotline 1505 (free, 24 hours). Lao Embassy in Bangkok: +66 2 539 6667.",
    },
    "KR": {
        "title_lo": "ໄປເຮັດວຽກຢູ່ສາທາລະນະລັດເກົາຫຼີ ຢ່າງປອດໄພ",
        "title_en": "Working safely in the Republic of Korea",
        "rights_lo": "ແຮງງານຕາມລະບົບ EPS ມີສິດໄດ້ຮັບຄ່າແຮງເທົ່າກັບແຮງງານເກົາຫຼີ ແລະ ປະກັນອຸບັດຕິເຫດ.",
        "rights_en": "Workers under the Employment Permit System are paid like Korean workers and insured "
        "against accidents.",
        "channels_lo": "ສອບເສັງພາສາເກົາຫຼີ (EPS-TOPIK) ແລະ ລົງທະບຽນກັບກະຊວງແຮງງານ. ບໍ່ຕ້ອງຜ່ານນາຍໜ້າ.",
        "channels_en": "Pass the Korean language test (EPS-TOPIK) and register with the labour ministry. "
        "No broker is needed.",
        "agency_check_lo": 'ລະບົບ EPS ບໍ່ຜ່ານວິສາຫະກິດເອກະຊົນ: ຜູ້ທີ່ຂໍເງິນເພື່ອ "ຮັບປະກັນ" ບ່ອນວຽກ ແມ່ນການຫຼອກລວງ.',
        "agency_check_en": 'EPS does not go through private agencies: anyone asking money to "guarantee" a job is '
        "a fraud.",
        "hotlines_lo": "ສາຍດ່ວນ 1505. ສູນຊ່ວຍເຫຼືອແຮງງານຕ່າງປະເທດ ເກົາຫຼີ: 1644-0644.",
        "hotlines_en": "Hotline 1505. Korea's migrant worker helpline: 1644-0644.",
    },
}

GIVEN = ["ຄຳ", "ນາງ", "ບຸນ", "ແສງ", "ພອນ", "ວັນ", "ສີ", "ດາວ"]
FAMILY = ["ພັນທະວົງ", "ສີຫາລາດ", "ແກ້ວມະນີ", "ວົງສາ"]
PROVINCES = ["01", "01", "13", "13", "13", "16", "08", "01"]
DESTINATIONS = ["TH", "TH", "TH", "KR", "TH", "MY", "TH", "TH"]
SECTORS = ["C", "C", "A", "F", "T", "C", "I", "A"]
TIMELINE = ["registered", "documents", "departed", "abroad", "returned"]
STATUSES = ["registered", "documents", "departed", "abroad", "abroad", "abroad", "returned", "abroad"]


def _today() -> datetime.date:
    return timezone.localdate()


def _offices() -> dict[str, Organisation]:
    orgs = {o.code: o for o in Organisation.objects.filter(code__startswith="molsw")}
    for code, parent, kind, name_lo, name_en, province in OFFICES:
        if code not in orgs and parent in orgs:
            orgs[code], _ = Organisation.objects.get_or_create(
                code=code,
                defaults={
                    "kind": kind,
                    "parent": orgs[parent],
                    "name_lo": name_lo,
                    "name_en": name_en,
                    "province": Province.objects.get(code=province) if province else None,
                },
            )
    return orgs


def _staff(orgs: dict[str, Organisation]) -> dict[str, object]:
    from elaos.demo.data import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX

    User = get_user_model()
    people = {}
    for local, given_lo, family_lo, given_latin, family_latin, roles in STAFF:
        user, new = User.objects.get_or_create(
            email=f"{local}@{DEMO_DOMAIN}",
            defaults={
                "given_name_lo": given_lo,
                "family_name_lo": family_lo,
                "given_name_latin": given_latin,
                "family_name_latin": family_latin,
                "is_staff": True,
            },
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.email_verified_at = user.date_joined
            user.save()
            TOTPDevice.objects.create(user=user, name="demo authenticator", key=DEMO_TOTP_KEY_HEX, confirmed=True)
        for role, office in roles:
            if office in orgs:
                RoleAssignment.objects.get_or_create(
                    user=user, organisation=orgs[office], role=Role.objects.get(code=role)
                )
        people[local] = user
    return people


@transaction.atomic
def load_migration_demo() -> int:
    """Returns how many migrant records were added (0 when the demo was loaded before)."""
    orgs = _offices()
    if "molsw-vte-chanthabouly" not in orgs:
        return 0
    staff = _staff(orgs)
    officer, registrar = staff["migration-officer"], staff["agency-registrar"]
    today = _today()
    agencies = {}
    for number, name_lo, name_en, enterprise, days_ago, _status, _reason in AGENCIES:
        agency = RecruitmentAgency.objects.filter(licence_number=number).first()
        if agency is None:
            agency = services.agency_license(
                actor=None,
                name_lo=name_lo,
                name_en=name_en,
                enterprise_registration_number=enterprise,
                licence_number=number,
                licensed_on=today - datetime.timedelta(days=days_ago),
                head_office_address="ບ້ານ ໂພນໄຊ, ເມືອງ ໄຊເສດຖາ, ນະຄອນຫຼວງວຽງຈັນ",
                destination_countries="TH, KR, MY",
            )
        agencies[number] = agency
    for country, fields in INFO_PAGES.items():
        if not selectors.info_pages().filter(country=country).exists():
            services.info_page_save(actor=registrar, country=country, **fields)
    if Migrant.objects.filter(agency__in=agencies.values()).exists():
        return 0
    office = orgs["molsw-vte-chanthabouly"]
    User = get_user_model()
    active = [a for n, a in agencies.items() if n != "RA-2022-0004"]
    added = 0
    somchai = User.objects.filter(phone="+8562055550101").first()
    for i in range(36):
        person = somchai if i == 0 and somchai else None
        if person is None:
            person = services.person_for_phone(
                phone=f"+856205556{i:04d}", given_name_lo=GIVEN[i % 8], family_name_lo=FAMILY[i % 4]
            )
        ready = {
            "visa_number": f"V-{5000 + i}",
            "visa_expires_on": today + datetime.timedelta(days=700),
            "work_permit_number": f"WP-{8000 + i}",
            "work_permit_expires_on": today + datetime.timedelta(days=60 if i % 9 == 0 else 680),
            "orientation_completed_on": today - datetime.timedelta(days=3),
            "health_check_on": today - datetime.timedelta(days=5),
            "health_check_result": "fit",
            "insurance_provider": "ປະກັນໄພ ລາວ-ວຽດ",
            "insurance_policy_number": f"LVI-{i:05d}",
            "insurance_expires_on": today + datetime.timedelta(days=700),
        }
        status = STATUSES[i % 8]
        migrant = services.migrant_register(
            actor=officer if i % 3 else person,
            person=person,
            office=office,
            consent=True,
            sex="female" if i % 5 in (0, 1, 3) else "male",
            birth_year=1990 + i % 12,
            home_province=Province.objects.get(code=PROVINCES[i % 8]),
            destination=DESTINATIONS[i % 8],
            employer_name=["Siam Garments Co.", "Chonburi Farms", "Busan Steel", "Penang Electronics"][i % 4],
            sector=SECTORS[i % 8],
            job_title=["ຊ່າງຫຍິບ", "ຄົນງານກະສິກຳ", "ຄົນງານກໍ່ສ້າງ", "ແມ່ບ້ານ"][i % 4],
            monthly_wage=10000 + 250 * (i % 6),
            wage_currency="KRW" if DESTINATIONS[i % 8] == "KR" else "THB",
            hours_per_week=48,
            monthly_deductions=800,
            deductions_note="ທີ່ພັກ",
            contract_months=24,
            agency=active[i % 3],
            departure_date=today + datetime.timedelta(days=10),
            passport_number=f"P{7000000 + i}",
            passport_expires_on=today + datetime.timedelta(days=1500),
            **(ready if status != "registered" else {}),
        )
        for step in TIMELINE[1 : TIMELINE.index(status) + 1]:
            migrant = services.migrant_transition(actor=officer, migrant=migrant, status=step)
        added += 1
    _complaints(officer, agencies, orgs)
    _returnees(officer, orgs)
    suspended = agencies["RA-2022-0004"]
    if suspended.status == "active":
        services.agency_transition(actor=registrar, agency=suspended, status="suspended", reason=AGENCIES[3][6])
    return added


def _complaints(officer: object, agencies: dict[str, RecruitmentAgency], orgs: dict[str, Organisation]) -> None:
    categories = itertools.cycle(["excess_fees", "excess_fees", "confiscated_documents", "unpaid_wages"])
    inspection = orgs.get("molsw-inspection")
    office = orgs["molsw-vte-chanthabouly"]
    for i in range(16):
        against_agency = i < 13
        complaint, _code = services.complaint_file(
            actor=officer,
            office=office,
            complainant_kind="officer" if i % 2 else "family",
            anonymous=i % 4 == 0,
            contact_phone="" if i % 4 == 0 else f"+85620555{7000 + i}",
            against="agency" if against_agency else "employer",
            agency=agencies["RA-2022-0004"] if against_agency else None,
            employer_name="" if against_agency else "Chonburi Farms",
            destination="TH",
            category=next(categories),
            description="ເກັບຄ່າບໍລິການ 25.000.000 ກີບ ແທນທີ່ຈະເປັນຕາມລະບຽບ. / Charged 25 million kip in fees.",
        )
        if i < 12:
            services.complaint_transition(actor=officer, complaint=complaint, status="in_review")
            services.complaint_transition(
                actor=officer,
                complaint=complaint,
                status="closed",
                outcome="upheld" if against_agency else "not_upheld",
                outcome_note="ວິສາຫະກິດຕ້ອງສົ່ງເງິນຄືນ. / The agency must refund the fees.",
            )
        elif i == 12 and inspection is not None:
            services.complaint_transition(
                actor=officer, complaint=complaint, status="referred", inspection_office=inspection
            )


def _returnees(officer: object, orgs: dict[str, Organisation]) -> None:
    from elaos.civil_society.models import Npa

    office = orgs["molsw-vte-chanthabouly"]
    today = _today()
    npa = Npa.objects.filter(registration_number="NPA-2019-0003", status="active").first()
    for i in range(14):
        returnee = services.returnee_register(
            actor=officer,
            office=office,
            consent=True,
            full_name=f"{GIVEN[i % 8]} {FAMILY[i % 4]}",
            phone=f"+85620555{8000 + i}",
            sex="female" if i % 3 else "male",
            birth_year=1988 + i % 10,
            home_province=Province.objects.get(code=PROVINCES[i % 8]),
            registered_at="border" if i % 2 else "district",
            border_point="ຂົວມິດຕະພາບ ລາວ-ໄທ ແຫ່ງທີ 2 (ສະຫວັນນະເຂດ)" if i % 2 else "",
            returned_on=today - datetime.timedelta(days=5 + i),
            returned_from="TH",
            travel_document=["passport", "yellow_card", "border_pass", "none"][i % 4],
            needs=["jobs", "skills"] if i % 2 else ["health", "psychosocial"],
            needs_note="ຕ້ອງການວຽກໃກ້ບ້ານ ແລະ ຝຶກອົບຮົມສີມື.",
        )
        if i == 0 and npa is not None:
            services.referral_create(actor=officer, returnee=returnee, need="psychosocial", to_npa=npa, note="ໃຫ້ຄຳປຶກສາ")
        if i == 1:
            referral = services.referral_create(
                actor=officer, returnee=returnee, need="skills", to_office=orgs["molsw-skills"], note="ຫຼັກສູດຊ່າງໄຟ"
            )
            # An old referral nobody answered: it shows as overdue and escalates.
            Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(days=3))
    services.referral_escalate_overdue()
