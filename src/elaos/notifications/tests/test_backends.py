"""Delivery backends: the Kannel sendsms adapter against a real local HTTP server, SMTP through Django's mail
layer, and the outbox simulator."""

import socket

import pytest
from django.core import mail
from django.test import override_settings

from conftest import SmsGateway
from elaos.notifications.backends import (
    DeliveryError,
    KannelSmsBackend,
    OutboxBackend,
    PermanentDeliveryError,
    SmtpEmailBackend,
    get_backend,
)
from elaos.notifications.models import Message
from elaos.notifications.services import email_send, sms_send

PHONE = "+8562055512345"
LAO_BODY = "ລະຫັດຢືນຢັນຂອງທ່ານແມ່ນ 482913"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_kannel_sends_lao_as_ucs2_utf8(db: None, sms_gateway: SmsGateway) -> None:
    message = sms_send(to=PHONE, body=LAO_BODY)

    with override_settings(SMS_SENDER="e-Laos", SMS_GATEWAY_USERNAME="elaos", SMS_GATEWAY_PASSWORD="s3cret"):
        delivered = KannelSmsBackend().deliver(message)

    assert delivered.reference == "0: Accepted for delivery"
    [params] = sms_gateway.params
    assert params["to"] == PHONE
    assert params["text"] == LAO_BODY
    assert params["coding"] == "2"
    assert params["charset"] == "UTF-8"
    assert (params["from"], params["username"], params["password"]) == ("e-Laos", "elaos", "s3cret")
    assert "coding=2" in sms_gateway.queries[0]
    assert "charset=UTF-8" in sms_gateway.queries[0]


def test_kannel_sends_latin_as_gsm7(db: None, sms_gateway: SmsGateway) -> None:
    KannelSmsBackend().deliver(sms_send(to=PHONE, body="Your e-Laos code is 482913"))

    [params] = sms_gateway.params
    assert params["coding"] == "0"
    assert params["text"] == "Your e-Laos code is 482913"


def test_kannel_queued_for_later_counts_as_accepted(db: None, sms_gateway: SmsGateway) -> None:
    sms_gateway.answer((202, "3: Queued for later delivery"))

    assert KannelSmsBackend().deliver(sms_send(to=PHONE, body=LAO_BODY)).reference.startswith("3:")


@pytest.mark.parametrize(("status", "text"), [(503, "Service unavailable"), (500, "boom"), (202, "Result: unknown")])
def test_kannel_server_trouble_may_be_retried(db: None, sms_gateway: SmsGateway, status: int, text: str) -> None:
    sms_gateway.answer((status, text))

    with pytest.raises(DeliveryError, match=str(status)):
        KannelSmsBackend().deliver(sms_send(to=PHONE, body=LAO_BODY))


@pytest.mark.parametrize(("status", "text"), [(400, "Missing receiver number"), (403, "Authorization failed")])
def test_kannel_refusal_is_permanent(db: None, sms_gateway: SmsGateway, status: int, text: str) -> None:
    sms_gateway.answer((status, text))

    with pytest.raises(PermanentDeliveryError, match=text):
        KannelSmsBackend().deliver(sms_send(to=PHONE, body=LAO_BODY))


def test_kannel_unreachable_may_be_retried(db: None) -> None:
    url = f"http://127.0.0.1:{closed_port()}/cgi-bin/sendsms"
    with override_settings(NOTIFY_SMS_BACKEND="kannel", SMS_GATEWAY_URL=url):
        message = sms_send(to=PHONE, body=LAO_BODY)

        with pytest.raises(DeliveryError, match="unreachable"):
            KannelSmsBackend().deliver(message)


def test_smtp_sends_the_email(db: None) -> None:
    message = email_send(to="somchai@example.la", subject="ຢືນຢັນອີເມວ", body="ສະບາຍດີ")

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        delivered = SmtpEmailBackend().deliver(message)

    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["somchai@example.la"], "ຢືນຢັນອີເມວ", "ສະບາຍດີ")
    assert sent.extra_headers["Message-ID"] == delivered.reference == f"<{message.public_id}@e-laos>"


def test_smtp_server_down_may_be_retried(db: None) -> None:
    message = email_send(to="somchai@example.la", subject="s", body="b")

    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1"),
        override_settings(EMAIL_PORT=closed_port(), EMAIL_TIMEOUT=5),
        pytest.raises(DeliveryError, match="SMTP error"),
    ):
        SmtpEmailBackend().deliver(message)


def test_outbox_keeps_the_message(db: None) -> None:
    message = sms_send(to=PHONE, body=LAO_BODY)

    assert OutboxBackend().deliver(message).reference == f"outbox-{message.public_id}"
    assert Message.objects.get(pk=message.pk).body == LAO_BODY


def test_backends_by_name() -> None:
    assert isinstance(get_backend("kannel"), KannelSmsBackend)
    assert isinstance(get_backend("smtp"), SmtpEmailBackend)
    assert isinstance(get_backend("outbox"), OutboxBackend)


def test_gateway_urls_with_password_and_text_stay_out_of_the_logs(
    db: None, sms_gateway: SmsGateway, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG"), override_settings(SMS_GATEWAY_PASSWORD="s3cret"):
        KannelSmsBackend().deliver(sms_send(to=PHONE, body=LAO_BODY))

    assert len(sms_gateway.queries) == 1
    assert "s3cret" not in caplog.text
    assert "482913" not in caplog.text
