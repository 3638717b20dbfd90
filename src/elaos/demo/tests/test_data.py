"""Demo data: loading twice changes nothing, the audit chain stays valid, and demo codes are for demo accounts only."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import StaffFactory, confirmed_totp
from elaos.accounts.models import User
from elaos.agencies.access import has_role
from elaos.agencies.models import Organisation, RoleAssignment, Sector
from elaos.core.models import AuditEvent
from elaos.demo.data import CITIZENS, DEMO_DOMAIN, DEMO_PASSWORD, MINISTRIES, OFFICES, SECTORS, STAFF, load_demo
from elaos.services.models import Service

MODELS = [Organisation, Sector, User, RoleAssignment, TOTPDevice, AuditEvent, Service]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    return load_demo()


def test_first_load_creates_everything(demo: dict[str, int]) -> None:
    assert demo == {
        "organisations": len(MINISTRIES) + len(OFFICES),
        "sectors": len(SECTORS),
        "staff": len(STAFF),
        "citizens": len(CITIZENS),
    }
    people = AuditEvent.objects.filter(action__in=["demo.staff_create", "demo.citizen_create"])
    assert people.count() == len(STAFF) + len(CITIZENS)
    # Each demo service is published once: its workflow and the service itself.
    assert AuditEvent.objects.filter(action="service.publish").count() == Service.objects.count()
    assert AuditEvent.objects.filter(action="workflow.publish").count() == Service.objects.count()


def test_loading_twice_changes_nothing(demo: dict[str, int]) -> None:
    before = counts()

    assert load_demo() == {"organisations": 0, "sectors": 0, "staff": 0, "citizens": 0}
    assert counts() == before
    assert f"audit chain valid: {AuditEvent.objects.count()} rows" in run("audit_verify")


def test_load_demo_command_twice(db: None) -> None:
    assert f"{len(MINISTRIES) + len(OFFICES)} organisations added" in run("load_demo")
    before = counts()

    assert "0 organisations added, 0 sectors added, 0 staff added, 0 citizens added" in run("load_demo")
    assert counts() == before
    run("audit_verify")


def test_demo_tree_is_valid(demo: dict[str, int]) -> None:
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_demo_staff_sign_in_with_the_demo_password(demo: dict[str, int]) -> None:
    reviewer = User.objects.get(email=f"reviewer@{DEMO_DOMAIN}")

    assert reviewer.is_staff
    assert reviewer.check_password(DEMO_PASSWORD)
    assert has_role(reviewer, "reviewer", Organisation.objects.get(code="molsw-vte-chanthabouly"))
    assert not has_role(reviewer, "reviewer", Organisation.objects.get(code="molsw-vte-sisattanak"))


def test_demo_citizens_without_email_have_no_password(demo: dict[str, int]) -> None:
    noy = User.objects.get(phone="+8562055550102")

    assert not noy.has_usable_password()
    assert not noy.is_staff


def test_demo_totp_prints_the_current_code(demo: dict[str, int]) -> None:
    device = TOTPDevice.objects.get(user__email=f"auditor@{DEMO_DOMAIN}")

    code = run("demo_totp", f"AUDITOR@{DEMO_DOMAIN}").strip()

    around_now = {totp(device.bin_key, step=device.step, t0=device.t0, digits=6, drift=d) for d in (-1, 0, 1)}
    assert len(code) == 6
    assert int(code) in around_now


def test_demo_totp_refuses_real_accounts(db: None) -> None:
    real = StaffFactory(email="minister@gov.la")
    confirmed_totp(real)

    with pytest.raises(CommandError, match="only demo accounts"):
        run("demo_totp", "minister@gov.la")


@pytest.mark.parametrize("email", [f"someone@evil-{DEMO_DOMAIN}", f"{DEMO_DOMAIN}@gov.la", f"x@{DEMO_DOMAIN}.gov.la"])
def test_demo_totp_refuses_look_alike_domains(db: None, email: str) -> None:
    with pytest.raises(CommandError, match="only demo accounts"):
        run("demo_totp", email)


def test_demo_totp_before_load_demo(db: None) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        run("demo_totp", f"reviewer@{DEMO_DOMAIN}")
