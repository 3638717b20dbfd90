"""Output shapes of the coordination API, one per operation."""

import datetime

from ninja import Field, Schema


class CoordinationErrorOut(Schema):
    code: str = Field(description="A stable machine code: not_found…")
    message: str = Field(description="A sentence in the request's language.")


class OfficeOut(Schema):
    code: str
    name_lo: str
    name_en: str


class NpaRefOut(Schema):
    registration_number: str
    name_lo: str
    name_en: str


class SectorGroupListOut(Schema):
    sector: str = Field(
        description="The sector's code: /coordination/groups/{sector}/ on the site.", examples=["health"]
    )
    name_lo: str
    name_en: str
    focal_office: OfficeOut
    member_count: int = Field(description="Current member associations.")


class MemberOut(Schema):
    npa: NpaRefOut
    joined_on: datetime.date
    left_on: datetime.date | None


class GroupMeetingOut(Schema):
    date: datetime.date
    place: str
    agenda_lo: str
    agenda_en: str
    minutes_lo: str
    minutes_en: str


class WorkPlanItemOut(Schema):
    title_lo: str
    title_en: str
    owner: str
    owner_npa: str | None = Field(description="The owner's registration number, when an association of the register.")
    owner_office: str | None = Field(description="The owner's office code, when an office.")
    due_date: datetime.date | None
    status: str = Field(description="open, in_progress, done or dropped.")
    status_changed_on: datetime.date
    overdue: bool = Field(description="Past its due date and neither done nor dropped.")
    notes: str


class SectorGroupDetailOut(SectorGroupListOut):
    description_lo: str
    description_en: str
    members: list[MemberOut] = Field(description="Current and former members; former ones have left_on.")
    meetings: list[GroupMeetingOut] = Field(description="Newest first.")
    work_plan: list[WorkPlanItemOut]


class AnnualMeetingListOut(Schema):
    year: int = Field(examples=[2025])
    date: datetime.date
    place: str
    title_lo: str
    title_en: str
    registration_open: bool
    commitment_count: int
    done_count: int = Field(description="Commitments done.")


class AgendaItemOut(Schema):
    order: int
    time: datetime.time | None
    title_lo: str
    title_en: str
    speaker: str


class ProgressOut(Schema):
    date: datetime.date
    status: str
    note_lo: str
    note_en: str


class CommitmentOut(Schema):
    title_lo: str
    title_en: str
    owner: str
    owner_office: str | None
    owner_npa: str | None
    due_date: datetime.date | None
    status: str = Field(description="open, in_progress or done.")
    status_changed_on: datetime.date
    overdue: bool = Field(description="Past its due date and not done.")
    progress: list[ProgressOut] = Field(description="Dated progress notes, oldest first.")


class AnnualMeetingDetailOut(AnnualMeetingListOut):
    description_lo: str
    description_en: str
    agenda: list[AgendaItemOut]
    minutes_lo: str = Field(description="Empty until published.")
    minutes_en: str
    minutes_published_at: datetime.datetime | None
    commitments: list[CommitmentOut]
