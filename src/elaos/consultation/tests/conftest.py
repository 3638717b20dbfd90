"""Consultation fixtures: a ministry's draft with three articles, its office administrator, and consultations."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import OrganisationFactory, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.consultation import services
from elaos.consultation.models import Consultation, Draft
from elaos.consultation.services import ArticleData

ARTICLES = [
    ArticleData(1, "ຈຸດປະສົງ", "ດຳລັດນີ້ກຳນົດຫຼັກການຂອງສະມາຄົມ.", "Purpose", "This decree sets the principles."),
    ArticleData(2, "ການຍື່ນຄຳຮ້ອງ", "ຍື່ນຄຳຮ້ອງທາງອອນລາຍໄດ້.", "Application", "Apply online."),
    ArticleData(3, "ໄລຍະເວລາ", "ພິຈາລະນາພາຍໃນ 60 ວັນ.", "Time limit", "Decided within 60 days."),
]


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    device = confirmed_totp(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def agency(db: None) -> Organisation:
    return OrganisationFactory(code="moha", name_lo="ກະຊວງພາຍໃນ", name_en="Ministry of Home Affairs")


@pytest.fixture
def agency_admin(agency: Organisation) -> User:
    return staff_with_role("office_admin", agency, email="head@moha.gov.la", given_name_latin="Phonsavanh")


@pytest.fixture
def moderator(agency: Organisation) -> User:
    return staff_with_role("reviewer", agency, email="moderator@moha.gov.la", given_name_latin="Vanna")


@pytest.fixture
def foreign_admin(db: None) -> User:
    """An office administrator of another ministry."""
    other = OrganisationFactory(code="mof", name_lo="ກະຊວງການເງິນ", name_en="Finance")
    return staff_with_role("office_admin", other, email="head@mof.gov.la")


@pytest.fixture
def draft(agency_admin: User, agency: Organisation) -> Draft:
    return services.draft_create(
        actor=agency_admin,
        agency=agency,
        kind=Draft.Kind.DECREE,
        slug="decree-associations",
        title_lo="ຮ່າງດຳລັດວ່າດ້ວຍສະມາຄົມ",
        title_en="Draft Decree on Associations",
        summary_lo="ສະຫຼຸບ",
        articles=ARTICLES,
    )


@pytest.fixture
def consultation(draft: Draft, agency_admin: User) -> Consultation:
    """Open since yesterday, for the default period."""
    return services.consultation_open(
        actor=agency_admin,
        version=draft.versions.get(),
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.fixture
def closed_consultation(consultation: Consultation, agency_admin: User) -> Consultation:
    return services.consultation_close(actor=agency_admin, consultation=consultation)


def article(consultation: Consultation, number: int):  # type: ignore[no-untyped-def]
    return consultation.version.articles.get(number=number)
