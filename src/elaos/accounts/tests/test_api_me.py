import pytest
from django.test import Client

from elaos.accounts.models import User
from elaos.core.models import District, Province

pytestmark = pytest.mark.django_db


def test_me_needs_sign_in(client: Client) -> None:
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_citizen_sees_their_own_account_and_nobody_elses(
    client: Client, citizen: User, other_citizen: User, vientiane: Province, chanthabouly: District
) -> None:
    citizen.province, citizen.district = vientiane, chanthabouly
    citizen.save()
    client.force_login(citizen)

    response = client.get("/api/v1/me", headers={"accept-language": "en"})

    assert response.status_code == 200
    assert response.json() == {
        "id": str(citizen.public_id),
        "phone": citizen.phone,
        "email": None,
        "given_name_lo": "ສົມໃຈ",
        "family_name_lo": citizen.family_name_lo,
        "given_name_latin": "Somchai",
        "family_name_latin": citizen.family_name_latin,
        "preferred_language": "lo",
        "province": vientiane.name_en,
        "district": chanthabouly.name_en or chanthabouly.name_lo,
        "is_staff": False,
    }
    assert other_citizen.phone not in response.content.decode()
    assert str(other_citizen.public_id) not in response.content.decode()


def test_each_session_sees_its_own_account(client: Client, citizen: User, other_citizen: User) -> None:
    client.force_login(other_citizen)
    other_client = Client()
    other_client.force_login(citizen)

    assert client.get("/api/v1/me").json()["id"] == str(other_citizen.public_id)
    assert other_client.get("/api/v1/me").json()["id"] == str(citizen.public_id)


def test_province_names_follow_the_language(client: Client, citizen: User, vientiane: Province) -> None:
    citizen.province = vientiane
    citizen.save()
    client.force_login(citizen)

    lao = client.get("/api/v1/me", headers={"accept-language": "lo"}).json()
    english = client.get("/api/v1/me", headers={"accept-language": "en"}).json()

    assert lao["province"] == vientiane.name_lo
    assert english["province"] == vientiane.name_en
    assert lao["district"] is None


def test_me_answers_get_only(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    assert client.post("/api/v1/me", {"given_name_lo": "x"}).status_code == 405
    citizen.refresh_from_db()
    assert citizen.given_name_lo == "ສົມໃຈ"


def test_the_openapi_schema_lists_me(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert "get" in schema["paths"]["/api/v1/me"]
    assert "MeOut" in schema["components"]["schemas"]


def test_the_api_docs_render(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.content.decode()
