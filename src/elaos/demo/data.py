"""Demo data in Lao and English: real ministries, some provincial and district offices, staff and citizens.

Loading twice changes nothing: every row is found by its natural key first."""

import base64

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.agencies.models import Organisation, Role, RoleAssignment, Sector
from elaos.core.audit import audit_record
from elaos.core.models import District, Province

DEMO_PASSWORD = "elaos-demo-2026"
DEMO_DOMAIN = "demo.e-laos.la"
# A fixed authenticator key for demo staff, so a demo can be signed in to from any TOTP app (or with
# `manage.py demo_totp EMAIL`). Never used for a real account: load_demo only touches @demo.e-laos.la users.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

MINISTRIES = [
    ("moha", "ກະຊວງພາຍໃນ", "Ministry of Home Affairs", "MOHA"),
    ("molsw", "ກະຊວງແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ", "Ministry of Labour and Social Welfare", "MOLSW"),
    ("mof", "ກະຊວງການເງິນ", "Ministry of Finance", "MOF"),
    ("mofa", "ກະຊວງການຕ່າງປະເທດ", "Ministry of Foreign Affairs", "MOFA"),
    ("mops", "ກະຊວງປ້ອງກັນຄວາມສະຫງົບ", "Ministry of Public Security", "MOPS"),
    ("moj", "ກະຊວງຍຸຕິທຳ", "Ministry of Justice", "MOJ"),
    ("moh", "ກະຊວງສາທາລະນະສຸກ", "Ministry of Health", "MOH"),
    ("moes", "ກະຊວງສຶກສາທິການ ແລະ ກິລາ", "Ministry of Education and Sports", "MOES"),
    ("maf", "ກະຊວງກະສິກຳ ແລະ ປ່າໄມ້", "Ministry of Agriculture and Forestry", "MAF"),
    ("moic", "ກະຊວງອຸດສາຫະກຳ ແລະ ການຄ້າ", "Ministry of Industry and Commerce", "MOIC"),
    ("mtc", "ກະຊວງເຕັກໂນໂລຊີ ແລະ ການສື່ສານ", "Ministry of Technology and Communications", "MTC"),
    ("mpi", "ກະຊວງແຜນການ ແລະ ການລົງທຶນ", "Ministry of Planning and Investment", "MPI"),
]

# (code, parent code, kind, Lao name, English name, province code, district code)
OFFICES = [
    (
        "moha-npa",
        "moha",
        "department",
        "ກົມຄຸ້ມຄອງສະມາຄົມ ແລະ ມູນນິທິ",
        "Department of Associations and Foundations",
        None,
        None,
    ),
    (
        "molsw-skills",
        "molsw",
        "department",
        "ກົມພັດທະນາສີມືແຮງງານ ແລະ ຈັດຫາງານ",
        "Department of Skills Development and Employment",
        None,
        None,
    ),
    (
        "molsw-skills-migration",
        "molsw-skills",
        "division",
        "ພະແນກຄຸ້ມຄອງແຮງງານໄປເຮັດວຽກຕ່າງປະເທດ",
        "Overseas Employment Division",
        None,
        None,
    ),
    ("mof-budget", "mof", "department", "ກົມງົບປະມານ", "Budget Department", None, None),
    (
        "moh-hospitals",
        "moh",
        "department",
        "ກົມປິ່ນປົວ ແລະ ຟື້ນຟູໜ້າທີ່ການ",
        "Department of Health Care and Rehabilitation",
        None,
        None,
    ),
    (
        "molsw-vte",
        "molsw",
        "provincial",
        "ພະແນກແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ ນະຄອນຫຼວງວຽງຈັນ",
        "Vientiane Capital Labour and Social Welfare Department",
        "01",
        None,
    ),
    (
        "molsw-svk",
        "molsw",
        "provincial",
        "ພະແນກແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ ແຂວງສະຫວັນນະເຂດ",
        "Savannakhet Labour and Social Welfare Department",
        "13",
        None,
    ),
    (
        "moha-vte",
        "moha",
        "provincial",
        "ພະແນກພາຍໃນ ນະຄອນຫຼວງວຽງຈັນ",
        "Vientiane Capital Home Affairs Department",
        "01",
        None,
    ),
    (
        "molsw-vte-chanthabouly",
        "molsw-vte",
        "district",
        "ຫ້ອງການແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ ເມືອງຈັນທະບູລີ",
        "Chanthabouly District Labour and Social Welfare Office",
        "01",
        "0101",
    ),
    (
        "molsw-vte-sisattanak",
        "molsw-vte",
        "district",
        "ຫ້ອງການແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ ເມືອງສີສັດຕະນາກ",
        "Sisattanak District Labour and Social Welfare Office",
        "01",
        "0104",
    ),
    (
        "moha-vte-chanthabouly",
        "moha-vte",
        "district",
        "ຫ້ອງການພາຍໃນ ເມືອງຈັນທະບູລີ",
        "Chanthabouly District Home Affairs Office",
        "01",
        "0101",
    ),
    (
        "mops-vte",
        "mops",
        "provincial",
        "ກອງບັນຊາການປ້ອງກັນຄວາມສະຫງົບ ນະຄອນຫຼວງວຽງຈັນ",
        "Vientiane Capital Public Security Command",
        "01",
        None,
    ),
    (
        "mops-vte-chanthabouly",
        "mops-vte",
        "district",
        "ປ້ອງກັນຄວາມສະຫງົບ ເມືອງຈັນທະບູລີ",
        "Chanthabouly District Public Security Office",
        "01",
        "0101",
    ),
    ("moj-vte", "moj", "provincial", "ພະແນກຍຸຕິທຳ ນະຄອນຫຼວງວຽງຈັນ", "Vientiane Capital Justice Department", "01", None),
    (
        "moic-erm",
        "moic",
        "department",
        "ກົມທະບຽນ ແລະ ຄຸ້ມຄອງວິສາຫະກິດ",
        "Department of Enterprise Registration and Management",
        None,
        None,
    ),
    (
        "moic-vte",
        "moic",
        "provincial",
        "ພະແນກອຸດສາຫະກຳ ແລະ ການຄ້າ ນະຄອນຫຼວງວຽງຈັນ",
        "Vientiane Capital Industry and Commerce Department",
        "01",
        None,
    ),
    ("mofa-consular", "mofa", "department", "ກົມກົງສຸນ", "Consular Department", None, None),
    (
        "moes-vte",
        "moes",
        "provincial",
        "ພະແນກສຶກສາທິການ ແລະ ກິລາ ນະຄອນຫຼວງວຽງຈັນ",
        "Vientiane Capital Education and Sports Department",
        "01",
        None,
    ),
]

