"""Who may see and change which payment. A payment is the payer's alone; staff reconcile the agencies they work in.
A denied object answers 404 (see views and api), so payment ids leak nothing."""

from django.db.models import QuerySet

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation
from elaos.payments.models import Payment


def payment_visible_to(user: object, payment: Payment) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and payment.payer_id == getattr(user, "pk", None)


def can_cancel(actor: object, payment: Payment) -> bool:
    """The payer, staff of the agency being paid, or the system (a domain acting on its own, with no user)."""
    if actor is None:
        return True
    if payment_visible_to(actor, payment):
        return True
    return reconcilable_agencies(actor).filter(pk=payment.agency_id).exists()


def reconcilable_agencies(user: object) -> QuerySet[Organisation]:
    """The organisations where the staff member holds a role, and every office under them; all for a superuser."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return Organisation.objects.none()
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    found: set[int] = set()
    level = set(active_assignments(user).values_list("organisation_id", flat=True))
    # The tree is a few levels deep (ministry, department, province, district): one query per level.
    while level:
        found |= level
        level = set(Organisation.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - found
    return Organisation.objects.filter(pk__in=found)
