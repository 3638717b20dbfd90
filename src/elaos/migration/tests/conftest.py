"""Safe-migration personas: bounmy is a migration officer of the Chanthabouly district labour office (the root
conftest's district_office); chanh is a migration officer of another district; dara licenses agencies at the
ministry; the citizen (Somchai) goes to work in Thailand through a licensed agency."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.models import Province
from elaos.migration import services
from elaos.migration.models import Migrant, RecruitmentAgency


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    device = user.totpdevice_set.first() or confirmed_totp(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client


def today() -> datetime.date:
    return timezone.localdate()


def in_days(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def _migration_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.MIGRATION_COMPLAINTS_OFFICE = "molsw-vte-chanthabouly"


@pytest.fixture
def bounmy(district_office: Organisation) -> User:
    user = staff_with_role("migration_officer", district_office, email="bounmy@gov.la", given_name_latin="Bounmy")
    confirmed_totp(user)
    return user


@pytest.fixture
def chanh(other_district_office: Organisation) -> User:
    user = staff_with_role("migration_officer", other_district_office, email="chanh@gov.la", given_name_latin="Chanh")
    confirmed_totp(user)
    return user


@pytest.fixture
def dara(ministry: Organisation) -> User:
    user = staff_with_role("migration_officer", ministry, email="dara@gov.la", given_name_latin="Dara")
    confirmed_totp(user)
    return user


@pytest.fixture
def agency(district_office: Organisation) -> RecruitmentAgency:
    """Licensed; complaints about it go to the district office (see _migration_settings)."""
    return services.agency_license(
        actor=None,
        name_lo="ບໍລິສັດ ຈັດຫາງານ ສາຍຮຸ້ງ",
        name_en="Rainbow Recruitment",
        enterprise_registration_number="ENT-0001",
        licence_number="RA-2025-0001",
        licensed_on=today() - datetime.timedelta(days=100),
    )


@pytest.fixture
def suspended_agency(db: None, dara: User) -> RecruitmentAgency:
    agency = services.agency_license(
        actor=None,
        name_lo="ບໍລິສັດ ຈັດຫາງານ ດາວເໜືອ",
        name_en="North Star Manpower",
        enterprise_registration_number="ENT-0002",
        licence_number="RA-2025-0002",
        licensed_on=today() - datetime.timedelta(days=200),
    )
    return services.agency_transition(actor=dara, agency=agency, status="suspended", reason="Excessive fees charged")


def migrant_fields(agency: RecruitmentAgency | None, **overrides: object) -> dict:
    fields = {
        "sex": "female",
        "birth_year": 1999,
        "home_province": Province.objects.get(code="01"),
        "destination": "TH",
        "employer_name": "Siam Garments Co.",
        "employer_address": "Samut Sakhon",
        "sector": "C",
        "job_title": "Sewing machine operator",
        "monthly_wage": 10500,
        "wage_currency": "THB",
        "hours_per_week": 48,
        "monthly_deductions": 1000,
        "deductions_note": "Housing",
        "contract_months": 24,
        "agency": agency,
        "departure_date": in_days(30),
        "passport_number": "P1234567",
        "passport_expires_on": in_days(3 * 365),
        "visa_number": "",
        "visa_expires_on": None,
        "work_permit_number": "",
        "work_permit_expires_on": None,
        "orientation_completed_on": None,
        "health_check_on": None,
        "health_check_result": "",
        "insurance_provider": "",
        "insurance_policy_number": "",
        "insurance_expires_on": None,
    }
    fields.update(overrides)
    return fields


READY = {
    "visa_number": "V-778899",
    "visa_expires_on": None,
    "work_permit_number": "WP-445566",
    "orientation_completed_on": None,
    "health_check_on": None,
    "health_check_result": "fit",
    "insurance_provider": "Lao-Viet Insurance",
    "insurance_policy_number": "LVI-2025-1",
}


def ready_fields() -> dict:
    return {
        **READY,
        "visa_expires_on": in_days(2 * 365),
        "work_permit_expires_on": in_days(2 * 365),
        "orientation_completed_on": today(),
        "health_check_on": today(),
        "insurance_expires_on": in_days(2 * 365),
    }


@pytest.fixture
def migrant(citizen: User, district_office: Organisation, agency: RecruitmentAgency) -> Migrant:
    """Somchai's own registration, followed by the Chanthabouly office."""
    return services.migrant_register(
        actor=citizen, person=citizen, office=district_office, consent=True, **migrant_fields(agency)
    )
