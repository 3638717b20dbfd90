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


# Workflows: a licence application as the engine sees it, and the staff who move it.


def licence_workflow() -> dict:
    """A fresh, valid licence-application definition: the applicant submits, a reviewer takes it up or returns it,
    an approver approves or rejects it, and the payment callback (the system) issues the licence."""

    def state(name_en: str, **extra: object) -> dict:
        return {"name_lo": f"ສະຖານະ {name_en}", "name_en": name_en, **extra}

    def move(code: str, sources: list[str], to: str, by: str, **extra: object) -> dict:
        return {"code": code, "from": sources, "to": to, "by": by, "name_lo": f"ດຳເນີນ {code}", "name_en": code, **extra}

    return {
        "initial": "draft",
        "states": {
            "draft": state("Draft"),
            "submitted": state("Submitted", sla_days=5),
            "in_review": state("In review", sla_days=10),
            "returned": state("Returned to the applicant"),
            "awaiting_payment": state("Awaiting payment", sla_days=3),
            "issued": state("Issued", terminal=True),
            "rejected": state("Rejected", terminal=True),
            "withdrawn": state("Withdrawn", terminal=True),
        },
        "transitions": [
            move("submit", ["draft", "returned"], "submitted", "applicant"),
            move("withdraw", ["draft", "submitted", "returned"], "withdrawn", "applicant"),
            move("start_review", ["submitted"], "in_review", "staff", roles=["reviewer"]),
            move(
                "return_to_applicant",
                ["in_review"],
                "returned",
                "staff",
                roles=["reviewer"],
                required_fields=["missing_documents"],
            ),
            move("approve", ["in_review"], "awaiting_payment", "staff", roles=["approver"]),
            move("reject", ["in_review"], "rejected", "staff", roles=["approver"], requires_reason=True),
            move("confirm_payment", ["awaiting_payment"], "issued", "system"),
        ],
    }


def staff_with_role(role_code: str, organisation: Organisation, **kwargs: object) -> User:
    user = StaffFactory(**kwargs)
    RoleAssignment.objects.create(user=user, organisation=organisation, role=Role.objects.get(code=role_code))
    return user


@pytest.fixture
def other_district_office(db: None, ministry: Organisation, vientiane: Province) -> Organisation:
    return OrganisationFactory(
        code="molsw-vte-sikhottabong",
        kind=Organisation.Kind.DISTRICT_OFFICE,
        parent=ministry,
        province=vientiane,
        district=District.objects.get(code="0102"),
    )


@pytest.fixture
def approver(db: None, district_office: Organisation) -> User:
    return staff_with_role("approver", district_office, email="approver@gov.la", given_name_latin="Khamla")


@pytest.fixture
def office_admin(db: None, district_office: Organisation) -> User:
    return staff_with_role("office_admin", district_office, email="head@gov.la", given_name_latin="Phonsavanh")


@pytest.fixture
def licence_definition(db: None):  # type: ignore[no-untyped-def]
    from elaos.workflows.services import workflow_definition_publish

    return workflow_definition_publish(
        code="licence", name_lo="ໃບອະນຸຍາດ", name_en="Licence", definition=licence_workflow()
    )


@pytest.fixture
def application(licence_definition, citizen: User, district_office: Organisation):  # type: ignore[no-untyped-def]
    """The citizen's licence application, still a draft, handled by the district office."""
    from elaos.workflows.services import workflow_start

    return workflow_start(
        definition=licence_definition,
        subject_type="licence_application",
        subject_id="APP-0001",
        applicant=citizen,
        office=district_office,
        actor=citizen,
    )


@pytest.fixture(autouse=True, scope="session")
def _documents_sandbox(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Document signing keys and issued PDFs go to temporary directories, never the developer's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ELAOS_KEYS_DIR", str(tmp_path_factory.mktemp("elaos-keys")))
        patch.setenv("ELAOS_PRIVATE_MEDIA", str(tmp_path_factory.mktemp("elaos-private-media")))
        yield


# Public services: a free certificate handled by the district office, and the citizen's application to it.


def certificate_service_definition(*, agency: str, offices: list[str], code: str = "residence-certificate") -> dict:
    """A free service on the "certificate-free" workflow (no payment), asking for a purpose and an optional ID."""
    return {
        "code": code,
        "agency": agency,
        "offices": offices,
        "name_lo": "ໃບຢັ້ງຢືນທີ່ຢູ່",
        "name_en": "Certificate of residence",
        "summary_lo": "ໃບຢັ້ງຢືນວ່າທ່ານອາໄສຢູ່ບ້ານໃດ",
        "summary_en": "Proves where you live",
        "description_lo": "ສຳລັບສະໝັກວຽກ ແລະ ເປີດບັນຊີທະນາຄານ",
        "description_en": "For job applications and bank accounts",
        "legal_basis_lo": "ກົດໝາຍວ່າດ້ວຍທະບຽນຄອບຄົວ",
        "legal_basis_en": "Law on Family Registration",
        "sla_days": 5,
        "channels": ["online", "office"],
        "fees": [],
        "documents": [
            {"code": "id_card", "name_lo": "ບັດປະຈຳຕົວ", "name_en": "ID card", "required": False, "types": ["pdf"]}
        ],
        "form": {
            "schema": {
                "type": "object",
                "required": ["purpose"],
                "properties": {"purpose": {"type": "string", "minLength": 1}, "urgent": {"type": "boolean"}},
            },
            "ui": {
                "purpose": {"label_lo": "ຈຸດປະສົງ", "label_en": "Purpose", "widget": "textarea", "order": 1},
                "urgent": {"label_lo": "ດ່ວນ", "label_en": "Urgent", "order": 2},
            },
        },
        "workflow": "certificate-free",
        "output": {
            "type": "residence-certificate",
            "title_lo": "ໃບຢັ້ງຢືນທີ່ຢູ່",
            "title_en": "Certificate of residence",
            "template": "documents/certificate_base.html",
            "fields": ["purpose"],
        },
    }


@pytest.fixture
def certificate_service(db: None, ministry: Organisation, district_office: Organisation):  # type: ignore[no-untyped-def]
    """Published by the ministry, handled by the district office."""
    from elaos.services.services import service_import

    definition = certificate_service_definition(agency=ministry.code, offices=[district_office.code])
    return service_import(actor=None, definition=definition).service


@pytest.fixture
def submitted_certificate_application(certificate_service, citizen: User):  # type: ignore[no-untyped-def]
    """The citizen's application for the certificate, complete and sent to the district office."""
    from elaos.services import services

    application = services.application_create(applicant=citizen, service=certificate_service)
    services.application_save_draft(actor=citizen, application=application, data={"purpose": "ສະໝັກວຽກ"})
    return services.application_submit(actor=citizen, application=application)
