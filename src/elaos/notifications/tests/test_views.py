"""The staff outbox at /backoffice/outbox/: staff with a verified second factor only."""

from django.test import Client, override_settings

from conftest import StaffFactory
from elaos.accounts.models import User
from elaos.notifications.services import email_send, sms_send

OUTBOX = "/backoffice/outbox/"
LAO_CODE_SMS = "ລະຫັດເຂົ້າລະບົບ e-Laos ຂອງທ່ານແມ່ນ 482913. ລະຫັດນີ້ໃຊ້ໄດ້ 10 ນາທີ. ຢ່າບອກລະຫັດນີ້ໃຫ້ຜູ້ໃດ."


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(OUTBOX)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/backoffice/outbox/"


def test_citizen_gets_not_found(client: Client, citizen: User) -> None:
    sms_send(to=citizen.phone, body=LAO_CODE_SMS)
    client.force_login(citizen)

    response = client.get(OUTBOX)

    assert response.status_code == 404
    assert "482913" not in response.content.decode()


def test_staff_without_second_factor_is_sent_to_verify(client: Client, db: None) -> None:
    client.force_login(StaffFactory())

    response = client.get(OUTBOX)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/?next=%2Fbackoffice%2Foutbox%2F"


def test_verified_officer_reads_sms_and_parts(verified_officer_client: Client) -> None:
    message = sms_send(to="+8562055512345", body=LAO_CODE_SMS)

    response = verified_officer_client.get(OUTBOX)

    assert response.status_code == 200
    html = response.content.decode()
    assert LAO_CODE_SMS in html
    assert "+8562055512345" in html
    assert message.parts == 2
    assert "2 (ucs2)" in html


def test_filter_by_channel(verified_officer_client: Client) -> None:
    sms_send(to="+8562055512345", body="SMS only text")
    email_send(to="somchai@example.la", subject="Confirm your e-mail", body="E-mail only text")

    sms_page = verified_officer_client.get(OUTBOX, {"channel": "sms"}).content.decode()
    email_page = verified_officer_client.get(OUTBOX, {"channel": "email"}).content.decode()
    all_page = verified_officer_client.get(OUTBOX, {"channel": "fax"}).content.decode()

    assert "SMS only text" in sms_page
    assert "E-mail only text" not in sms_page
    assert "E-mail only text" in email_page
    assert "Confirm your e-mail" in email_page
    assert "SMS only text" not in email_page
    assert "SMS only text" in all_page
    assert "E-mail only text" in all_page


def test_messages_sent_to_the_real_gateway_are_not_listed(verified_officer_client: Client) -> None:
    with override_settings(NOTIFY_SMS_BACKEND="kannel"):
        sms_send(to="+8562055512345", body="Sent through the operator")

    assert "Sent through the operator" not in verified_officer_client.get(OUTBOX).content.decode()


def test_body_is_escaped(verified_officer_client: Client) -> None:
    sms_send(to="+8562055512345", body="<script>alert(1)</script>")

    html = verified_officer_client.get(OUTBOX).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@override_settings(NOTIFY_SMS_BACKEND="kannel", NOTIFY_EMAIL_BACKEND="smtp")
def test_the_outbox_does_not_exist_once_real_gateways_are_configured(verified_officer_client) -> None:  # type: ignore[no-untyped-def]
    assert verified_officer_client.get("/backoffice/outbox/").status_code == 404
