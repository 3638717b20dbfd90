import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import UserFactory
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.civil_society.models import Npa
from elaos.coordination import services
from elaos.coordination.models import AnnualMeeting, Commitment, MeetingRegistration, SectorGroup, WorkPlanItem
from elaos.coordination.tests.conftest import make_npa
from elaos.core.audit import audit_verify_chain
from elaos.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [e.code for e in exc.value.error_list]  # type: ignore[attr-defined]


def test_focal_office_staff_manage_the_group(group: SectorGroup, dara: User, doctors: Npa) -> None:
    member = services.group_member_add(actor=dara, group=group, npa=doctors)
    assert member.joined_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.group_member_add(actor=dara, group=group, npa=doctors)
    assert _codes(exc) == ["already_member"]
    services.group_member_remove(actor=dara, member=member)
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    # Leaving keeps the row; the association may join again.
    services.group_member_add(actor=dara, group=group, npa=doctors)
    assert group.members.count() == 2
    meeting = services.group_meeting_add(
        actor=dara, group=group, date=datetime.date(2026, 3, 1), place="ວຽງຈັນ", agenda_lo="ວາລະ"
    )
    services.group_meeting_minutes(actor=dara, meeting=meeting, minutes_lo="ບົດບັນທຶກ")
    assert AuditEvent.objects.filter(action__startswith="coordination.").count() == 6
    assert audit_verify_chain()[1] is None


def test_others_may_not_manage_the_group(
    group: SectorGroup, erin: User, alice: User, citizen: User, doctors: Npa
) -> None:
    for actor in (erin, alice, citizen, None):
        with pytest.raises(PermissionDenied):
            services.group_member_add(actor=actor, group=group, npa=doctors)
        with pytest.raises(PermissionDenied):
            services.work_plan_item_add(actor=actor, group=group, title_lo="ວຽກ", owner_name="ກະຊວງ")


def test_inactive_associations_cannot_join(group: SectorGroup, dara: User, health) -> None:  # type: ignore[no-untyped-def]
    dissolved = make_npa("NPA-2019-0009", "ສະມາຄົມເກົ່າ", health, status=Npa.Status.DISSOLVED)
    with pytest.raises(ValidationError) as exc:
        services.group_member_add(actor=dara, group=group, npa=dissolved)
    assert _codes(exc) == ["npa_not_active"]


