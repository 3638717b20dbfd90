import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from elaos.civil_society.models import Npa, NpaMembership
from elaos.core.models import Province
from elaos.migration import services
from elaos.migration.models import Referral
from elaos.notifications.models import Message


@pytest.fixture
def returnee(bounmy, district_office):  # type: ignore[no-untyped-def]
    return services.returnee_register(
        actor=bounmy,
        office=district_office,
        consent=True,
        full_name="ນາງ ແສງ",
        sex="female",
        birth_year=1995,
        home_province=Province.objects.get(code="01"),
        registered_at="border",
        border_point="Friendship Bridge",
        returned_on=timezone.localdate(),
        returned_from="TH",
        travel_document="yellow_card",
        needs=["skills"],
    )


@pytest.fixture
def npa(db):  # type: ignore[no-untyped-def]
    return Npa.objects.create(
        registration_number="NPA-2020-0009",
        name_lo="ສະມາຄົມ ຊ່ວຍເຫຼືອແຮງງານ",
        type="social_welfare",
        level="national",
        registered_on=datetime.date(2020, 1, 1),
    )


def test_referral_to_an_npa_accepted_by_its_member_and_outcome_reported(
    returnee, bounmy, npa, citizen, other_citizen
) -> None:  # type: ignore[no-untyped-def]
    NpaMembership.objects.create(user=citizen, npa=npa, role="member")
    referral = services.referral_create(actor=bounmy, returnee=returnee, need="psychosocial", to_npa=npa)
    with pytest.raises(PermissionDenied):
        services.referral_respond(actor=other_citizen, referral=referral, accept=True)
    with pytest.raises(ValidationError):
        services.referral_respond(actor=citizen, referral=referral, accept=False, reason="")
    referral = services.referral_respond(actor=citizen, referral=referral, accept=True)
    referral = services.referral_report_outcome(actor=citizen, referral=referral, outcome="Six counselling sessions")
    assert referral.status == Referral.Status.COMPLETED


def test_overdue_referrals_escalate_once_to_the_supervisor(returnee, bounmy, npa, district_office) -> None:  # type: ignore[no-untyped-def]
    from conftest import staff_with_role

    supervisor = staff_with_role("migration_supervisor", district_office, email="boss@gov.la")
    referral = services.referral_create(actor=bounmy, returnee=returnee, need="jobs", to_npa=npa)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert len(services.referral_escalate_overdue()) == 1
    assert services.referral_escalate_overdue() == []
    assert Message.objects.filter(to=supervisor.email).count() == 1


def test_returnee_needs_consent_and_a_border_point(bounmy, district_office) -> None:  # type: ignore[no-untyped-def]
    fields = {
        "full_name": "x",
        "sex": "male",
        "birth_year": 1990,
        "home_province": Province.objects.get(code="01"),
        "registered_at": "border",
        "returned_on": timezone.localdate(),
        "returned_from": "TH",
        "travel_document": "none",
    }
    with pytest.raises(ValidationError):
        services.returnee_register(actor=bounmy, office=district_office, consent=False, **fields)
    with pytest.raises(ValidationError) as exc:
        services.returnee_register(actor=bounmy, office=district_office, consent=True, **fields)
    assert "border_point" in exc.value.message_dict


def lao(text: str) -> str:
    with translation.override("lo"):
        return translation.gettext(text)


def test_a_referral_to_an_npa_is_sent_to_its_administrators_in_lao(  # type: ignore[no-untyped-def]
    returnee, bounmy, npa, citizen, other_citizen
) -> None:
    from conftest import UserFactory

    NpaMembership.objects.create(user=citizen, npa=npa, role="npa_admin")
    NpaMembership.objects.create(user=other_citizen, npa=npa, role="member")
    former = UserFactory(email="former@example.la")
    NpaMembership.objects.create(
        user=former, npa=npa, role="npa_admin", until=timezone.localdate() - datetime.timedelta(days=1)
    )

    referral = services.referral_create(actor=bounmy, returnee=returnee, need="psychosocial", to_npa=npa)

    messages = list(Message.objects.filter(body__contains="e-Laos"))
    assert [(m.channel, m.to) for m in messages] == [("sms", citizen.phone)], "administrators only, today's"
    body = messages[0].body
    assert lao("Psychosocial support") in body
    assert timezone.localtime(referral.due_at).date().isoformat() in body
    assert returnee.full_name not in body, "the returnee's name stays on the referral page"
    # Creating it is what sends: a second referral is a second message, the same one is never sent twice.
    services.referral_create(actor=bounmy, returnee=returnee, need="legal", to_npa=npa)
    assert Message.objects.filter(to=citizen.phone).count() == 2


def test_a_referral_to_an_office_is_sent_to_its_migration_staff(  # type: ignore[no-untyped-def]
    returnee, bounmy, other_district_office
) -> None:
    from conftest import staff_with_role

    officer = staff_with_role("migration_officer", other_district_office, email="khamla@gov.la")
    english = staff_with_role("migration_supervisor", other_district_office, email="noy@gov.la")
    english.preferred_language = "en"
    english.save()
    reviewer = staff_with_role("reviewer", other_district_office, email="reviewer@gov.la")

    services.referral_create(actor=bounmy, returnee=returnee, need="jobs", to_office=other_district_office)

    sent = {m.to: m for m in Message.objects.filter(channel="email")}
    assert set(sent) == {officer.email, english.email}, "not the office's other staff"
    assert reviewer.email not in sent
    assert lao("Jobs") in sent[officer.email].body
    assert "Jobs" in sent[english.email].body, "in the language the person chose"


def test_an_office_without_migration_staff_hears_through_its_administrator(  # type: ignore[no-untyped-def]
    returnee, bounmy, other_district_office
) -> None:
    from conftest import staff_with_role

    admin = staff_with_role("office_admin", other_district_office, email="admin@gov.la")

    services.referral_create(actor=bounmy, returnee=returnee, need="skills", to_office=other_district_office)

    assert list(Message.objects.values_list("to", flat=True)) == [admin.email]


def test_a_refused_referral_tells_nobody(returnee, bounmy, npa, citizen) -> None:  # type: ignore[no-untyped-def]
    NpaMembership.objects.create(user=citizen, npa=npa, role="npa_admin")
    with pytest.raises(ValidationError):
        services.referral_create(actor=bounmy, returnee=returnee, need="nothing", to_npa=npa)
    assert not Message.objects.exists()
