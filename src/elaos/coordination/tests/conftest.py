"""Coordination personas: the Ministry of Health runs the health group (dara, a reviewer there); the Ministry of
Home Affairs convenes the annual meeting (alice, its office administrator); erin is staff of the Ministry of
Education; the citizen speaks for an association."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import OrganisationFactory, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.coordination import services
from elaos.coordination.models import AnnualMeeting, SectorGroup


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    device = confirmed_totp(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client


def make_npa(number: str, name_lo: str, sector: Sector | None = None, status: str = Npa.Status.ACTIVE) -> Npa:
    return Npa.objects.create(
        registration_number=number,
        name_lo=name_lo,
        name_en=f"Association {number}",
        type=Npa.Type.SOCIAL_WELFARE,
        level=Npa.Level.NATIONAL,
        sector=sector,
        status=status,
        registered_on=datetime.date(2020, 1, 1),
    )


@pytest.fixture
def moh(db: None) -> Organisation:
    return OrganisationFactory(code="moh", name_lo="ກະຊວງສາທາລະນະສຸກ", name_en="Ministry of Health")


@pytest.fixture
def moha(db: None) -> Organisation:
    return OrganisationFactory(code="moha", name_lo="ກະຊວງພາຍໃນ", name_en="Ministry of Home Affairs")


@pytest.fixture
def moes(db: None) -> Organisation:
    return OrganisationFactory(code="moes", name_lo="ກະຊວງສຶກສາທິການ ແລະ ກິລາ", name_en="Ministry of Education")


@pytest.fixture
def health(moh: Organisation) -> Sector:
    return Sector.objects.create(code="health", name_lo="ສາທາລະນະສຸກ", name_en="Health", line_ministry=moh)


@pytest.fixture
def alice(moha: Organisation) -> User:
    """Office administrator of the Ministry of Home Affairs: convenes the annual meeting."""
    return staff_with_role("office_admin", moha, email="alice@moha.gov.la", given_name_latin="Alice")


@pytest.fixture
def dara(moh: Organisation) -> User:
    """A reviewer of the Ministry of Health, the health group's focal office."""
    return staff_with_role("reviewer", moh, email="dara@moh.gov.la", given_name_latin="Dara")


@pytest.fixture
def erin(moes: Organisation) -> User:
    """Office administrator of the Ministry of Education: staff, but of another office."""
    return staff_with_role("office_admin", moes, email="erin@moes.gov.la", given_name_latin="Erin")


@pytest.fixture
def doctors(health: Sector) -> Npa:
    return make_npa("NPA-2020-0001", "ສະມາຄົມແພດລາວ", health)


@pytest.fixture
def nurses(health: Sector) -> Npa:
    return make_npa("NPA-2020-0002", "ສະມາຄົມພະຍາບານ", health)


@pytest.fixture
def group(alice: User, health: Sector, moh: Organisation) -> SectorGroup:
    return services.sector_group_create(
        actor=alice, sector=health, focal_office=moh, name_lo="ກຸ່ມສາທາລະນະສຸກ", name_en="Health group"
    )


@pytest.fixture
def upcoming(alice: User) -> AnnualMeeting:
    date = timezone.localdate() + datetime.timedelta(days=30)
    return services.annual_meeting_create(
        actor=alice,
        year=date.year,
        date=date,
        place="ວຽງຈັນ",
        title_lo="ກອງປະຊຸມປະຈຳປີ",
        title_en="Annual meeting",
    )


@pytest.fixture
def past(alice: User) -> AnnualMeeting:
    year = timezone.localdate().year - 1
    return services.annual_meeting_create(
        actor=alice, year=year, date=datetime.date(year, 12, 10), place="ວຽງຈັນ", title_lo="ກອງປະຊຸມ", title_en="Meeting"
    )
