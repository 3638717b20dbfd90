import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import UserFactory
from elaos.accounts.models import User
from elaos.notifications.models import Message

pytestmark = pytest.mark.django_db

PASSWORD = "Vientiane-rainy-season-42"
WRONG_CREDENTIALS = "The e-mail or password is wrong, or the account is not confirmed yet."
LOCKED = "Too many wrong attempts. For your safety, signing in to this account is paused for 30 minutes."
BAD_LINK = "This confirmation link is wrong or has expired. Sign up again."


@pytest.fixture
def client(client: Client) -> Client:
    """Pages in English, so that messages can be read here whatever the state of the Lao catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def alice(db: None) -> User:
    """A citizen who signed up with e-mail and confirmed it."""
    return UserFactory(phone=None, email="alice@example.la", email_verified_at=timezone.now(), password=PASSWORD)


def emails_to(address: str) -> list[Message]:
    return list(Message.objects.filter(channel=Message.Channel.EMAIL, to=address))


def link_path(message: Message, pattern: str) -> str:
    found = re.search(rf"https?://[^/\s]+({pattern})", message.body)
    assert found, message.body
    return found.group(1)


def confirmation_path(address: str) -> str:
    return link_path(emails_to(address)[0], r"/accounts/email/confirm/[^/\s]+/")


def sign_up(client: Client, email: str = "bob@example.la", **overrides: str) -> Any:
    data = {
        "given_name_lo": "ບັອບ",
        "family_name_lo": "ສີສະຫວາດ",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post("/accounts/sign-up/email/", data)


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/sign-in/email/", {"email": email, "password": password})


def template_names(response: Any) -> list[str]:
    return [t.name for t in response.templates if t.name]


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# Sign-up and confirmation


def test_email_sign_up_end_to_end(client: Client) -> None:
    response = sign_up(client)

    assert response.status_code == 200
    assert "accounts/email_sent.html" in template_names(response)
    assert "We sent a message to bob@example.la." in response.content.decode()
    [confirmation] = emails_to("bob@example.la")
    assert confirmation.subject == "Confirm your e-Laos account"
    user = User.objects.get(email="bob@example.la")
    assert (user.given_name_lo, user.family_name_lo, user.is_active) == ("ບັອບ", "ສີສະຫວາດ", False)

    assert sign_in(client, "bob@example.la").status_code == 400
    assert signed_in_user_id(client) is None

    response = client.get(confirmation_path("bob@example.la"), follow=True)

    assert response.redirect_chain == [("/accounts/sign-in/email/", 302)]
    assert "Your e-mail address is confirmed. You can sign in now." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active
    assert user.email_verified_at is not None
    response = sign_in(client, "bob@example.la")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get("/api/v1/me").json()["email"] == "bob@example.la"


def test_signing_up_with_a_taken_address_looks_the_same_as_a_new_one(client: Client, alice: User) -> None:
    new = sign_up(client, email="bob@example.la")
    taken = sign_up(client, email="alice@example.la")

    assert new.status_code == taken.status_code == 200
    assert template_names(new) == template_names(taken)

    def without_variable_parts(html: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'nonce="[^"]+"', "", html)

    assert without_variable_parts(taken.content.decode().replace("alice@", "bob@")) == without_variable_parts(
        new.content.decode()
    )


def test_the_owner_of_a_taken_address_is_told_an_account_exists(client: Client, alice: User) -> None:
    sign_up(client, email="Alice@Example.LA", password1="Someone-else-tries-99", password2="Someone-else-tries-99")

    [reminder] = emails_to("alice@example.la")
    assert reminder.subject == "You already have an e-Laos account"
    assert "/accounts/password-reset/" in reminder.body
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert alice.given_name_lo == "ສົມໃຈ"
    assert User.objects.filter(email__iexact="alice@example.la").count() == 1


def test_a_second_sign_up_for_a_pending_address_invalidates_the_first_link(client: Client) -> None:
    sign_up(client)
    first = confirmation_path("bob@example.la")
    sign_up(client, password1="Another-long-password-8", password2="Another-long-password-8")
    second = confirmation_path("bob@example.la")
    assert first != second

    response = client.get(first)

    assert response.status_code == 400
    assert BAD_LINK in response.content.decode()
    assert not User.objects.get(email="bob@example.la").is_active

    assert client.get(second).status_code == 302
    assert User.objects.get(email="bob@example.la").is_active
    assert sign_in(client, "bob@example.la", "Another-long-password-8").status_code == 302


def test_a_bad_confirmation_link_is_refused_with_a_clear_message(client: Client) -> None:
    sign_up(client)
    path = confirmation_path("bob@example.la")
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    response = client.get(tampered)

    assert response.status_code == 400
    assert "accounts/email_confirm_failed.html" in template_names(response)
    assert BAD_LINK in response.content.decode()
    assert not User.objects.get(email="bob@example.la").is_active


@pytest.mark.parametrize(
    ("password1", "password2", "error"),
    [
        ("short", "short", "This password is too short. It must contain at least 10 characters."),
        ("1234567890123", "1234567890123", "This password is entirely numeric."),
        ("password1234", "password1234", "This password is too common."),
        (PASSWORD, PASSWORD + "!", "The two passwords are not the same."),
    ],
)
def test_a_weak_or_mismatched_password_keeps_what_was_typed(
    client: Client, password1: str, password2: str, error: str
) -> None:
    response = sign_up(client, email="Bob@Example.la", password1=password1, password2=password2)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'value="Bob@Example.la"' in html
    assert 'value="ບັອບ"' in html
    assert 'value="ສີສະຫວາດ"' in html
    assert password1 not in re.findall(r'value="([^"]*)"', html)
    assert not User.objects.exists()
    assert not Message.objects.exists()


def test_a_password_like_the_address_is_refused(client: Client) -> None:
    response = sign_up(
        client, email="vientiane.rainy@example.la", password1="vientianerainy", password2="vientianerainy"
    )

    assert response.status_code == 400
    assert "The password is too similar to the" in response.content.decode()


# Sign-in


def test_sign_in_ignores_the_case_of_the_address(client: Client, alice: User) -> None:
    response = sign_in(client, "ALICE@example.LA")

    assert response.status_code == 302
    assert response.url == "/accounts/profile/"
    assert signed_in_user_id(client) == str(alice.pk)


def test_a_wrong_password_and_an_unknown_address_get_the_same_message(client: Client, alice: User) -> None:
    wrong_password = sign_in(client, "alice@example.la", "not-the-password")
    unknown = sign_in(client, "nobody@example.la", "not-the-password")

    assert wrong_password.status_code == unknown.status_code == 400
    assert WRONG_CREDENTIALS in wrong_password.content.decode()
    assert WRONG_CREDENTIALS in unknown.content.decode()
    assert 'value="alice@example.la"' in wrong_password.content.decode()
    assert signed_in_user_id(client) is None


def test_an_unconfirmed_account_cannot_sign_in(client: Client) -> None:
    sign_up(client)

    response = sign_in(client, "bob@example.la")

    assert response.status_code == 400
    assert WRONG_CREDENTIALS in response.content.decode()


def test_five_wrong_passwords_lock_the_address(client: Client, alice: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "alice@example.la", "not-the-password").status_code == 400

    response = sign_in(client, "Alice@example.la", "not-the-password")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()

    response = sign_in(client, "alice@example.la")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert signed_in_user_id(client) is None

    assert sign_in(Client(), "alice@example.la").status_code == 429


def test_a_lock_on_one_address_does_not_touch_another(client: Client, alice: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nobody@example.la", "not-the-password")

    assert sign_in(client, "alice@example.la").status_code == 302


# Password reset


def test_password_reset_looks_the_same_for_known_and_unknown_addresses(client: Client, alice: User) -> None:
    known = client.post("/accounts/password-reset/", {"email": "alice@example.la"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.la"})

    assert (
        (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, "/accounts/password-reset/sent/")
    )
    assert len(emails_to("alice@example.la")) == 1
    assert emails_to("nobody@example.la") == []


def test_password_reset_end_to_end(client: Client, alice: User) -> None:
    client.post("/accounts/password-reset/", {"email": "alice@example.la"})
    [message] = emails_to("alice@example.la")
    assert message.subject == "Reset your e-Laos password"
    path = link_path(message, r"/accounts/password-reset/[^/\s]+/[^/\s]+/")

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "Mekong-at-sunset-2025"
    response = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response.url == "/accounts/password-reset/done/"

    assert sign_in(client, "alice@example.la", PASSWORD).status_code == 400
    assert sign_in(client, "alice@example.la", new_password).status_code == 302
    assert signed_in_user_id(client) == str(alice.pk)

    # The link is spent once the password changed.
    client.post("/accounts/sign-out/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(path, follow=True)
    assert not response.context["validlink"]
    assert "This link is wrong or has expired. Ask for a new one." in response.content.decode()


def test_signing_up_with_the_address_of_an_active_unconfirmed_account_does_not_take_it_over(
    client: Client,
) -> None:
    """Accounts made by an administrator (staff) are active but their address was never confirmed by a link."""
    staff = User.objects.create_user(email="officer@gov.la", password=PASSWORD, is_staff=True)
    stranger_password = "Stranger-chose-this-77"

    response = sign_up(client, email="officer@gov.la", password1=stranger_password, password2=stranger_password)

    assert response.status_code == 200
    assert "accounts/email_sent.html" in template_names(response)
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert (staff.given_name_lo, staff.family_name_lo) == ("", "")
    assert sign_in(client, "officer@gov.la", stranger_password).status_code == 400
    assert signed_in_user_id(client) is None
    [reminder] = emails_to("officer@gov.la")
    assert reminder.subject == "You already have an e-Laos account"
