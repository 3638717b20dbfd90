"""No secrets or personal data in the logs: a phone sign-in with its SMS code, an e-mail sign-in with a wrong then
the right password, an application with an upload submitted from its page, a payment callback from the bank and a
server error are run with every logger at DEBUG, and each record, formatted by the production JSON formatter, is
searched for the phone number, the e-mail address, the code, the password, the session key, the CSRF token and the
bank's signature."""

import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from conftest import UserFactory, certificate_service_definition
from elaos.core.middleware import RequestIdFilter
from elaos.core.tests.security.scenarios import TINY_PDF
from elaos.payments.tests.conftest import callback_body, signed

PHONE = "+8562077774321"
EMAIL = "khamla.secret@example.la"
PASSWORD = "Tamarind-Monsoon-4471"


def formatted(records: list[logging.LogRecord]) -> str:
    formatter_config = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(formatter_config["fmt"], rename_fields=formatter_config["rename_fields"])
    request_id = RequestIdFilter()
    lines = []
    for record in records:
        request_id.filter(record)
        lines.append(formatter.format(record))
    return "\n".join(lines)


def test_no_personal_data_or_secrets_in_the_logs(
    db: None, caplog: pytest.LogCaptureFixture, sms_code: Any, ministry: Any, district_office: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: dict[str, str] = {"phone": PHONE, "phone (national)": "2077774321", "e-mail": EMAIL, "password": PASSWORD}

    # Phone sign-in (sign-up) with the SMS code.
    citizen = Client()
    citizen.post("/accounts/sign-up/", {"given_name_lo": "ຄຳລາ", "family_name_lo": "ສີສຸກ", "phone": "020 7777 4321"})
    code = sms_code(PHONE)
    secrets["sms code"] = code
    citizen.post("/accounts/code/", {"code": f"{(int(code) + 1) % 10**6:06d}"})
    assert citizen.post("/accounts/code/", {"code": code}).status_code == 302
    secrets["session key"] = citizen.cookies[settings.SESSION_COOKIE_NAME].value

    # E-mail and password, a wrong one first.
    UserFactory(phone=None, email=EMAIL, password=PASSWORD)
    other = Client()
    other.post("/accounts/sign-in/email/", {"email": EMAIL, "password": "wrong-password-123"})
    assert other.post("/accounts/sign-in/email/", {"email": EMAIL, "password": PASSWORD}).status_code == 302
    secrets["second session key"] = other.cookies[settings.SESSION_COOKIE_NAME].value

    # An application with a document, submitted from its page.
    from elaos.services.services import application_create, service_import

    definition = certificate_service_definition(agency=ministry.code, offices=[district_office.code])
    service = service_import(actor=None, definition=definition).service
    from elaos.accounts.models import User

    application = application_create(applicant=User.objects.get(phone=PHONE), service=service)
    page = citizen.get(f"/services/applications/{application.public_id}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    if token:
        secrets["csrf token"] = token.group(1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = citizen.post(
        f"/services/applications/{application.public_id}/",
        {
            "purpose": "ສະໝັກວຽກ",
            "action": "submit",
            "id_card": SimpleUploadedFile("khamla-id.pdf", TINY_PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content[:500]

    # The bank's callback for a payment of hers.
    from elaos.payments.services import payment_create

    payment = payment_create(
        actor=None,
        payer=User.objects.get(phone=PHONE),
        agency=ministry,
        amount_kip=10_000,
        purpose_lo="ຄ່າທຳນຽມ",
        purpose_en="Fee",
        subject_type="tests.logs",
        subject_id="1",
    )
    callback = signed(callback_body(payment))
    secrets["bank signature"] = callback["signature"]
    from elaos.payments import bank

    Client().post(
        "/payments/callback/",
        callback["body"],
        content_type="application/json",
        **{
            f"HTTP_{bank.SIGNATURE_HEADER.upper().replace('-', '_')}": callback["signature"],
            f"HTTP_{bank.TIMESTAMP_HEADER.upper().replace('-', '_')}": callback["timestamp"],
        },
    )

    # Links that carry a one-time token in their path (e-mail confirmation, password reset): the access log
    # names the path, never the token.
    secrets["link token"] = "c0nf1rm-t0ken-8842"
    secrets["reset token"] = "d4x1c9-5e7a1b2c3d4e5f60718293a4b5c6d7e8"
    Client().get(f"/accounts/email/confirm/{secrets['link token']}/")
    Client().get(f"/accounts/password-reset/MTIz/{secrets['reset token']}/")

    # factory_boy, a test tool, logs the values it is given; it never runs in production.
    text = formatted([r for r in caplog.records if not r.name.startswith("factory")])
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert '"logger": "access"' in text, "no access log lines to search"
    assert '"path": "/accounts/code/"' in text
    leaks = [name for name, value in secrets.items() if value and value in text]
    assert not leaks, f"found in the logs: {leaks}\n{text[:3000]}"
