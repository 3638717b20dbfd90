"""Who may manage what. A sector group is run by the staff of its focal office (any role there); the annual
meeting by the office administrators of the Ministry of Home Affairs. Superusers may do both."""

from typing import Any

from django.db.models import QuerySet

from elaos.agencies.access import active_assignments, has_role
from elaos.agencies.models import Organisation
from elaos.coordination.models import SectorGroup

ANNUAL_MEETING_CONVENER = "moha"


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def can_manage_group(user: Any, group: SectorGroup) -> bool:
    if not _is_staff(user):
        return False
    return bool(user.is_superuser) or active_assignments(user).filter(organisation_id=group.focal_office_id).exists()


def manageable_groups(user: Any) -> QuerySet[SectorGroup]:
    if not _is_staff(user):
        return SectorGroup.objects.none()
    groups = SectorGroup.objects.active().select_related("sector")
    if user.is_superuser:
        return groups
    return groups.filter(focal_office__in=active_assignments(user).values("organisation"))


def can_manage_annual_meetings(user: Any) -> bool:
    if not _is_staff(user):
        return False
    if user.is_superuser:
        return True
    convener = Organisation.objects.active().filter(code=ANNUAL_MEETING_CONVENER).first()
    return convener is not None and has_role(user, "office_admin", convener)


def official_organisations(user: Any) -> QuerySet[Organisation]:
    """The offices a user may speak for at an annual meeting: those where they hold a role today."""
    return Organisation.objects.active().filter(pk__in=active_assignments(user).values("organisation"))
