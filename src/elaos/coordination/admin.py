"""Admin views of coordination data, read-only: every change goes through services.py so that it is audited."""

from django.contrib import admin
from django.http import HttpRequest

from elaos.coordination.models import (
    AnnualMeeting,
    Commitment,
    GroupMeeting,
    MeetingRegistration,
    SectorGroup,
    SectorGroupMember,
    WorkPlanItem,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SectorGroup)
class SectorGroupAdmin(ReadOnlyAdmin):
    list_display = ["name_lo", "sector", "focal_office"]


@admin.register(SectorGroupMember)
class SectorGroupMemberAdmin(ReadOnlyAdmin):
    list_display = ["group", "npa", "joined_on", "left_on"]
    list_filter = ["group"]


@admin.register(GroupMeeting)
class GroupMeetingAdmin(ReadOnlyAdmin):
    list_display = ["group", "date", "place"]


@admin.register(WorkPlanItem)
class WorkPlanItemAdmin(ReadOnlyAdmin):
    list_display = ["title_lo", "group", "owner_name", "due_date", "status"]
    list_filter = ["status", "group"]


@admin.register(AnnualMeeting)
class AnnualMeetingAdmin(ReadOnlyAdmin):
    list_display = ["year", "date", "title_lo", "minutes_published_at"]


@admin.register(MeetingRegistration)
class MeetingRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "user", "organisation", "npa", "created_at"]
    list_filter = ["meeting"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["title_lo", "meeting", "owner_name", "due_date", "status"]
    list_filter = ["status", "meeting"]