SECTORS = [
    ("health", "ສາທາລະນະສຸກ", "Health", "moh"),
    ("education", "ສຶກສາ", "Education", "moes"),
    ("agriculture", "ກະສິກຳ", "Agriculture", "maf"),
    ("labour", "ແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ", "Labour and social welfare", "molsw"),
    ("justice", "ຍຸຕິທຳ", "Justice", "moj"),
    ("commerce", "ການຄ້າ ແລະ ອຸດສາຫະກຳ", "Trade and industry", "moic"),
    ("digital", "ເຕັກໂນໂລຊີ ແລະ ການສື່ສານ", "Technology and communications", "mtc"),
    ("finance", "ການເງິນ", "Public finance", "mof"),
]

# (e-mail local part, Lao given, Lao family, Latin given, Latin family, [(role, office code)], superuser)
STAFF = [
    ("admin", "ສົມພອນ", "ວົງສະຫວັນ", "Somphone", "Vongsavanh", [("office_admin", "mtc")], True),
    ("reviewer", "ບຸນມີ", "ພົມມະຈັນ", "Bounmy", "Phommachanh", [("reviewer", "molsw-vte-chanthabouly")], False),
    ("approver", "ຄຳແພງ", "ສີຫາລາດ", "Khamphaeng", "Sihalath", [("approver", "molsw-vte")], False),
    ("npa-officer", "ວັນນາ", "ແກ້ວມະນີ", "Vanna", "Keomany", [("reviewer", "moha-npa")], False),
    ("case-worker", "ມະນີວອນ", "ສຸລິຍະ", "Manivone", "Souliya", [("case_worker", "molsw-svk")], False),
    ("auditor", "ທອງດີ", "ສີສຸວັນ", "Thongdy", "Sisouvanh", [("auditor", "mof-budget")], False),
]

# (phone, e-mail local part or None, Lao given, Lao family, Latin given, Latin family, province, district)
CITIZENS = [
    ("+8562055550101", "somchai", "ສົມໃຈ", "ແສງສຸລິຍາ", "Somchai", "Sengsouliya", "01", "0101"),
    ("+8562055550102", None, "ນ້ອຍ", "ພັນທະວົງ", "Noy", "Phanthavong", "13", None),
    ("+8562055550103", None, "ແສງເດືອນ", "ໄຊຍະວົງ", "Sengdeuane", "Xayavong", "16", None),
]

from elaos.migration.demo import STAFF as MIGRATION_STAFF  # noqa: E402
from elaos.protection.demo import DEMO_SUPERVISOR as PROTECTION_SUPERVISOR  # noqa: E402

