"""Reads of coordination. Groups, meetings, work plans and commitments are public."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from elaos.civil_society.models import Npa
from elaos.coordination.models import (
    AnnualMeeting,
    Commitment,
    CommitmentProgress,
    MeetingRegistration,
    SectorGroup,
    SectorGroupMember,
)


def group_list() -> QuerySet[SectorGroup]:
    return (
        SectorGroup.objects.active()
        .select_related("sector", "focal_office")
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("sector__code")
    )


def group_detail(sector_code: str) -> SectorGroup:
    group = (
        SectorGroup.objects.active().select_related("sector", "focal_office").filter(sector__code=sector_code).first()
    )
    if group is None:
        raise Http404
    return group


def current_members(group: SectorGroup) -> QuerySet[SectorGroupMember]:
    return group.members.filter(left_on__isnull=True).select_related("npa").order_by("npa__registration_number")


def former_members(group: SectorGroup) -> QuerySet[SectorGroupMember]:
    return group.members.filter(left_on__isnull=False).select_related("npa").order_by("-left_on", "id")


def work_plan(group: SectorGroup) -> QuerySet:
    return group.work_plan.active().select_related("owner_npa", "owner_organisation").order_by("due_date", "id")


def npas_to_add(group: SectorGroup) -> QuerySet[Npa]:
    """Active associations that are not current members, the group's own sector first."""
    current = group.members.filter(left_on__isnull=True).values("npa")
    return Npa.objects.active().filter(status=Npa.Status.ACTIVE).exclude(pk__in=current).order_by("registration_number")


def annual_meetings() -> QuerySet[AnnualMeeting]:
    return (
        AnnualMeeting.objects.active()
        .annotate(
            commitment_count=Count("commitments", distinct=True),
            done_count=Count("commitments", filter=Q(commitments__status=Commitment.Status.DONE), distinct=True),
        )
        .order_by("-year")
    )


def annual_meeting(year: int) -> AnnualMeeting:
    meeting = (
        AnnualMeeting.objects.active()
        .filter(year=year)
        .prefetch_related(
            "agenda",
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("owner_organisation", "owner_npa").prefetch_related(
                    Prefetch("progress", queryset=CommitmentProgress.objects.order_by("date", "recorded_at", "id"))
                ),
            ),
        )
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def registration_of(meeting: AnnualMeeting, user: Any) -> MeetingRegistration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return MeetingRegistration.objects.filter(meeting=meeting, user=user).select_related("organisation", "npa").first()


def registration_counts(meeting: AnnualMeeting) -> dict[str, int]:
    rows = MeetingRegistration.objects.filter(meeting=meeting)
    return {"officials": rows.filter(npa__isnull=True).count(), "npas": rows.filter(npa__isnull=False).count()}


def registrations(meeting: AnnualMeeting) -> QuerySet[MeetingRegistration]:
    """Who registered, for the convener only (the caller checks)."""
    return MeetingRegistration.objects.filter(meeting=meeting).select_related("user", "organisation", "npa")
