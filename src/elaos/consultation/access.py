"""Who may manage which drafts. Office administrators of the publishing agency run its consultations; any staff
member holding a role in the agency may moderate comments; superusers may do both."""

from typing import Any

from django.db.models import QuerySet

from elaos.agencies.access import active_assignments, has_role
from elaos.agencies.models import Organisation
from elaos.consultation.models import Draft


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def can_manage(user: Any, agency: Organisation) -> bool:
    if not _is_staff(user):
        return False
    return bool(user.is_superuser) or has_role(user, "office_admin", agency)


def can_moderate(user: Any, agency: Organisation) -> bool:
    if not _is_staff(user):
        return False
    return bool(user.is_superuser) or active_assignments(user).filter(organisation=agency).exists()


def manageable_agencies(user: Any) -> QuerySet[Organisation]:
    if not _is_staff(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.active()
    return Organisation.objects.active().filter(
        pk__in=active_assignments(user).filter(role__code="office_admin").values("organisation")
    )


def moderated_agencies(user: Any) -> QuerySet[Organisation]:
    if not _is_staff(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.active()
    return Organisation.objects.active().filter(pk__in=active_assignments(user).values("organisation"))


def staff_drafts(user: Any) -> QuerySet[Draft]:
    """The drafts a staff member may see in the back office: those of agencies they manage or moderate."""
    return Draft.objects.active().filter(agency__in=moderated_agencies(user)).select_related("agency")