DEMO_LOGINS = [
    f"Staff (e-mail + password {DEMO_PASSWORD}, then the authenticator code from "
    f"`.venv/bin/python manage.py demo_totp EMAIL`):",
    *[f"  {local}@{DEMO_DOMAIN} — {roles[0][0]} @ {roles[0][1]}" for local, *_, roles, _su in STAFF],
    *[f"  {local}@{DEMO_DOMAIN} — {roles[0][0]} @ {roles[0][1]}" for local, *_, roles in MIGRATION_STAFF],
    f"  {PROTECTION_SUPERVISOR[0]}@{DEMO_DOMAIN} — case_supervisor @ molsw-svk",
    "Citizens (mobile number; the SMS code appears in the staff outbox at /backoffice/outbox/):",
    *[
        f"  {phone}" + (f"  or e-mail {email}@{DEMO_DOMAIN} / {DEMO_PASSWORD}" if email else "")
        for phone, email, *_ in CITIZENS
    ],
]


@transaction.atomic
def load_demo() -> dict[str, int]:
    User = get_user_model()
    created = {"organisations": 0, "sectors": 0, "staff": 0, "citizens": 0}
    orgs: dict[str, Organisation] = {}
    for code, name_lo, name_en, abbr in MINISTRIES:
        orgs[code], new = Organisation.objects.get_or_create(
            code=code,
            defaults={"kind": "ministry", "name_lo": name_lo, "name_en": name_en, "abbreviation": abbr},
        )
        created["organisations"] += new
    for code, parent, kind, name_lo, name_en, province, district in OFFICES:
        orgs[code], new = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "parent": orgs[parent],
                "name_lo": name_lo,
                "name_en": name_en,
                "province": Province.objects.get(code=province) if province else None,
                "district": District.objects.get(code=district) if district else None,
            },
        )
        created["organisations"] += new
    for code, name_lo, name_en, ministry in SECTORS:
        _, new = Sector.objects.get_or_create(
            code=code, defaults={"name_lo": name_lo, "name_en": name_en, "line_ministry": orgs[ministry]}
        )
        created["sectors"] += new
    key = bytes.fromhex(DEMO_TOTP_KEY_HEX)
    for local, given_lo, family_lo, given_latin, family_latin, roles, superuser in STAFF:
        user, new = User.objects.get_or_create(
            email=f"{local}@{DEMO_DOMAIN}",
            defaults={
                "given_name_lo": given_lo,
                "family_name_lo": family_lo,
                "given_name_latin": given_latin,
                "family_name_latin": family_latin,
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.email_verified_at = user.date_joined
            user.save()
            TOTPDevice.objects.create(user=user, name="demo authenticator", key=key.hex(), confirmed=True)
            audit_record(action="demo.staff_create", obj=user)
            created["staff"] += 1
        for role, office in roles:
            RoleAssignment.objects.get_or_create(user=user, organisation=orgs[office], role=Role.objects.get(code=role))
    for phone, email, given_lo, family_lo, given_latin, family_latin, province, district in CITIZENS:
        user, new = User.objects.get_or_create(
            phone=phone,
            defaults={
                "email": f"{email}@{DEMO_DOMAIN}" if email else None,
                "given_name_lo": given_lo,
                "family_name_lo": family_lo,
                "given_name_latin": given_latin,
                "family_name_latin": family_latin,
                "province": Province.objects.get(code=province),
                "district": District.objects.get(code=district) if district else None,
            },
        )
        if new:
            if email:
                user.set_password(DEMO_PASSWORD)
                user.email_verified_at = user.date_joined
            else:
                user.set_unusable_password()
            user.save()
            audit_record(action="demo.citizen_create", obj=user)
            created["citizens"] += 1
    # The public-service catalogue: an unchanged definition publishes nothing, so loading again adds nothing.
    from elaos.services.services import service_import_directory

    service_import_directory(actor=None)
    # Public consultation: an open draft and a closed one with responses; loading again adds nothing.
    from elaos.consultation.demo import load_consultation_demo

    load_consultation_demo()
    # The NPA register: demo associations with officers, reports and projects; loading again adds nothing.
    from elaos.civil_society.demo import load_npa_demo

    load_npa_demo()
    # Coordination: the health sector group and the annual Government–CSO meetings; loading again adds nothing.
    from elaos.coordination.demo import load_coordination_demo

    load_coordination_demo()
    # Protection cases: a case supervisor, four fictitious cases, referrals to a demo NPA; loading again adds nothing.
    from elaos.protection.demo import load_protection_demo

    load_protection_demo()
    # Safe migration: agencies (one suspended), migrants, complaints, returnees; loading again adds nothing.
    from elaos.migration.demo import load_migration_demo

    load_migration_demo()
    # Data exchange: an agency system of the labour ministry and its pending consent request to Somchai.
    from elaos.exchange.demo import load_exchange_demo

    load_exchange_demo()
    # OpenID Provider: the social security fund's portal registered as a sign-in client; loading again adds nothing.
    from elaos.oidc.demo import load_oidc_demo

    load_oidc_demo()
    # Glass Accounts: three fiscal years of budget, procurement and payments with planted red flags; loading again
    # adds nothing.
    from elaos.budget.demo import load_budget_demo

    load_budget_demo()
    return created


def demo_totp_key_base32() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
