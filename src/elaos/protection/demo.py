"""Demo protection cases, all fictitious: a case worker (the demo's case-worker@) and a case supervisor in the
Savannakhet Labour and Social Welfare Department, four cases, and referrals to the demo association NPA-2018-0002,
whose administrator is the demo citizen +8562055550101 (see elaos.civil_society.demo)."""

import datetime

from django.db import transaction
from django.utils import timezone

from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.models import Province
from elaos.protection import services
from elaos.protection.models import ConsentGrant, ProtectionCase, Referral

DEMO_OFFICE = "molsw-svk"
DEMO_CASE_WORKER = "case-worker"
DEMO_SUPERVISOR = ("case-supervisor", "ບົວສອນ", "ພົມມະວົງ", "Bouasone", "Phommavong")
DEMO_NPA = "NPA-2018-0002"

# (reference, identity, facts, referral to the demo NPA: None, "pending" or "completed")
CASES = [
    (
        "PC-DEMO0001",
        {"given_name": "ນາງ ຄຳ", "family_name": "ສີວົງໄຊ", "phone": "+8562099990001", "address": "ບ້ານນາໂພ"},
        {
            "trafficking_status": "actual",
            "migrant_type": "returnee",
            "gender": "female",
            "age_band": "18-20",
            "country_of_exploitation": "TH",
            "types_of_exploitation": ["forced_labour"],
            "methods_of_control": ["debt_bondage", "withholds_documents", "restricts_movement"],
            "methods_of_recruitment": ["job_offer"],
            "forced_labour_industry": "C",
            "vulnerabilities": ["poverty", "migration"],
            "days_ago": 40,
        },
        "pending",
    ),
    (
        "PC-DEMO0002",
        {"given_name": "ນາງ ແກ້ວ", "family_name": "ພົມມາ", "address": "ບ້ານດົງ"},
        {
            "trafficking_status": "possible",
            "migrant_type": "irregular",
            "gender": "female",
            "age_band": "9-17",
            "country_of_exploitation": "CN",
            "countries_of_transit": ["TH"],
            "types_of_exploitation": ["forced_marriage"],
            "methods_of_control": ["false_promises", "threats"],
            "methods_of_recruitment": ["marriage_broker"],
            "vulnerabilities": ["poverty", "education"],
            "days_ago": 75,
        },
        "completed",
    ),
    (
        "PC-DEMO0003",
        {"given_name": "ທ້າວ ບຸນ", "family_name": "ໄຊຍະສານ"},
        {
            "trafficking_status": "actual",
            "migrant_type": "deportee",
            "gender": "male",
            "age_band": "24-26",
            "country_of_exploitation": "MY",
            "countries_of_transit": ["TH"],
            "types_of_exploitation": ["forced_labour"],
            "methods_of_control": ["excessive_working_hours", "takes_earnings"],
            "methods_of_recruitment": ["internet"],
            "forced_labour_industry": "A",
            "vulnerabilities": ["work_environment"],
            "days_ago": 120,
        },
        None,
    ),
    (
        "PC-DEMO0004",
        {"given_name": "ນາງ ນ້ອຍ", "family_name": "ແສງທອງ"},
        {
            "trafficking_status": "not_a_victim",
            "migrant_type": "stranded",
            "gender": "female",
            "age_band": "27-29",
            "country_of_exploitation": "TH",
            "types_of_exploitation": ["other"],
            "methods_of_recruitment": ["familial"],
            "vulnerabilities": ["homelessness"],
            "days_ago": 10,
        },
        None,
    ),
]


def _supervisor(office: Organisation) -> object:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from elaos.accounts.models import User
    from elaos.demo.data import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_KEY_HEX

    local, given_lo, family_lo, given_latin, family_latin = DEMO_SUPERVISOR
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
    RoleAssignment.objects.get_or_create(user=user, organisation=office, role=Role.objects.get(code="case_supervisor"))
    return user


@transaction.atomic
def load_protection_demo() -> int:
    """Add the demo cases that are missing; returns how many were added."""
    from elaos.accounts.models import User
    from elaos.demo.data import DEMO_DOMAIN

    office = Organisation.objects.filter(code=DEMO_OFFICE).first()
    worker = User.objects.filter(email=f"{DEMO_CASE_WORKER}@{DEMO_DOMAIN}").first()
    if office is None or worker is None:
        return 0
    RoleAssignment.objects.get_or_create(user=worker, organisation=office, role=Role.objects.get(code="case_worker"))
    _supervisor(office)
    today = timezone.localdate()
    added = 0
    for reference, identity, facts, referral in CASES:
        if ProtectionCase.objects.filter(reference=reference).exists():
            continue
        facts = dict(facts)
        identified = today - datetime.timedelta(days=facts.pop("days_ago"))
        case = services.case_open(
            actor=worker,
            organisation=office,
            facts={**facts, "identified_on": identified, "province": Province.objects.filter(code="13").first()},
            identity=identity,
            consent_given=True,
            consent_method=ConsentGrant.Method.WRITTEN,
        )
        ProtectionCase.objects.filter(pk=case.pk).update(reference=reference, opened_on=identified)
        case.refresh_from_db()
        services.risk_assess(
            actor=worker,
            case=case,
            scores={
                "contact_with_traffickers": 1,
                "threats_to_family": 1,
                "debt": 2 if "debt_bondage" in case.methods_of_control else 0,
                "health": 1,
                "accommodation": 1,
                "minor": 2 if case.age_band == "9-17" else 0,
                "legal": 1,
            },
        )
        services.plan_item_add(
            actor=worker,
            case=case,
            goal="ກັບບ້ານຢ່າງປອດໄພ",
            action="ຕິດຕໍ່ຄອບຄົວ ແລະ ກະກຽມການເດີນທາງ",
            due_on=today + datetime.timedelta(days=14),
        )
        services.note_add(actor=worker, case=case, text="ພົບກັບຜູ້ກ່ຽວຄັ້ງທຳອິດ; ຕົກລົງແຜນການຊ່ວຍເຫຼືອ.")
        if referral:
            services.consent_record(
                actor=worker,
                case=case,
                purpose=ConsentGrant.Purpose.REFERRAL,
                method=ConsentGrant.Method.WRITTEN,
                recipient_npa=DEMO_NPA,
            )
            made = services.referral_create(
                actor=worker,
                case=case,
                service=Referral.Service.EDUCATION if case.age_band == "9-17" else Referral.Service.LIVELIHOOD,
                details="ຕ້ອງການຝຶກວິຊາຊີບໃກ້ບ້ານ; ຕິດຕໍ່ຜ່ານພະນັກງານຄຸ້ມຄອງກໍລະນີເທົ່ານັ້ນ.",
                to_npa=DEMO_NPA,
            )
            if referral == "completed":
                Referral.objects.filter(pk=made.pk).update(
                    status=Referral.Status.COMPLETED,
                    responded_at=timezone.now(),
                    outcome="ເຂົ້າຮຽນຄືນແລ້ວ ແລະ ໄດ້ຮັບທຶນການສຶກສາ.",
                    outcome_at=timezone.now(),
                )
        added += 1
    return added
