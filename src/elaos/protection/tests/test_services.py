import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from conftest import staff_with_role
from elaos.core.models import AuditEvent
from elaos.notifications.models import Message
from elaos.protection import access, selectors, services
from elaos.protection.models import BreakGlassAccess, ConsentGrant, ProtectionCase, Referral
from elaos.protection.tests.conftest import FACTS, IDENTITY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests read the services' messages in English (the default language is Lao)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_case_cannot_be_opened_without_consent(carol, district_office) -> None:
    with pytest.raises(ValidationError) as caught:
        services.case_open(
            actor=carol, organisation=district_office, facts=dict(FACTS), identity=dict(IDENTITY), consent_given=False
        )
    assert "consent" in str(caught.value.message_dict["consent_given"])
    assert not ProtectionCase.objects.exists()


def test_opening_records_consent_for_the_office_and_assigns_the_case_worker(case, carol, district_office) -> None:
    assert case.case_worker == carol
    assert case.reference.startswith("PC-")
    consent = case.consents.get()
    assert consent.purpose == ConsentGrant.Purpose.CASE_MANAGEMENT
    assert consent.recipient_organisation == district_office
    assert case.identity.id_number == "P1234567"
    assert AuditEvent.objects.filter(action="protection.case.open", object_id=str(case.public_id)).exists()


def test_opening_is_refused_outside_ones_offices(frank, district_office) -> None:
    with pytest.raises(PermissionDenied):
        services.case_open(
            actor=frank, organisation=district_office, facts=dict(FACTS), identity=dict(IDENTITY), consent_given=True
        )


def test_bad_facts_are_refused_with_field_errors(carol, district_office) -> None:
    facts = {**FACTS, "types_of_exploitation": [], "methods_of_control": ["nonsense"]}
    facts["identified_on"] = timezone.localdate() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        services.case_open(
            actor=carol, organisation=district_office, facts=facts, identity=dict(IDENTITY), consent_given=True
        )
    assert {"types_of_exploitation", "methods_of_control", "identified_on"} <= set(caught.value.message_dict)


def test_referral_needs_consent_for_that_recipient(case, carol, npa) -> None:
    with pytest.raises(ValidationError) as caught:
        services.referral_create(actor=carol, case=case, service="shelter", details="x", to_npa=npa.registration_number)
    assert "consent" in str(caught.value)
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    referral = services.referral_create(
        actor=carol, case=case, service="shelter", details="Needs a safe place", to_npa=npa.registration_number
    )
    assert referral.status == Referral.Status.PENDING


def test_withdrawn_consent_refuses_referral_and_cancels_pending_ones(case, carol, npa, npa_member) -> None:
    consent = services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    referral = services.referral_create(
        actor=carol, case=case, service="shelter", details="x", to_npa=npa.registration_number
    )
    assert access.received_referrals(npa_member).filter(pk=referral.pk).exists()
    services.consent_withdraw(actor=carol, consent=consent, note="She changed her mind")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CANCELLED
    assert not access.received_referrals(npa_member).exists()
    with pytest.raises(ValidationError):
        services.referral_create(actor=carol, case=case, service="legal", details="x", to_npa=npa.registration_number)


def test_consent_for_one_recipient_does_not_cover_another(case, carol, npa, other_district_office) -> None:
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    with pytest.raises(ValidationError):
        services.referral_create(
            actor=carol, case=case, service="legal", details="x", to_organisation=other_district_office
        )


def test_transfer_only_with_consent_and_the_old_worker_loses_access(case, carol, frank, other_district_office) -> None:
    supervisor = staff_with_role("case_supervisor", other_district_office, email="sup2@gov.la")
    with pytest.raises(ValidationError):
        services.case_transfer(actor=carol, case=case, to_organisation=other_district_office, reason="She moved")
    consent = services.consent_record(
        actor=carol, case=case, purpose="transfer", method="written", recipient_organisation=other_district_office
    )
    services.consent_withdraw(actor=carol, consent=consent)
    with pytest.raises(ValidationError):
        services.case_transfer(actor=carol, case=case, to_organisation=other_district_office, reason="She moved")
    services.consent_record(
        actor=carol, case=case, purpose="transfer", method="written", recipient_organisation=other_district_office
    )
    services.case_transfer(actor=carol, case=case, to_organisation=other_district_office, reason="She moved")
    assert not access.visible_cases(carol).exists()
    assert access.visible_cases(supervisor).filter(pk=case.pk).exists()
    assert not access.visible_cases(frank).exists()  # not assigned to him yet
    services.case_assign(actor=supervisor, case=case, case_worker=frank)
    assert access.visible_cases(frank).filter(pk=case.pk).exists()
    assert Message.objects.filter(to="sup2@gov.la").exists()


