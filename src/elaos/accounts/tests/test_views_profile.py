import datetime
import json

import pytest
from django.conf import settings
from django.test import Client

from elaos.accounts.models import User
from elaos.core.models import AuditEvent, District, Province, Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    """Pages in English, so that messages can be read here whatever the state of the Lao catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def citizen_client(client: Client, citizen: User) -> Client:
    client.force_login(citizen)
    return client


@pytest.fixture
def sisavath(chanthabouly: District) -> Village:
    return Village.objects.create(district=chanthabouly, name_lo="ສີສະຫວາດ", valid_from=datetime.date(2020, 1, 1))


def profile_data(**overrides: object) -> dict[str, object]:
    return {
        "given_name_lo": "ສົມໃຈ",
        "family_name_lo": "ແສງສຸລິຍາ",
        "given_name_latin": "Somchai",
        "family_name_latin": "Sengsouliya",
        "date_of_birth": "",
        "national_id": "",
        "province": "",
        "district": "",
        "village": "",
        "address_line": "",
        "preferred_language": "en",
        **overrides,
    }


def test_the_profile_needs_sign_in(client: Client, citizen: User) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url == "/accounts/sign-in/?next=/accounts/profile/"

    response = client.post("/accounts/profile/", profile_data(given_name_lo="ແຮກເກີ"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/sign-in/")
    citizen.refresh_from_db()
    assert citizen.given_name_lo == "ສົມໃຈ"


def test_the_profile_shows_the_signed_in_persons_details(citizen_client: Client, citizen: User) -> None:
    response = citizen_client.get("/accounts/profile/")

    assert response.status_code == 200
    assert response.context["form"].instance.pk == citizen.pk
    html = response.content.decode()
    assert 'value="Somchai"' in html
    assert citizen.phone in html


def test_a_citizen_edits_names_birth_date_national_id_and_address(
    citizen_client: Client, citizen: User, vientiane: Province, chanthabouly: District, sisavath: Village
) -> None:
    response = citizen_client.post(
        "/accounts/profile/",
        profile_data(
            given_name_lo="ບົວພັນ",
            family_name_lo="ພົມມະວົງ",
            given_name_latin="Bouaphanh",
            family_name_latin="Phommavong",
            date_of_birth="1990-05-17",
            national_id="ab-໑໒໓໔໕໖",
            province=vientiane.pk,
            district=chanthabouly.pk,
            village=sisavath.pk,
            address_line="House 12, Unit 3",
        ),
        follow=True,
    )

    assert response.redirect_chain == [("/accounts/profile/", 302)]
    assert "Your profile is saved." in response.content.decode()
    citizen.refresh_from_db()
    assert (citizen.given_name_lo, citizen.family_name_lo) == ("ບົວພັນ", "ພົມມະວົງ")
    assert (citizen.given_name_latin, citizen.family_name_latin) == ("Bouaphanh", "Phommavong")
    assert citizen.date_of_birth == datetime.date(1990, 5, 17)
    assert citizen.national_id == "AB-123456"
    assert (citizen.province, citizen.district, citizen.village) == (vientiane, chanthabouly, sisavath)
    assert citizen.address_line == "House 12, Unit 3"
    assert citizen.preferred_language == "en"
    assert response.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_audit_row_names_the_changed_fields_but_not_their_values(citizen_client: Client, citizen: User) -> None:
    citizen_client.post(
        "/accounts/profile/",
        profile_data(national_id="XY-987654", date_of_birth="1985-01-02", address_line="Ban Sisavath"),
    )

    event = AuditEvent.objects.get(action="user.profile_update")
    assert event.actor == citizen
    assert event.object_id == str(citizen.public_id)
    assert set(event.data["fields"]) >= {"national_id", "date_of_birth", "address_line"}
    recorded = json.dumps(event.data, ensure_ascii=False)
    for value in ("XY-987654", "1985", "Sisavath", "Somchai"):
        assert value not in recorded


def test_a_district_outside_the_province_is_refused(citizen_client: Client, citizen: User, vientiane: Province) -> None:
    elsewhere = District.objects.exclude(province=vientiane).first()
    assert elsewhere is not None

    response = citizen_client.post(
        "/accounts/profile/", profile_data(given_name_latin="Changed", province=vientiane.pk, district=elsewhere.pk)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "This district is not in the province you chose." in html
    assert 'value="Changed"' in html
    citizen.refresh_from_db()
    assert (citizen.given_name_latin, citizen.district) == ("Somchai", None)
    assert not AuditEvent.objects.filter(action="user.profile_update").exists()


def test_a_village_outside_the_district_is_refused(
    citizen_client: Client, vientiane: Province, sisavath: Village
) -> None:
    other_district = District.objects.filter(province=vientiane).exclude(pk=sisavath.district_id).first()

    response = citizen_client.post(
        "/accounts/profile/", profile_data(province=vientiane.pk, district=other_district.pk, village=sisavath.pk)
    )

    assert response.status_code == 400
    assert "This village is not in the district you chose." in response.content.decode()


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("national_id", "12/34 56", "A national ID number has only letters, digits and dashes."),
        ("date_of_birth", "17/05/1990x", "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(
    citizen_client: Client, citizen: User, field: str, typed: str, error: str
) -> None:
    response = citizen_client.post("/accounts/profile/", profile_data(**{field: typed}))

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert f'value="{typed}"' in html
    citizen.refresh_from_db()
    assert getattr(citizen, field) in ("", None)


def test_the_sign_in_identifiers_cannot_be_changed_from_the_profile(
    citizen_client: Client, citizen: User, other_citizen: User
) -> None:
    """Mobile and e-mail need proof of ownership: the profile form neither changes nor removes them."""
    phone = citizen.phone

    response = citizen_client.post(
        "/accounts/profile/", profile_data(phone=other_citizen.phone, email="someone@example.la")
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.email) == (phone, None)

    response = citizen_client.post("/accounts/profile/", profile_data(phone="", email=""))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == phone


def test_a_citizen_can_never_edit_another_persons_profile(
    citizen_client: Client, citizen: User, other_citizen: User
) -> None:
    response = citizen_client.post(
        "/accounts/profile/",
        profile_data(
            given_name_lo="ແກ້ໄຂ",
            public_id=str(other_citizen.public_id),
            id=other_citizen.pk,
            pk=other_citizen.pk,
            user=other_citizen.pk,
        ),
    )

    assert response.status_code == 302
    citizen.refresh_from_db()
    other_citizen.refresh_from_db()
    assert citizen.given_name_lo == "ແກ້ໄຂ"
    assert other_citizen.given_name_lo == "ນ້ອຍ"
    assert AuditEvent.objects.get(action="user.profile_update").object_id == str(citizen.public_id)


def test_there_is_no_profile_address_that_takes_someone_elses_id(citizen_client: Client, other_citizen: User) -> None:
    for path in (f"/accounts/profile/{other_citizen.public_id}/", f"/accounts/profile/{other_citizen.pk}/"):
        assert citizen_client.get(path).status_code == 404