def test_work_plan_status_changes_are_dated_and_checked(group: SectorGroup, dara: User, moh: Organisation) -> None:
    item = services.work_plan_item_add(
        actor=dara,
        group=group,
        title_lo="ສຳຫຼວດ",
        owner_name=moh.name_lo,
        owner_organisation=moh,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert item.status == WorkPlanItem.Status.OPEN
    assert item.is_overdue(timezone.localdate())
    on = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.work_plan_item_update(actor=dara, item=item, status="in_progress", on=on + datetime.timedelta(days=1))
    assert _codes(exc) == ["future_date"]
    item = services.work_plan_item_update(actor=dara, item=item, status="in_progress", notes="ເລີ່ມແລ້ວ", on=on)
    assert (item.status, item.status_changed_on, item.notes) == ("in_progress", on, "ເລີ່ມແລ້ວ")
    item = services.work_plan_item_update(actor=dara, item=item, status="done")
    assert item.status_changed_on == timezone.localdate()
    assert not item.is_overdue(timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.work_plan_item_update(actor=dara, item=item, status="dropped")
    assert _codes(exc) == ["bad_transition"]
    # A notes-only change keeps the status date.
    item = services.work_plan_item_update(actor=dara, item=item, status="done", notes="ສຳເລັດ")
    assert item.status_changed_on == timezone.localdate()


def test_work_plan_owner_links_one_register_at_most(
    group: SectorGroup, dara: User, moh: Organisation, doctors: Npa
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.work_plan_item_add(
            actor=dara, group=group, title_lo="ວຽກ", owner_name="x", owner_npa=doctors, owner_organisation=moh
        )
    assert _codes(exc) == ["two_owners"]


def test_only_the_convener_creates_groups_and_meetings(erin: User, dara: User, health, moh) -> None:  # type: ignore[no-untyped-def]
    for actor in (erin, dara):
        with pytest.raises(PermissionDenied):
            services.sector_group_create(actor=actor, sector=health, focal_office=moh, name_lo="ກຸ່ມ")
        with pytest.raises(PermissionDenied):
            services.annual_meeting_create(
                actor=actor, year=2027, date=datetime.date(2027, 1, 5), place="x", title_lo="x"
            )


def test_one_registration_per_user(upcoming: AnnualMeeting, citizen: User, doctors: Npa, nurses: Npa) -> None:
    registration = services.meeting_register(actor=citizen, meeting=upcoming, npa=doctors)
    assert registration.npa == doctors
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(actor=citizen, meeting=upcoming, npa=nurses)
    assert _codes(exc) == ["already_registered"]
    assert MeetingRegistration.objects.count() == 1


def test_registration_as_an_official_needs_a_role_there(
    upcoming: AnnualMeeting, dara: User, moh: Organisation, moha: Organisation
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(actor=dara, meeting=upcoming, organisation=moha)
    assert _codes(exc) == ["not_an_official"]
    assert services.meeting_register(actor=dara, meeting=upcoming, organisation=moh).organisation == moh


def test_registration_needs_exactly_one_of_office_or_npa(
    upcoming: AnnualMeeting, dara: User, moh: Organisation, doctors: Npa
) -> None:
    for kwargs in ({}, {"organisation": moh, "npa": doctors}):
        with pytest.raises(ValidationError) as exc:
            services.meeting_register(actor=dara, meeting=upcoming, **kwargs)
        assert _codes(exc) == ["official_or_npa"]


def test_registration_closes_on_the_meeting_date(alice: User, citizen: User, doctors: Npa) -> None:
    today = timezone.localdate()
    meeting = services.annual_meeting_create(
        actor=alice, year=today.year, date=today, place="ວຽງຈັນ", title_lo="ກອງປະຊຸມ"
    )
    with pytest.raises(ValidationError) as exc:
        services.meeting_register(actor=citizen, meeting=meeting, npa=doctors)
    assert _codes(exc) == ["registration_closed"]


def test_anonymous_cannot_register(upcoming: AnnualMeeting, doctors: Npa) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_register(actor=None, meeting=upcoming, npa=doctors)


def test_commitment_progress_is_dated_and_checked(past: AnnualMeeting, alice: User, moha: Organisation) -> None:
    commitment = services.commitment_add(
        actor=alice,
        meeting=past,
        title_lo="ຍື່ນຄຳຮ້ອງອອນລາຍ",
        owner_name=moha.name_lo,
        owner_organisation=moha,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert commitment.is_overdue(timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.commitment_progress(actor=alice, commitment=commitment, status="open")
    assert _codes(exc) == ["nothing_to_record"]
    services.commitment_progress(actor=alice, commitment=commitment, status="open", note_lo="ກຳລັງກະກຽມ")
    with pytest.raises(ValidationError) as exc:
        services.commitment_progress(
            actor=alice, commitment=commitment, status="done", on=timezone.localdate() - datetime.timedelta(days=2)
        )
    assert _codes(exc) == ["before_previous"]
    on = timezone.localdate()
    services.commitment_progress(actor=alice, commitment=commitment, status="done", note_lo="ສຳເລັດ", on=on)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_changed_on) == (Commitment.Status.DONE, on)
    assert not commitment.is_overdue(timezone.localdate())
    assert [p.status for p in commitment.progress.all()] == ["open", "done"]
    with pytest.raises(ValidationError) as exc:
        services.commitment_progress(actor=alice, commitment=commitment, status="bogus")
    assert _codes(exc) == ["bad_status"]


def test_only_the_convener_updates_commitments_and_minutes(
    past: AnnualMeeting, alice: User, erin: User, moha: Organisation
) -> None:
    commitment = services.commitment_add(actor=alice, meeting=past, title_lo="x", owner_name="x")
    superuser = UserFactory(email="root@gov.la", phone=None, is_staff=True, is_superuser=True)
    for actor in (erin, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.commitment_progress(actor=actor, commitment=commitment, status="done")
        with pytest.raises(PermissionDenied):
            services.annual_meeting_minutes_publish(actor=actor, meeting=past, minutes_lo="x")
    services.annual_meeting_minutes_publish(actor=superuser, meeting=past, minutes_lo="ບົດບັນທຶກ")
    past.refresh_from_db()
    assert past.minutes_published_at is not None


def test_minutes_wait_for_the_meeting(upcoming: AnnualMeeting, alice: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.annual_meeting_minutes_publish(actor=alice, meeting=upcoming, minutes_lo="x")
    assert _codes(exc) == ["not_yet_held"]


def test_agenda_items_are_numbered_in_order(upcoming: AnnualMeeting, alice: User) -> None:
    first = services.agenda_item_add(actor=alice, meeting=upcoming, title_lo="ເປີດ")
    second = services.agenda_item_add(actor=alice, meeting=upcoming, title_lo="ປິດ", time=datetime.time(9, 0))
    assert (first.order, second.order) == (1, 2)
