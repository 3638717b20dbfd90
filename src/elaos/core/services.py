from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.core.audit import audit_record
from elaos.core.models import BaseModel


@transaction.atomic
def object_archive(*, actor: object, obj: BaseModel, reason: str) -> BaseModel:
    """Archive instead of delete: the row stays, with who archived it, when and why."""
    if not reason.strip():
        raise ValidationError({"archive_reason": _("Say why this is being archived.")})
    if obj.archived_at is not None:
        return obj
    obj.archived_at = timezone.now()
    obj.archived_by = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[assignment]
    obj.archive_reason = reason.strip()
    obj.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    audit_record(actor=actor, action=f"{obj._meta.model_name}.archive", obj=obj, data={"reason": obj.archive_reason})
    return obj
