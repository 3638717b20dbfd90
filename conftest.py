"""Shared test personas and factories. Names follow the roles people picture: a citizen, an officer…"""

import factory
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.models import District, Province

STAFF_PASSWORD = "correct horse battery staple"


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

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or STAFF_PASSWORD)
        if create:
            self.save()


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
def district_office(db: None, ministry: Organisation, vientiane: Province, chanthabouly: District) -> Organisation:
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
    RoleAssignment.objects.create(user=user, organisation=district_office, role=Role.objects.get(code="reviewer"))
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


@pytest.fixture
def sms_code():  # type: ignore[no-untyped-def]
    """Reads the newest sign-in code sent to a number, from the local SMS outbox."""
    import re

    from elaos.notifications.models import Message

    def read(phone: str) -> str:
        message = Message.objects.filter(channel=Message.Channel.SMS, to=phone).first()
        assert message is not None, f"no SMS to {phone} in the outbox"
        found = re.search(r"(?<!\d)\d{6}(?!\d)", message.body)
        assert found, message.body
        return found.group()

    return read


class SmsGateway:
    """A real HTTP server on 127.0.0.1 answering like Kannel's `sendsms`; it records each request's query string.
    Replies are served in order, the last one repeating."""

    def __init__(self) -> None:
        import http.server
        from urllib.parse import urlsplit

        self.queries: list[str] = []
        self.replies: list[tuple[int, str]] = [(202, "0: Accepted for delivery")]
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                gateway.queries.append(urlsplit(self.path).query)
                status, text = gateway.replies.pop(0) if len(gateway.replies) > 1 else gateway.replies[0]
                body = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/sendsms"

    def answer(self, *replies: tuple[int, str]) -> None:
        self.replies = list(replies)

    @property
    def params(self) -> list[dict[str, str]]:
        from urllib.parse import parse_qsl

        return [dict(parse_qsl(q, keep_blank_values=True)) for q in self.queries]


@pytest.fixture
def sms_gateway():  # type: ignore[no-untyped-def]
    """SMS goes through the Kannel adapter to a local gateway that accepts everything unless told otherwise."""
    import threading

    from django.test import override_settings

    gateway = SmsGateway()
    thread = threading.Thread(target=gateway.server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        with override_settings(NOTIFY_SMS_BACKEND="kannel", SMS_GATEWAY_URL=gateway.url):
            yield gateway
    finally:
        gateway.server.shutdown()
        gateway.server.server_close()
        thread.join()


def run_task_worker() -> None:
    """Run the real database task worker until no task is ready (`manage.py db_worker --batch`), then put back
    the signal handlers and log levels it changes for the process."""
    import logging
    import signal

    from django.core.management import call_command

    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {s: signal.getsignal(s) for s in signals}
    loggers = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db", "django.tasks")}
    try:
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, queue_name="*", verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for name, level in loggers.items():
            logging.getLogger(name).setLevel(level)
