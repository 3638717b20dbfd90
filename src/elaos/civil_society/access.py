"""Who may change the NPA register: office administrators and approvers of the Ministry of Home Affairs and of its
central departments (such as the Department of Associations and Foundations). Provincial and district home-affairs
offices, and every other ministry, only read the register like anyone else."""

from typing import Any

from django.conf import settings

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation

REGISTRAR_ROLES = ("office_admin", "approver")
CENTRAL_KINDS = {Organisation.Kind.MINISTRY, Organisation.Kind.DEPARTMENT, Organisation.Kind.DIVISION}


def registrar_ministry_code() -> str:
    return getattr(settings, "NPA_REGISTRAR_MINISTRY", "moha")


def can_manage_register(user: Any) -> bool:
    """True when the user holds a registrar role in the registrar ministry or one of its central units."""
    ministry = registrar_ministry_code()
    for assignment in active_assignments(user).filter(role__code__in=REGISTRAR_ROLES).select_related("organisation"):
        node: Organisation | None = assignment.organisation
        while node is not None and node.kind in CENTRAL_KINDS:
            if node.parent_id is None:
                if node.code == ministry:
                    return True
                break
            node = node.parent
    return False


def npa_admin_filter(user: Any) -> Any:
    """The memberships that make a user an administrator of an association today (a Q on NpaMembership)."""
    from django.db.models import Q
    from django.utils import timezone

    today = timezone.localdate()
    return Q(user=user, role="npa_admin", since__lte=today) & (Q(until__isnull=True) | Q(until__gte=today))


def is_npa_admin(user: Any, npa: Any) -> bool:
    """True when the user administers the association today; suspended and dissolved associations keep their
    administrators, so that a report can still be filed for a past year."""
    from elaos.civil_society.models import NpaMembership

    if not getattr(user, "is_authenticated", False):
        return False
    return NpaMembership.objects.filter(npa_admin_filter(user), npa=npa).exists()
