"""Who may do what in the public-services domain, beyond what selectors already filter."""

from typing import Any

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation


def can_manage_definitions(user: Any, agency: Organisation | None) -> bool:
    """Superusers, and office administrators of the agency or of any organisation above it (a ministry's
    administrators manage the services of its departments)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return False
    if user.is_superuser:
        return True
    if agency is None:
        return False
    chain, node = [], agency
    while node is not None and len(chain) < 10:
        chain.append(node.pk)
        node = node.parent
    return active_assignments(user).filter(role__code="office_admin", organisation_id__in=chain).exists()


def manageable_agencies(user: Any) -> list[Organisation]:
    if getattr(user, "is_superuser", False):
        return list(Organisation.objects.active())
    roots = Organisation.objects.filter(
        pk__in=active_assignments(user).filter(role__code="office_admin").values("organisation")
    )
    found, frontier = {o.pk: o for o in roots}, list(roots)
    while frontier:
        children = list(Organisation.objects.active().filter(parent__in=frontier))
        frontier = [c for c in children if c.pk not in found]
        found.update({c.pk: c for c in frontier})
    return list(found.values())
