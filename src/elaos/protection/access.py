"""Need-to-know access to protection cases.

A case is seen by its assigned case worker (while they hold the case-worker role in the case's office), by the
case supervisors of that office, and by a colleague holding a case role there who opened it "break-glass" for a
stated reason, until that access expires. Nobody else, superusers included: every other lookup answers exactly as
for a case that does not exist. A recipient of a referral sees the referral only, never the case."""

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation
from elaos.protection.models import BreakGlassAccess, ProtectionCase, Referral

CASE_WORKER = "case_worker"
CASE_SUPERVISOR = "case_supervisor"
CASE_ROLES = (CASE_WORKER, CASE_SUPERVISOR)
DEFAULT_BREAK_GLASS_MINUTES = 60


def break_glass_minutes() -> int:
    return int(getattr(settings, "PROTECTION_BREAK_GLASS_MINUTES", DEFAULT_BREAK_GLASS_MINUTES))


def _case_assignments(user: Any) -> Any:
    return active_assignments(user).filter(role__code__in=CASE_ROLES)


def has_case_role(user: Any) -> bool:
    """True for staff holding a case role somewhere: the only people for whom case pages and the API exist."""
    return _case_assignments(user).exists()


def case_organisations(user: Any, role: str | None = None) -> QuerySet[Organisation]:
    """The offices where the user holds a case role (or the given one)."""
    assignments = _case_assignments(user)
    if role:
        assignments = assignments.filter(role__code=role)
    return Organisation.objects.active().filter(pk__in=assignments.values("organisation"))


def is_supervisor(user: Any, organisation: Organisation) -> bool:
    return _case_assignments(user).filter(role__code=CASE_SUPERVISOR, organisation=organisation).exists()


def is_case_worker_in(user: Any, organisation: Organisation) -> bool:
    return _case_assignments(user).filter(role__code=CASE_WORKER, organisation=organisation).exists()


def visible_cases(user: Any) -> QuerySet[ProtectionCase]:
    assignments = _case_assignments(user)
    worker_of = assignments.filter(role__code=CASE_WORKER).values("organisation")
    supervisor_of = assignments.filter(role__code=CASE_SUPERVISOR).values("organisation")
    glass = BreakGlassAccess.objects.filter(user_id=getattr(user, "pk", None), expires_at__gt=timezone.now())
    return ProtectionCase.objects.active().filter(
        Q(case_worker_id=getattr(user, "pk", None), organisation__in=worker_of)
        | Q(organisation__in=supervisor_of)
        | Q(pk__in=glass.values("case"), organisation__in=assignments.values("organisation"))
    )


def can_break_glass(user: Any, case: ProtectionCase) -> bool:
    return _case_assignments(user).filter(organisation_id=case.organisation_id).exists()


def received_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals addressed to an association the user is a member of today, or to an office where they hold a case
    role; cancelled ones (consent withdrawn) are gone for the recipient."""
    from elaos.civil_society.selectors import npas_of

    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    numbers = [membership.npa.registration_number for membership in npas_of(user)]
    offices = _case_assignments(user).values("organisation")
    return (
        Referral.objects.active()
        .filter(Q(to_npa__in=numbers) | Q(to_organisation__in=offices))
        .exclude(status=Referral.Status.CANCELLED)
    )


def receives_referrals(user: Any) -> bool:
    from elaos.civil_society.selectors import npas_of

    return bool(npas_of(user)) or has_case_role(user)
