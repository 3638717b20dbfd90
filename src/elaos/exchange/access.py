"""Who may manage an agency's machine clients: platform administrators, and the office administrators of that
agency for its own systems."""

from typing import Any

from elaos.agencies.access import has_role, organisations_where
from elaos.agencies.models import Organisation


def can_manage_clients(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_staff", False):
        return False
    return bool(user.is_superuser) or has_role(user, "office_admin", organisation)


def manageable_organisations(user: Any) -> Any:
    if not getattr(user, "is_staff", False):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.active()
    return organisations_where(user, "office_admin")
