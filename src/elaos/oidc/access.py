"""Who may register agency clients: staff holding the identity administrator role in some office, or a superuser."""

from typing import Any

from elaos.agencies.access import active_assignments

IDENTITY_ADMIN = "identity_admin"


def can_manage_clients(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return False
    return bool(user.is_superuser) or active_assignments(user).filter(role__code=IDENTITY_ADMIN).exists()