def test_break_glass_is_audited_time_limited_and_alerts_the_supervisor(case, erin, dave, settings) -> None:
    assert not access.visible_cases(erin).exists()
    with pytest.raises(ValidationError) as caught:
        services.break_glass_open(actor=erin, reference=case.reference, reason="urgent")
    assert "reason" in caught.value.message_dict
    opened = services.break_glass_open(
        actor=erin, reference=case.reference.lower(), reason="She called the hotline, her worker is on leave"
    )
    assert opened == case
    assert access.visible_cases(erin).filter(pk=case.pk).exists()
    event = AuditEvent.objects.get(action="protection.case.break_glass")
    assert event.actor == erin
    assert event.object_id == str(case.public_id)
    assert event.subject == case.identity.account
    alert = Message.objects.get(to="dave@gov.la")
    assert case.reference in alert.body
    assert list(selectors.break_glass_alerts(dave)) == [BreakGlassAccess.objects.get()]
    BreakGlassAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert not access.visible_cases(erin).exists()


def test_break_glass_is_only_for_case_staff_of_the_office(case, frank, officer) -> None:
    with pytest.raises(ValidationError) as caught:
        services.break_glass_open(actor=frank, reference=case.reference, reason="I want to read it please")
    assert "reference" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=officer, reference=case.reference, reason="I want to read it please")
    assert not BreakGlassAccess.objects.exists()


def test_npa_accepts_and_reports_the_outcome(case, carol, npa, npa_member, citizen) -> None:
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    referral = services.referral_create(
        actor=carol, case=case, service="shelter", details="x", to_npa=npa.registration_number
    )
    with pytest.raises(PermissionDenied):
        services.referral_respond(actor=citizen, referral=referral, accept=True)
    with pytest.raises(ValidationError):
        services.referral_report_outcome(actor=npa_member, referral=referral, outcome="done")
    with pytest.raises(ValidationError):
        services.referral_respond(actor=npa_member, referral=referral, accept=False)
    services.referral_respond(actor=npa_member, referral=referral, accept=True)
    services.referral_respond(actor=npa_member, referral=referral, accept=True)  # idempotent
    services.referral_report_outcome(actor=npa_member, referral=referral, outcome="Stayed 3 weeks, now home")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED
    assert Message.objects.filter(to="carol@gov.la").count() == 2


def test_risk_plan_notes_and_closure(case, carol, frank) -> None:
    scores = dict.fromkeys(("contact_with_traffickers", "threats_to_family", "debt", "health"), 0)
    with pytest.raises(ValidationError):
        services.risk_assess(actor=carol, case=case, scores=scores)
    scores |= {"accommodation": 3, "minor": 0, "legal": 1}
    assessment = services.risk_assess(actor=carol, case=case, scores=scores)
    assert (assessment.total, assessment.level) == (4, "high")
    item = services.plan_item_add(actor=carol, case=case, goal="Safe home", action="Call family")
    services.plan_item_set_status(actor=carol, item=item, status="done")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=frank, case=case, text="hello")
    services.note_add(actor=carol, case=case, text="First meeting")
    with pytest.raises(ValidationError):
        services.case_close(actor=carol, case=case, reason="other")
    services.case_close(actor=carol, case=case, reason="goals_met")
    with pytest.raises(ValidationError):
        services.plan_item_add(actor=carol, case=case, goal="x", action="y")
    assert case.status_changes.count() == 2


def test_a_referral_to_an_npa_is_sent_to_its_administrators_without_the_persons_identity(  # type: ignore[no-untyped-def]
    case, carol, npa, npa_member
) -> None:
    from conftest import UserFactory
    from elaos.civil_society.models import NpaMembership

    by_sms = UserFactory(given_name_latin="Ping")
    by_email = UserFactory(given_name_latin="Bounmy", email="bounmy@npa.la")
    for admin in (by_sms, by_email):
        NpaMembership.objects.create(user=admin, npa=npa, role=NpaMembership.Role.NPA_ADMIN)
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    Message.objects.all().delete()

    referral = services.referral_create(
        actor=carol, case=case, service="shelter", details="Needs a safe place", to_npa=npa.registration_number
    )

    sent = {(m.channel, m.to) for m in Message.objects.all()}
    assert sent == {("sms", by_sms.phone), ("email", by_email.email)}, "administrators, not members"
    with translation.override("lo"):
        service = referral.get_service_display()
    for message in Message.objects.all():
        assert service in message.body, "what is asked, in Lao"
        for identity in (IDENTITY["given_name"], IDENTITY["family_name"], case.reference):
            assert identity not in message.body
            assert identity not in message.subject


def test_a_referral_to_an_office_tells_no_association(case, carol, npa, frank, other_district_office) -> None:  # type: ignore[no-untyped-def]
    from conftest import UserFactory
    from elaos.civil_society.models import NpaMembership

    admin = UserFactory()
    NpaMembership.objects.create(user=admin, npa=npa, role=NpaMembership.Role.NPA_ADMIN)
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_organisation=other_district_office
    )
    Message.objects.all().delete()
    services.referral_create(
        actor=carol, case=case, service="legal", details="x", to_organisation=other_district_office
    )
    assert not Message.objects.filter(to=admin.phone).exists()
