"""Shared test personas and factories. Names follow the roles people picture: a citizen, an officer…"""

import factory
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.models import District, Province


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+85620{55000000 + n:08d}")
    email = None
    given_name_lo = "ສົມໃຈ"
    family_name_lo = "ແສງສຸລິຍາ"
    given_name_latin = "Somchai"
    family_name_latin = "Sengsouliya"

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save()


class StaffFactory(UserFactory):
    phone = None
    email = factory.Sequence(lambda n: f"staff{n}@gov.la")
    is_staff = True
    password = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.MINISTRY
    name_lo = factory.Sequence(lambda n: f"ກະຊວງ {n}")
    name_en = factory.Sequence(lambda n: f"Ministry {n}")


def confirmed_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_now(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def vientiane() -> Province:
    return Province.objects.get(code="01")


@pytest.fixture
def chanthabouly() -> District:
    return District.objects.get(code="0101")


@pytest.fixture
def citizen(db: None) -> User:
    return UserFactory(given_name_lo="ສົມໃຈ", given_name_latin="Somchai")


@pytest.fixture
def other_citizen(db: None) -> User:
    return UserFactory(given_name_lo="ນ້ອຍ", given_name_latin="Noy")


@pytest.fixture
def ministry(db: None) -> Organisation:
    return OrganisationFactory(code="molsw", name_lo="ກະຊວງແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ", name_en="Labour")


@pytest.fixture
def district_office(
    db: None, ministry: Organisation, vientiane: Province, chanthabouly: District
) -> Organisation:
    provincial = OrganisationFactory(
        code="molsw-vte", kind=Organisation.Kind.PROVINCIAL_DEPARTMENT, parent=ministry, province=vientiane
    )
    return OrganisationFactory(
        code="molsw-vte-chanthabouly",
        kind=Organisation.Kind.DISTRICT_OFFICE,
        parent=provincial,
        province=vientiane,
        district=chanthabouly,
    )


@pytest.fixture
def officer(db: None, district_office: Organisation) -> User:
    """A reviewer in one district office, with a confirmed authenticator."""
    user = StaffFactory(email="officer@gov.la", given_name_latin="Bounmy")
    RoleAssignment.objects.create(
        user=user, organisation=district_office, role=Role.objects.get(code="reviewer")
    )
    confirmed_totp(user)
    return user


@pytest.fixture
def verified_officer_client(client, officer: User):  # type: ignore[no-untyped-def]
    """A test client signed in as the officer, second factor done."""
    client.force_login(officer)
    device = officer.totpdevice_set.get()
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client
