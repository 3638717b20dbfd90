"""Who may see and change what in safe migration.

- A migrant record: the migrant, and officers holding a migration role in the record's responsible office (a
  district labour office or a Migrant Resource Centre). Nobody else, not even other offices of the ministry.
- Complaints and returnees: officers with a migration role in the handling office.
- A referral: also the staff of the office it was sent to, or the members of the association it was sent to.
- The agency register and the safe-migration pages: migration officers of the licensing ministry's central units
  (ministry, departments, divisions: settings.MIGRATION_MINISTRY). Superusers may do all of it."""

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation

MIGRATION_ROLES = ("migration_officer", "migration_supervisor")
INSPECTION_ROLE = "labour_inspector"
SUPERVISOR_ROLES = ("migration_supervisor", "office_admin")
CENTRAL_KINDS = {Organisation.Kind.MINISTRY, Organisation.Kind.DEPARTMENT, Organisation.Kind.DIVISION}


def ministry_code() -> str:
    return getattr(settings, "MIGRATION_MINISTRY", "molsw")


def _staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def migration_offices_of(user: Any) -> QuerySet[Organisation]:
    """The offices where the user holds a migration role today."""
    if not _staff(user):
        return Organisation.objects.none()
    return Organisation.objects.active().filter(
        pk__in=active_assignments(user).filter(role__code__in=MIGRATION_ROLES).values("organisation")
    )


def is_migration_officer(user: Any) -> bool:
    return migration_offices_of(user).exists()


def has_migration_role(user: Any, office: Organisation | int | None) -> bool:
    if office is None or not _staff(user):
        return False
    office_id = office if isinstance(office, int) else office.pk
    return active_assignments(user).filter(role__code__in=MIGRATION_ROLES, organisation_id=office_id).exists()


def is_supervisor(user: Any, office: Organisation) -> bool:
    return (
        _staff(user) and active_assignments(user).filter(role__code__in=SUPERVISOR_ROLES, organisation=office).exists()
    )


def _in_ministry(organisation: Organisation, code: str) -> bool:
    node: Organisation | None = organisation
    while node is not None and node.kind in CENTRAL_KINDS:
        if node.parent_id is None:
            return node.code == code
        node = node.parent
    return False


def can_manage_register(user: Any) -> bool:
    """Suspend, revoke and reinstate agency licences; edit the safe-migration pages."""
    if not _staff(user):
        return False
    if user.is_superuser:
        return True
    code = ministry_code()
    assignments = active_assignments(user).filter(role__code__in=(*MIGRATION_ROLES, "approver", "office_admin"))
    return any(_in_ministry(a.organisation, code) for a in assignments.select_related("organisation"))


def migrant_visibility(user: Any) -> Q:
    """The migrant records a user may open, as a filter: their own, or those of their migration offices."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(person=user) | Q(office__in=migration_offices_of(user))


def can_handle(user: Any, office_id: int) -> bool:
    return has_migration_role(user, office_id)


def inspection_offices_of(user: Any) -> QuerySet[Organisation]:
    if not _staff(user):
        return Organisation.objects.none()
    return Organisation.objects.active().filter(
        pk__in=active_assignments(user).filter(role__code=INSPECTION_ROLE).values("organisation")
    )


def staff_offices_of(user: Any) -> QuerySet[Organisation]:
    """Every office where the user holds any role: a referral sent to an office is answered by its staff."""
    if not _staff(user):
        return Organisation.objects.none()
    return Organisation.objects.active().filter(pk__in=active_assignments(user).values("organisation"))
