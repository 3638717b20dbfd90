"""Writes of coordination. Each checks who acts, changes rows and appends an audit event in the same transaction.
Refusals are a PermissionDenied (the caller answers 404) or a ValidationError with a stable code."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.coordination.access import can_manage_annual_meetings, can_manage_group, official_organisations
from elaos.coordination.models import (
    AgendaItem,
    AnnualMeeting,
    Commitment,
    CommitmentProgress,
    GroupMeeting,
    MeetingRegistration,
    SectorGroup,
    SectorGroupMember,
    WorkPlanItem,
)
from elaos.core.audit import audit_record


def _require_group_manager(actor: Any, group: SectorGroup) -> None:
    if not can_manage_group(actor, group):
        raise PermissionDenied


def _require_convener(actor: Any) -> None:
    if not can_manage_annual_meetings(actor):
        raise PermissionDenied


def _change_date(on: datetime.date | None, since: datetime.date) -> datetime.date:
    """The date of a status change: today unless given, never in the future nor before the previous change."""
    today = timezone.localdate()
    date = on or today
    if date > today:
        raise ValidationError(_("A change cannot be dated in the future."), code="future_date")
    if date < since:
        raise ValidationError(_("A change cannot be dated before the previous one."), code="before_previous")
    return date


def _one_owner_link(owner_npa: Npa | None, owner_organisation: Organisation | None) -> None:
    if owner_npa is not None and owner_organisation is not None:
        raise ValidationError(_("Link the owner to an association or to an office, not both."), code="two_owners")


# Sector groups


@transaction.atomic
def sector_group_create(
    *,
    actor: Any,
    sector: Sector,
    focal_office: Organisation,
    name_lo: str,
    name_en: str = "",
    description_lo: str = "",
    description_en: str = "",
) -> SectorGroup:
    """A new sector group; set up by the convener of the annual meeting, who brings the sectors together."""
    _require_convener(actor)
    group = SectorGroup(
        sector=sector,
        focal_office=focal_office,
        name_lo=name_lo.strip(),
        name_en=name_en.strip(),
        description_lo=description_lo.strip(),
        description_en=description_en.strip(),
        created_by=actor,
        updated_by=actor,
    )
    group.full_clean()
    group.save()
    audit_record(actor=actor, action="coordination.group_create", obj=group, data={"sector": sector.code})
    return group


@transaction.atomic
def group_member_add(
    *, actor: Any, group: SectorGroup, npa: Npa, joined_on: datetime.date | None = None
) -> SectorGroupMember:
    _require_group_manager(actor, group)
    if npa.status != Npa.Status.ACTIVE or npa.is_archived:
        raise ValidationError(_("Only an active association can join a group."), code="npa_not_active")
    if group.members.filter(npa=npa, left_on__isnull=True).exists():
        raise ValidationError(_("This association is already a member."), code="already_member")
    member = SectorGroupMember(
        group=group,
        npa=npa,
        joined_on=joined_on or timezone.localdate(),
        created_by=actor,
        updated_by=actor,
    )
    member.full_clean()
    member.save()
    audit_record(actor=actor, action="coordination.member_add", obj=member, data={"npa": npa.registration_number})
    return member


@transaction.atomic
def group_member_remove(
    *, actor: Any, member: SectorGroupMember, left_on: datetime.date | None = None
) -> SectorGroupMember:
    _require_group_manager(actor, member.group)
    member = SectorGroupMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise ValidationError(_("This association has already left the group."), code="already_left")
    left_on = left_on or timezone.localdate()
    if left_on < member.joined_on:
        raise ValidationError(_("An association cannot leave before it joined."), code="left_before_joined")
    member.left_on = left_on
    member.updated_by = actor
    member.save(update_fields=["left_on", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="coordination.member_remove",
        obj=member,
        data={"npa": member.npa.registration_number, "left_on": left_on},
    )
    return member


@transaction.atomic
def group_meeting_add(
    *,
    actor: Any,
    group: SectorGroup,
    date: datetime.date,
    place: str,
    agenda_lo: str,
    agenda_en: str = "",
    minutes_lo: str = "",
    minutes_en: str = "",
) -> GroupMeeting:
    _require_group_manager(actor, group)
    meeting = GroupMeeting(
        group=group,
        date=date,
        place=place.strip(),
        agenda_lo=agenda_lo.strip(),
        agenda_en=agenda_en.strip(),
        minutes_lo=minutes_lo.strip(),
        minutes_en=minutes_en.strip(),
        created_by=actor,
        updated_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    audit_record(actor=actor, action="coordination.group_meeting_add", obj=meeting, data={"date": date})
    return meeting


@transaction.atomic
def group_meeting_minutes(*, actor: Any, meeting: GroupMeeting, minutes_lo: str, minutes_en: str = "") -> GroupMeeting:
    _require_group_manager(actor, meeting.group)
    if not minutes_lo.strip():
        raise ValidationError(_("Write the minutes in Lao."), code="minutes_required")
    meeting.minutes_lo, meeting.minutes_en = minutes_lo.strip(), minutes_en.strip()
    meeting.updated_by = actor
    meeting.full_clean()
    meeting.save(update_fields=["minutes_lo", "minutes_en", "updated_by", "updated_at"])
    audit_record(actor=actor, action="coordination.group_meeting_minutes", obj=meeting)
    return meeting


@transaction.atomic
def work_plan_item_add(
    *,
    actor: Any,
    group: SectorGroup,
    title_lo: str,
    title_en: str = "",
    owner_name: str,
    owner_npa: Npa | None = None,
    owner_organisation: Organisation | None = None,
    due_date: datetime.date | None = None,
    notes: str = "",
) -> WorkPlanItem:
    _require_group_manager(actor, group)
    _one_owner_link(owner_npa, owner_organisation)
    item = WorkPlanItem(
        group=group,
        title_lo=title_lo.strip(),
        title_en=title_en.strip(),
        owner_name=owner_name.strip(),
        owner_npa=owner_npa,
        owner_organisation=owner_organisation,
        due_date=due_date,
        status=WorkPlanItem.Status.OPEN,
        status_changed_on=timezone.localdate(),
        notes=notes.strip(),
        created_by=actor,
        updated_by=actor,
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="coordination.work_plan_item_add", obj=item, data={"due_date": due_date})
    return item


@transaction.atomic
def work_plan_item_update(
    *,
    actor: Any,
    item: WorkPlanItem,
    status: str,
    notes: str | None = None,
    due_date: datetime.date | None = None,
    on: datetime.date | None = None,
) -> WorkPlanItem:
    """Move an item to another status (dated), and/or change its notes or due date."""
    _require_group_manager(actor, item.group)
    item = WorkPlanItem.objects.select_for_update().select_related("group").get(pk=item.pk)
    before = item.status
    if status not in WorkPlanItem.Status.values:
        raise ValidationError(_("Choose a valid status."), code="bad_status")
    if status != before:
        if status not in WorkPlanItem.TRANSITIONS[WorkPlanItem.Status(before)]:
            raise ValidationError(_("This status change is not allowed."), code="bad_transition")
        item.status_changed_on = _change_date(on, item.status_changed_on)
        item.status = status
    if notes is not None:
        item.notes = notes.strip()
    if due_date is not None:
        item.due_date = due_date
    item.updated_by = actor
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="coordination.work_plan_item_update",
        obj=item,
        data={"from": before, "to": item.status, "due_date": item.due_date},
    )
    return item


# Annual meetings


@transaction.atomic
def annual_meeting_create(
    *,
    actor: Any,
    year: int,
    date: datetime.date,
    place: str,
    title_lo: str,
    title_en: str = "",
    description_lo: str = "",
    description_en: str = "",
) -> AnnualMeeting:
    _require_convener(actor)
    if date.year != year:
        raise ValidationError(_("The meeting date must fall in its year."), code="date_not_in_year")
    meeting = AnnualMeeting(
        year=year,
        date=date,
        place=place.strip(),
        title_lo=title_lo.strip(),
        title_en=title_en.strip(),
        description_lo=description_lo.strip(),
        description_en=description_en.strip(),
        created_by=actor,
        updated_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    audit_record(actor=actor, action="coordination.annual_meeting_create", obj=meeting, data={"year": year})
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    actor: Any,
    meeting: AnnualMeeting,
    title_lo: str,
    title_en: str = "",
    time: datetime.time | None = None,
    speaker: str = "",
    order: int | None = None,
) -> AgendaItem:
    _require_convener(actor)
    if order is None:
        last = meeting.agenda.order_by("-order").first()
        order = (last.order + 1) if last else 1
    item = AgendaItem(
        meeting=meeting,
        order=order,
        time=time,
        title_lo=title_lo.strip(),
        title_en=title_en.strip(),
        speaker=speaker.strip(),
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="coordination.agenda_item_add", obj=meeting, data={"order": order})
    return item


@transaction.atomic
def annual_meeting_minutes_publish(
    *, actor: Any, meeting: AnnualMeeting, minutes_lo: str, minutes_en: str = ""
) -> AnnualMeeting:
    _require_convener(actor)
    if not minutes_lo.strip():
        raise ValidationError(_("Write the minutes in Lao."), code="minutes_required")
    if timezone.localdate() < meeting.date:
        raise ValidationError(_("Minutes can be published once the meeting has taken place."), code="not_yet_held")
    meeting.minutes_lo, meeting.minutes_en = minutes_lo.strip(), minutes_en.strip()
    meeting.minutes_published_at = timezone.now()
    meeting.updated_by = actor
    meeting.save(update_fields=["minutes_lo", "minutes_en", "minutes_published_at", "updated_by", "updated_at"])
    audit_record(actor=actor, action="coordination.annual_minutes_publish", obj=meeting)
    return meeting


@transaction.atomic
def meeting_register(
    *,
    actor: Any,
    meeting: AnnualMeeting,
    organisation: Organisation | None = None,
    npa: Npa | None = None,
) -> MeetingRegistration:
    """Register the signed-in actor, as an official of an office where they hold a role, or for an association."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if (organisation is None) == (npa is None):
        raise ValidationError(_("Register either as an official or for an association."), code="official_or_npa")
    if not meeting.registration_open(timezone.localdate()):
        raise ValidationError(_("Registration for this meeting is closed."), code="registration_closed")
    if organisation is not None and not official_organisations(actor).filter(pk=organisation.pk).exists():
        raise ValidationError(_("You hold no role in this office."), code="not_an_official")
    if npa is not None and (npa.status != Npa.Status.ACTIVE or npa.is_archived):
        raise ValidationError(_("Only an active association can be registered."), code="npa_not_active")
    # Lock the meeting so that two requests of one user cannot both pass the check below.
    AnnualMeeting.objects.select_for_update().get(pk=meeting.pk)
    if MeetingRegistration.objects.filter(meeting=meeting, user=actor).exists():
        raise ValidationError(_("You are already registered for this meeting."), code="already_registered")
    registration = MeetingRegistration(
        meeting=meeting, user=actor, organisation=organisation, npa=npa, created_by=actor, updated_by=actor
    )
    registration.full_clean(validate_constraints=False)
    registration.save()
    audit_record(
        actor=actor,
        action="coordination.meeting_register",
        obj=registration,
        data={
            "year": meeting.year,
            "organisation": organisation.code if organisation else None,
            "npa": npa.registration_number if npa else None,
        },
    )
    return registration


