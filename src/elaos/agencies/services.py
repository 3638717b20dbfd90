from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.audit import audit_record
from elaos.core.services import object_archive


@transaction.atomic
def organisation_create(*, actor: object, **fields: object) -> Organisation:
    organisation = Organisation(created_by=_user(actor), updated_by=_user(actor), **fields)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", obj=organisation, data={"code": organisation.code})
    return organisation


@transaction.atomic
def role_assign(*, actor: object, user: object, organisation: Organisation, role: Role) -> RoleAssignment:
    if not getattr(user, "is_staff", False):
        raise ValidationError(_("Only staff accounts can hold a role in an office."))
    assignment, created = RoleAssignment.objects.active().get_or_create(
        user=user,
        organisation=organisation,
        role=role,
        defaults={"created_by": _user(actor), "updated_by": _user(actor)},
    )
    if created:
        audit_record(
            actor=actor,
            action="role.assign",
            obj=assignment,
            data={"user": str(user.public_id), "organisation": organisation.code, "role": role.code},  # type: ignore[attr-defined]
        )
    return assignment


def role_revoke(*, actor: object, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    return object_archive(actor=actor, obj=assignment, reason=reason)


def _user(actor: object) -> object | None:
    return actor if getattr(actor, "is_authenticated", False) else None
