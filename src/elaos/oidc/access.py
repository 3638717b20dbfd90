"""Who may register agency clients: staff holding the identity administrator role in an organisation, for that
organisation and the offices below it (a ministry's administrator registers its departments' systems), or a
superuser, for every organisation."""

from typing import Any

from elaos.agencies.access import active_assignments, organisations_where, subtree_ids

IDENTITY_ADMIN = "identity_admin"


def can_manage_clients(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return False
    return bool(user.is_superuser) or active_assignments(user).filter(role__code=IDENTITY_ADMIN).exists()


def client_organisation_ids(user: Any) -> set[int] | None:
    """The organisations whose clients the user manages: None for all of them (a superuser)."""
    if not can_manage_clients(user):
        return set()
    if user.is_superuser:
        return None
    return subtree_ids(*organisations_where(user, IDENTITY_ADMIN).values_list("pk", flat=True))


def can_manage_clients_of(user: Any, organisation_id: int) -> bool:
    allowed = client_organisation_ids(user)
    return allowed is None or organisation_id in allowed
