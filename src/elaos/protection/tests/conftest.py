"""Personas of protection case management, in the district office of the root conftest: carol (the case worker of
the case), dave (case supervisor), erin (another case worker of the office), frank (a case worker of another office),
and an association whose administrator is the citizen."""

import datetime
from typing import Any

import pytest

from conftest import UserFactory, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.protection import services
from elaos.protection.models import ConsentGrant, ProtectionCase

FACTS: dict[str, Any] = {
    "trafficking_status": "actual",
    "migrant_type": "returnee",
    "gender": "female",
    "age_band": "18-20",
    "citizenship": "LA",
    "country_of_exploitation": "TH",
    "types_of_exploitation": ["forced_labour"],
    "methods_of_control": ["debt_bondage", "withholds_documents"],
    "methods_of_recruitment": ["job_offer"],
    "forced_labour_industry": "C",
    "vulnerabilities": ["poverty"],
    "identified_on": datetime.date(2026, 1, 15),
}
IDENTITY: dict[str, Any] = {
    "given_name": "Kham",
    "family_name": "Sivongxay",
    "phone": "+8562099990001",
    "id_document": "passport",
    "id_number": "P1234567",
}


def verified_client(client: Any, user: User) -> Any:
    device = user.totpdevice_set.first() or confirmed_totp(user)
    client.force_login(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def carol(district_office: Organisation) -> User:
    return staff_with_role("case_worker", district_office, email="carol@gov.la", given_name_latin="Carol")


@pytest.fixture
def dave(district_office: Organisation) -> User:
    return staff_with_role("case_supervisor", district_office, email="dave@gov.la", given_name_latin="Dave")


@pytest.fixture
def erin(district_office: Organisation) -> User:
    return staff_with_role("case_worker", district_office, email="erin@gov.la", given_name_latin="Erin")


@pytest.fixture
def frank(other_district_office: Organisation) -> User:
    return staff_with_role("case_worker", other_district_office, email="frank@gov.la", given_name_latin="Frank")


@pytest.fixture
def victim_account(db: None) -> User:
    """The person's own e-Laos account."""
    return UserFactory(given_name_latin="Kham")


@pytest.fixture
def case(carol: User, district_office: Organisation, victim_account: User) -> ProtectionCase:
    return services.case_open(
        actor=carol,
        organisation=district_office,
        facts=dict(FACTS),
        identity={**IDENTITY, "account": victim_account},
        consent_given=True,
        consent_method=ConsentGrant.Method.WRITTEN,
    )


@pytest.fixture
def npa(db: None) -> Any:
    from elaos.civil_society.services import npa_create

    return npa_create(
        actor=None,
        name_lo="ສະມາຄົມຊ່ວຍເຫຼືອແມ່ຍິງ",
        name_en="Women's Help Association",
        type="social_welfare",
        level="national",
    )


@pytest.fixture
def npa_member(npa: Any) -> User:
    from elaos.civil_society.models import NpaMembership

    user = UserFactory(given_name_latin="Nina")
    NpaMembership.objects.create(user=user, npa=npa, role=NpaMembership.Role.MEMBER)
    return user
