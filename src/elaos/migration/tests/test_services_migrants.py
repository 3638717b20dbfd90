import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from elaos.core.models import AuditEvent
from elaos.migration import services
from elaos.migration.models import Migrant
from elaos.migration.tests.conftest import in_days, migrant_fields, ready_fields


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests read the services' messages in English (the default language is Lao)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_the_migrant_registers_with_consent(migrant, citizen) -> None:  # type: ignore[no-untyped-def]
    assert migrant.person == citizen
    assert migrant.channel == Migrant.Channel.SELF
    assert migrant.status == Migrant.Status.REGISTERED
    assert migrant.consent_purpose == "safe_migration"
    assert [c.status for c in migrant.status_changes.all()] == ["registered"]


def test_an_officer_registers_on_behalf_in_their_own_office(bounmy, district_office, agency, db) -> None:  # type: ignore[no-untyped-def]
    person = services.person_for_phone(phone="020 5555 7777", given_name_lo="ແສງ", family_name_lo="ດາວ")
    migrant = services.migrant_register(
        actor=bounmy, person=person, office=district_office, consent=True, **migrant_fields(agency)
    )
    assert migrant.channel == Migrant.Channel.OFFICE
    assert person.phone == "+8562055557777"


def test_an_officer_of_another_office_cannot_register_there(chanh, citizen, district_office, agency) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.migrant_register(
            actor=chanh, person=citizen, office=district_office, consent=True, **migrant_fields(agency)
        )


def test_no_consent_no_record(citizen, district_office, agency) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.migrant_register(
            actor=citizen, person=citizen, office=district_office, consent=False, **migrant_fields(agency)
        )
    assert "consent" in exc.value.message_dict
    assert not Migrant.objects.exists()


def test_a_suspended_agency_is_refused_with_a_clear_message(citizen, district_office, suspended_agency) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.migrant_register(
            actor=citizen, person=citizen, office=district_office, consent=True, **migrant_fields(suspended_agency)
        )
    assert "suspended" in exc.value.message_dict["agency"][0]


def test_a_revoked_agency_is_refused(citizen, district_office, agency, dara) -> None:  # type: ignore[no-untyped-def]
    services.agency_transition(actor=dara, agency=agency, status="revoked", reason="Trafficking conviction")
    agency.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.migrant_register(
            actor=citizen, person=citizen, office=district_office, consent=True, **migrant_fields(agency)
        )
    assert "revoked" in exc.value.message_dict["agency"][0]


def test_expired_documents_are_refused_field_by_field(citizen, district_office, agency) -> None:  # type: ignore[no-untyped-def]
    fields = migrant_fields(
        agency,
        passport_expires_on=in_days(-1),
        work_permit_number="WP-1",
        work_permit_expires_on=in_days(10),
    )
    with pytest.raises(ValidationError) as exc:
        services.migrant_register(actor=citizen, person=citizen, office=district_office, consent=True, **fields)
    errors = exc.value.message_dict
    assert "expired" in errors["passport_expires_on"][0]
    assert "before the planned departure" in errors["work_permit_expires_on"][0]


def test_status_timeline_through_the_transition_service(migrant, bounmy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.migrant_transition(actor=bounmy, migrant=migrant, status="documents")
    assert "visa" in exc.value.messages[0]
    services.migrant_update(actor=bounmy, migrant=migrant, **ready_fields())
    for status in ("documents", "departed", "abroad", "returned"):
        migrant = services.migrant_transition(actor=bounmy, migrant=migrant, status=status)
    assert [c.status for c in migrant.status_changes.all()] == [
        "registered",
        "documents",
        "departed",
        "abroad",
        "returned",
    ]
    assert migrant.returned_on is not None
    with pytest.raises(ValidationError):
        services.migrant_transition(actor=bounmy, migrant=migrant, status="abroad")


def test_the_migrant_and_other_offices_cannot_move_the_status(migrant, citizen, chanh) -> None:  # type: ignore[no-untyped-def]
    for actor in (citizen, chanh):
        with pytest.raises(PermissionDenied):
            services.migrant_transition(actor=actor, migrant=migrant, status="documents")


def test_an_officer_read_is_audited_for_the_person(migrant, bounmy, citizen) -> None:  # type: ignore[no-untyped-def]
    services.migrant_read(actor=bounmy, migrant=migrant, via="page")
    services.migrant_read(actor=citizen, migrant=migrant, via="page")
    reads = AuditEvent.objects.filter(action__startswith="migration.migrant.read")
    assert reads.count() == 1
    assert reads.get().data["person"] == str(citizen.public_id)
    assert reads.get().actor == bounmy


def test_work_permit_reminders_are_sent_once_per_period(migrant, bounmy, citizen) -> None:  # type: ignore[no-untyped-def]
    from elaos.notifications.models import Message

    services.migrant_update(actor=bounmy, migrant=migrant, **{**ready_fields(), "departure_date": in_days(1)})
    migrant.refresh_from_db()
    services.migrant_transition(actor=bounmy, migrant=migrant, status="documents")
    Migrant.objects.filter(pk=migrant.pk).update(work_permit_expires_on=in_days(40))
    assert services.work_permit_remind() == 1
    assert services.work_permit_remind() == 0
    message = Message.objects.get(to=citizen.phone)
    assert "work permit" in message.body or message.body


def test_retention_anonymises_returned_records(migrant, bounmy, settings) -> None:  # type: ignore[no-untyped-def]
    Migrant.objects.filter(pk=migrant.pk).update(status="returned", returned_on=in_days(-10))
    settings.MIGRATION_RETENTION_DAYS = 5
    counts = services.retention_sweep()
    migrant.refresh_from_db()
    assert counts["migrants"] == 1
    assert migrant.person is None
    assert migrant.passport_number == ""
    assert migrant.anonymised_at
    assert migrant.destination == "TH"
    assert services.retention_sweep()["migrants"] == 0


def test_correction_request_by_the_migrant_resolved_by_the_office(migrant, citizen, other_citizen, bounmy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.correction_request_create(actor=other_citizen, migrant=migrant, details="Wrong")
    request = services.correction_request_create(actor=citizen, migrant=migrant, details="Employer is Siam Textiles")
    with pytest.raises(ValidationError):
        services.correction_request_resolve(actor=bounmy, request=request, status="corrected", resolution="")
    services.correction_request_resolve(actor=bounmy, request=request, status="corrected", resolution="Done")
    request.refresh_from_db()
    assert request.status == "corrected"
