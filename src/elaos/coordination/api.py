"""The coordination API: read-only, for anyone. Sector groups and annual meetings are public."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router

from elaos.coordination import selectors
from elaos.coordination.models import AnnualMeeting, Commitment, SectorGroup, WorkPlanItem
from elaos.coordination.schemas import (
    AgendaItemOut,
    AnnualMeetingDetailOut,
    AnnualMeetingListOut,
    CommitmentOut,
    CoordinationErrorOut,
    GroupMeetingOut,
    MemberOut,
    NpaRefOut,
    OfficeOut,
    ProgressOut,
    SectorGroupDetailOut,
    SectorGroupListOut,
    WorkPlanItemOut,
)

router = Router(tags=["coordination"])


def _group_fields(group: SectorGroup, member_count: int) -> dict:
    office = group.focal_office
    return {
        "sector": group.sector.code,
        "name_lo": group.name_lo,
        "name_en": group.name_en,
        "focal_office": OfficeOut(code=office.code, name_lo=office.name_lo, name_en=office.name_en),
        "member_count": member_count,
    }


def _item(item: WorkPlanItem, today: object) -> WorkPlanItemOut:
    return WorkPlanItemOut(
        title_lo=item.title_lo,
        title_en=item.title_en,
        owner=item.owner_name,
        owner_npa=item.owner_npa.registration_number if item.owner_npa else None,
        owner_office=item.owner_organisation.code if item.owner_organisation else None,
        due_date=item.due_date,
        status=item.status,
        status_changed_on=item.status_changed_on,
        overdue=item.is_overdue(today),  # type: ignore[arg-type]
        notes=item.notes,
    )


@router.get("/sector-groups", response=list[SectorGroupListOut], summary="Sector groups of associations")
def sector_group_list(request: HttpRequest) -> list[SectorGroupListOut]:
    return [SectorGroupListOut(**_group_fields(g, g.member_count)) for g in selectors.group_list()]  # type: ignore[attr-defined]


@router.get(
    "/sector-groups/{sector}",
    response={200: SectorGroupDetailOut, 404: CoordinationErrorOut},
    summary="One sector group: members, meetings and the shared work plan",
)
def sector_group_detail(
    request: HttpRequest, sector: str = Path(description="The sector code", examples=["health"])
) -> SectorGroupDetailOut:
    group = selectors.group_detail(sector)
    today = timezone.localdate()
    current = list(selectors.current_members(group))
    members = current + list(selectors.former_members(group))
    return SectorGroupDetailOut(
        **_group_fields(group, len(current)),
        description_lo=group.description_lo,
        description_en=group.description_en,
        members=[
            MemberOut(
                npa=NpaRefOut(
                    registration_number=m.npa.registration_number, name_lo=m.npa.name_lo, name_en=m.npa.name_en
                ),
                joined_on=m.joined_on,
                left_on=m.left_on,
            )
            for m in members
        ],
        meetings=[
            GroupMeetingOut(
                date=m.date,
                place=m.place,
                agenda_lo=m.agenda_lo,
                agenda_en=m.agenda_en,
                minutes_lo=m.minutes_lo,
                minutes_en=m.minutes_en,
            )
            for m in group.meetings.active()
        ],
        work_plan=[_item(i, today) for i in selectors.work_plan(group)],
    )


def _meeting_fields(meeting: AnnualMeeting, today: object, commitment_count: int, done_count: int) -> dict:
    return {
        "year": meeting.year,
        "date": meeting.date,
        "place": meeting.place,
        "title_lo": meeting.title_lo,
        "title_en": meeting.title_en,
        "registration_open": meeting.registration_open(today),  # type: ignore[arg-type]
        "commitment_count": commitment_count,
        "done_count": done_count,
    }


@router.get("/annual-meetings", response=list[AnnualMeetingListOut], summary="Annual Government–CSO meetings")
def annual_meeting_list(request: HttpRequest) -> list[AnnualMeetingListOut]:
    today = timezone.localdate()
    return [
        AnnualMeetingListOut(**_meeting_fields(m, today, m.commitment_count, m.done_count))  # type: ignore[attr-defined]
        for m in selectors.annual_meetings()
    ]


def _commitment(commitment: Commitment, today: object) -> CommitmentOut:
    return CommitmentOut(
        title_lo=commitment.title_lo,
        title_en=commitment.title_en,
        owner=commitment.owner_name,
        owner_office=commitment.owner_organisation.code if commitment.owner_organisation else None,
        owner_npa=commitment.owner_npa.registration_number if commitment.owner_npa else None,
        due_date=commitment.due_date,
        status=commitment.status,
        status_changed_on=commitment.status_changed_on,
        overdue=commitment.is_overdue(today),  # type: ignore[arg-type]
        progress=[
            ProgressOut(date=p.date, status=p.status, note_lo=p.note_lo, note_en=p.note_en)
            for p in commitment.progress.all()
        ],
    )


@router.get(
    "/annual-meetings/{year}",
    response={200: AnnualMeetingDetailOut, 404: CoordinationErrorOut},
    summary="One annual meeting: agenda, minutes once published, and commitments with their progress",
)
def annual_meeting_detail(request: HttpRequest, year: int) -> AnnualMeetingDetailOut:
    meeting = selectors.annual_meeting(year)
    today = timezone.localdate()
    commitments = list(meeting.commitments.all())
    published = meeting.minutes_published_at is not None
    return AnnualMeetingDetailOut(
        **_meeting_fields(
            meeting, today, len(commitments), sum(1 for c in commitments if c.status == Commitment.Status.DONE)
        ),
        description_lo=meeting.description_lo,
        description_en=meeting.description_en,
        agenda=[
            AgendaItemOut(order=a.order, time=a.time, title_lo=a.title_lo, title_en=a.title_en, speaker=a.speaker)
            for a in meeting.agenda.all()
        ],
        minutes_lo=meeting.minutes_lo if published else "",
        minutes_en=meeting.minutes_en if published else "",
        minutes_published_at=meeting.minutes_published_at,
        commitments=[_commitment(c, today) for c in commitments],
    )
