from django.db.models import QuerySet

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation, RoleAssignment, Sector


def ministries() -> QuerySet[Organisation]:
    return Organisation.objects.active().filter(kind=Organisation.Kind.MINISTRY).order_by("code")


def organisation_children(organisation: Organisation) -> QuerySet[Organisation]:
    return organisation.children.active().select_related("province", "district").order_by("kind", "code")


def sectors() -> QuerySet[Sector]:
    return Sector.objects.select_related("line_ministry").order_by("code")


def assignments_for(user: object) -> QuerySet[RoleAssignment]:
    return active_assignments(user).select_related("organisation", "role").order_by("organisation__code")
