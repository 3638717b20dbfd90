import base64
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import STAFF_PASSWORD, StaffFactory, totp_now
from elaos.accounts import services
from elaos.accounts.models import User

pytestmark = pytest.mark.django_db

LOCKED = "Too many wrong attempts. For your safety, signing in to this account is paused for 30 minutes."
WRONG_CODE = "This code is wrong. Codes change every 30 seconds; try the newest one."


@pytest.fixture
def client(client: Client) -> Client:
    """Pages in English, so that messages can be read here whatever the state of the Lao catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def new_staff(db: None) -> User:
    """A civil servant on their first sign-in: no authenticator yet."""
    return StaffFactory(email="newcomer@gov.la", preferred_language=User.Language.ENGLISH)


def sign_in_with_password(client: Client, user: User) -> None:
    response = client.post("/accounts/sign-in/email/", {"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302, response.content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def template_names(response: Any) -> list[str]:
    return [t.name for t in response.templates if t.name]


def test_staff_enrol_an_authenticator_on_first_sign_in(client: Client, new_staff: User) -> None:
    sign_in_with_password(client, new_staff)

    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert response.url == "/accounts/second-factor/?next=%2Fbackoffice%2F"

    response = client.get(response.url)
    assert response.status_code == 200
    assert "accounts/second_factor_enrol.html" in template_names(response)
    device = TOTPDevice.objects.get(user=new_staff, confirmed=False)
    qr = response.context["qr_data_uri"]
    assert qr.startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(qr.removeprefix("data:image/svg+xml;base64,"))
    assert f'src="{qr}"' in response.content.decode()
    secret = response.context["secret"]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert f"<code>{secret}</code>" in response.content.decode()

    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302
    assert response.url == "/accounts/second-factor/recovery-codes/"
    device.refresh_from_db()
    assert device.confirmed

    response = client.get(response.url)
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    for code in codes:
        assert f"<li>{code}</li>" in response.content.decode()

    # Shown once only.
    again = client.get("/accounts/second-factor/recovery-codes/")
    assert again.status_code == 302
    assert codes[0] not in again.content.decode()

    assert client.get("/backoffice/").status_code == 200


def test_a_wrong_enrolment_code_shows_the_same_authenticator_again(client: Client, new_staff: User) -> None:
    client.force_login(new_staff)
    client.get("/accounts/second-factor/")
    device = TOTPDevice.objects.get(user=new_staff)

    response = client.post("/accounts/second-factor/", {"token": wrong(totp_now(device))})

    assert response.status_code == 400
    assert "This code is wrong. Check the time on your phone and try the newest code." in response.content.decode()
    secret = response.context["secret"]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/backoffice/").status_code == 302


def test_staff_with_an_authenticator_give_its_code(client: Client, officer: User) -> None:
    sign_in_with_password(client, officer)
    response = client.get("/accounts/second-factor/?next=/backoffice/")
    assert "accounts/second_factor.html" in template_names(response)

    response = client.post(
        "/accounts/second-factor/?next=/backoffice/", {"token": totp_now(officer.totpdevice_set.get())}
    )

    assert response.status_code == 302
    assert response.url == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200


def test_the_second_factor_never_sends_people_to_another_site(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(
        "/accounts/second-factor/?next=https://evil.example/", {"token": totp_now(officer.totpdevice_set.get())}
    )

    assert response.status_code == 302
    assert response.url == "/backoffice/"


def test_a_recovery_code_works_once(client: Client, officer: User) -> None:
    [code, *_] = services.recovery_codes_regenerate(user=officer)
    client.force_login(officer)

    response = client.post("/accounts/second-factor/", {"token": code})
    assert response.status_code == 302
    assert client.get("/backoffice/").status_code == 200

    thief = Client(headers={"accept-language": "en"})
    thief.force_login(officer)
    response = thief.post("/accounts/second-factor/", {"token": code})
    assert response.status_code == 400
    assert WRONG_CODE in response.content.decode()
    assert thief.get("/backoffice/").status_code == 302


def test_five_wrong_codes_lock_the_second_factor(client: Client, officer: User) -> None:
    device = officer.totpdevice_set.get()
    client.force_login(officer)
    bad = wrong(totp_now(device))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/second-factor/", {"token": bad})
        assert response.status_code == 400
        assert WRONG_CODE in response.content.decode()

    response = client.post("/accounts/second-factor/", {"token": bad})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()

    # Locked for the account, in any browser and even with a right code.
    other = Client(headers={"accept-language": "en"})
    other.force_login(officer)
    device.throttle_reset()
    response = other.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert other.get("/backoffice/").status_code == 302


def test_the_django_admin_also_needs_the_second_factor(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == "/accounts/second-factor/?next=%2Fadmin%2F"


def test_the_django_admin_opens_after_the_second_factor(verified_officer_client: Client) -> None:
    assert verified_officer_client.get("/admin/").status_code == 200


def test_a_verified_staff_member_is_sent_on_from_the_second_factor_page(verified_officer_client: Client) -> None:
    response = verified_officer_client.get("/accounts/second-factor/")

    assert response.status_code == 302
    assert response.url == "/backoffice/"


def test_a_citizen_does_not_see_the_back_office(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    assert client.get("/backoffice/").status_code == 404
    response = client.get("/accounts/second-factor/")
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"


def test_an_anonymous_visitor_is_asked_to_sign_in(client: Client) -> None:
    response = client.get("/backoffice/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/sign-in/")
    assert client.get("/accounts/second-factor/").status_code == 302