@transaction.atomic
def meeting_registration_cancel(*, actor: Any, meeting: AnnualMeeting) -> None:
    """The actor withdraws their own registration, until the day of the meeting; they may register again."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    registration = MeetingRegistration.objects.select_for_update().filter(meeting=meeting, user=actor).first()
    if registration is None:
        raise ValidationError(_("You are not registered for this meeting."), code="not_registered")
    if timezone.localdate() > meeting.date:
        raise ValidationError(_("The meeting has taken place: the registration stays."), code="meeting_held")
    audit_record(
        actor=actor,
        action="coordination.meeting_registration_cancel",
        obj=meeting,
        data={"registration": str(registration.public_id)},
    )
    registration.delete()


@transaction.atomic
def commitment_add(
    *,
    actor: Any,
    meeting: AnnualMeeting,
    title_lo: str,
    title_en: str = "",
    owner_name: str,
    owner_organisation: Organisation | None = None,
    owner_npa: Npa | None = None,
    due_date: datetime.date | None = None,
) -> Commitment:
    _require_convener(actor)
    _one_owner_link(owner_npa, owner_organisation)
    commitment = Commitment(
        meeting=meeting,
        title_lo=title_lo.strip(),
        title_en=title_en.strip(),
        owner_name=owner_name.strip(),
        owner_organisation=owner_organisation,
        owner_npa=owner_npa,
        due_date=due_date,
        status=Commitment.Status.OPEN,
        # A commitment is open from the meeting that made it.
        status_changed_on=min(meeting.date, timezone.localdate()),
        created_by=actor,
        updated_by=actor,
    )
    commitment.full_clean()
    commitment.save()
    audit_record(actor=actor, action="coordination.commitment_add", obj=commitment, data={"year": meeting.year})
    return commitment


@transaction.atomic
def commitment_progress(
    *,
    actor: Any,
    commitment: Commitment,
    status: str,
    note_lo: str = "",
    note_en: str = "",
    on: datetime.date | None = None,
) -> CommitmentProgress:
    """A dated progress note; a new status moves the commitment (allowed moves only), the same status just notes."""
    _require_convener(actor)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    before = commitment.status
    if status not in Commitment.Status.values:
        raise ValidationError(_("Choose a valid status."), code="bad_status")
    if status == before and not note_lo.strip():
        raise ValidationError(_("Write a progress note or choose a new status."), code="nothing_to_record")
    if status != before and status not in Commitment.TRANSITIONS[Commitment.Status(before)]:
        raise ValidationError(_("This status change is not allowed."), code="bad_transition")
    last_note = commitment.progress.order_by("-date").values_list("date", flat=True).first()
    date = _change_date(on, max(filter(None, [commitment.status_changed_on, last_note])))
    if status != before:
        commitment.status = status
        commitment.status_changed_on = date
        commitment.updated_by = actor
        commitment.save(update_fields=["status", "status_changed_on", "updated_by", "updated_at"])
    progress = CommitmentProgress.objects.create(
        commitment=commitment,
        date=date,
        from_status=before,
        status=status,
        note_lo=note_lo.strip(),
        note_en=note_en.strip(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action="coordination.commitment_progress", obj=commitment, data={"from": before, "to": status}
    )
    return progress
