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


def subtree_ids(*roots: int) -> set[int]:
    """The organisations `roots` and every office below them. The tree is small (ministries down to district
    offices): one query, walked here."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Organisation.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    todo = list(roots)
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


def office_assignments(organisation: Organisation) -> QuerySet[RoleAssignment]:
    """The current role assignments in one office (active staff only)."""
    today = timezone.localdate()
    return RoleAssignment.objects.active().filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        organisation=organisation,
        user__is_active=True,
        user__is_staff=True,
    )
