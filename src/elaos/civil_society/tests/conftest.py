"""Personas of the NPA register: the Ministry of Home Affairs and its Department of Associations and Foundations,
a registrar there (alice), an approver of another ministry (bob) and of a provincial home-affairs office (charlie)."""

import pytest

from conftest import OrganisationFactory, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.civil_society.services import OfficerIn, npa_create
from elaos.core.models import Province


@pytest.fixture
def moha(db: None) -> Organisation:
    return OrganisationFactory(code="moha", name_lo="ກະຊວງພາຍໃນ", name_en="Ministry of Home Affairs")


@pytest.fixture
def moha_npa(moha: Organisation) -> Organisation:
    return OrganisationFactory(
        code="moha-npa",
        kind=Organisation.Kind.DEPARTMENT,
        parent=moha,
        name_lo="ກົມຄຸ້ມຄອງສະມາຄົມ ແລະ ມູນນິທິ",
        name_en="Department of Associations and Foundations",
    )


@pytest.fixture
def health(db: None) -> Sector:
    moh = OrganisationFactory(code="moh", name_lo="ກະຊວງສາທາລະນະສຸກ", name_en="Ministry of Health", abbreviation="MOH")
    return Sector.objects.create(code="health", name_lo="ສາທາລະນະສຸກ", name_en="Health", line_ministry=moh)


@pytest.fixture
def education(db: None) -> Sector:
    moes = OrganisationFactory(code="moes", name_lo="ກະຊວງສຶກສາທິການ ແລະ ກິລາ", name_en="Ministry of Education and Sports")
    return Sector.objects.create(code="education", name_lo="ສຶກສາ", name_en="Education", line_ministry=moes)


def verified_client(client, user: User):  # type: ignore[no-untyped-def]
    device = confirmed_totp(user)
    client.force_login(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def alice(moha_npa: Organisation) -> User:
    """A registrar: approver in the Department of Associations and Foundations."""
    return staff_with_role("approver", moha_npa, email="alice@gov.la", given_name_latin="Alice")


@pytest.fixture
def bob(db: None, health: Sector) -> User:
    """An approver of the Ministry of Health: staff, but not a registrar."""
    return staff_with_role("approver", health.line_ministry, email="bob@gov.la", given_name_latin="Bob")


@pytest.fixture
def charlie(moha: Organisation) -> User:
    """An office administrator of the Vientiane Capital home-affairs department: provincial, not a registrar."""
    provincial = OrganisationFactory(
        code="moha-vte",
        kind=Organisation.Kind.PROVINCIAL_DEPARTMENT,
        parent=moha,
        province=Province.objects.get(code="01"),
    )
    return staff_with_role("office_admin", provincial, email="charlie@gov.la", given_name_latin="Charlie")


def register_npa(**fields: object) -> Npa:
    values: dict = {
        "actor": None,
        "name_lo": "ສະມາຄົມແພດລາວ",
        "name_en": "Lao Medical Association",
        "type": Npa.Type.PROFESSIONAL_TECHNICAL_CREATIVE,
        "level": Npa.Level.NATIONAL,
        "province": Province.objects.get(code="01"),
        "officers": [OfficerIn(name_lo="ບຸນທະວີ ສີສຸພັນ", name_latin="Bounthavy Sisouphanh", role="president")],
    }
    values.update(fields)
    return npa_create(**values)


@pytest.fixture
def doctors(db: None, health: Sector) -> Npa:
    return register_npa(
        sector=health,
        objectives_lo="ສົ່ງເສີມຈັນຍາບັນຂອງແພດ",
        objectives_en="Promote medical ethics",
        address="ບ້ານສີຫອມ, ເມືອງຈັນທະບູລີ",
    )


@pytest.fixture
def teachers(db: None, education: Sector) -> Npa:
    return register_npa(
        name_lo="ສະມາຄົມສົ່ງເສີມການສຶກສາເດັກນ້ອຍ",
        name_en="Association for the Promotion of Children's Education",
        type=Npa.Type.SOCIAL_WELFARE,
        level=Npa.Level.PROVINCIAL,
        sector=education,
        province=Province.objects.get(code="13"),
        objectives_lo="ສະໜອງປຶ້ມໃຫ້ໂຮງຮຽນປະຖົມ",
        objectives_en="Books for primary schools",
    )
