"""Who holds which role where. Roles are per office: a reviewer in one district office is nothing elsewhere."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from elaos.agencies.models import Organisation, RoleAssignment


def active_assignments(user: object) -> QuerySet[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return RoleAssignment.objects.none()
    today = timezone.localdate()
    return RoleAssignment.objects.active().filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), user=user, user__is_active=True
    )


def has_role(user: object, role_code: str, organisation: Organisation) -> bool:
    """True only when the user holds that role in exactly that organisation."""
    return active_assignments(user).filter(role__code=role_code, organisation=organisation).exists()


def organisations_where(user: object, role_code: str) -> QuerySet[Organisation]:
    return Organisation.objects.active().filter(
        pk__in=active_assignments(user).filter(role__code=role_code).values("organisation")
    )


def office_assignments(organisation: Organisation) -> QuerySet[RoleAssignment]:
    """The current role assignments in one office (active staff only)."""
    today = timezone.localdate()
    return RoleAssignment.objects.active().filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        organisation=organisation,
        user__is_active=True,
        user__is_staff=True,
    )
