"""object_archive: archive with a reason instead of delete, with an audit row."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from conftest import OrganisationFactory, StaffFactory
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.core.models import AuditEvent
from elaos.core.services import object_archive


@pytest.fixture
def office(db: None) -> Organisation:
    return OrganisationFactory(code="mtc", name_lo="ກະຊວງເຕັກໂນໂລຊີ ແລະ ການສື່ສານ")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_archive_needs_a_reason(office: Organisation, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        object_archive(actor=StaffFactory(), obj=office, reason=reason)

    assert "archive_reason" in caught.value.message_dict
    office.refresh_from_db()
    assert not office.is_archived
    assert not AuditEvent.objects.exists()


def test_archive_keeps_the_row_with_who_when_and_why(office: Organisation) -> None:
    admin = StaffFactory()

    object_archive(actor=admin, obj=office, reason="  Merged into MTC  ")

    office.refresh_from_db()
    assert office.is_archived
    assert (office.archived_by, office.archive_reason) == (admin, "Merged into MTC")
    assert office not in Organisation.objects.active()
    [event] = audit_events_for(office)
    assert (event.action, event.actor_id, event.data) == (
        "organisation.archive",
        admin.pk,
        {"reason": "Merged into MTC"},
    )


def test_archiving_twice_changes_nothing(office: Organisation) -> None:
    admin = StaffFactory()
    object_archive(actor=admin, obj=office, reason="Merged")
    first_archived_at = Organisation.objects.get(pk=office.pk).archived_at

    object_archive(actor=StaffFactory(), obj=office, reason="Again")

    office.refresh_from_db()
    assert (office.archived_at, office.archived_by, office.archive_reason) == (first_archived_at, admin, "Merged")
    assert audit_events_for(office).count() == 1


def test_archive_by_the_system_names_no_actor(office: Organisation) -> None:
    object_archive(actor=AnonymousUser(), obj=office, reason="Reference data cleanup")

    office.refresh_from_db()
    assert office.archived_by is None
    assert audit_events_for(office).get().actor_id is None
