"""Who may fetch an issued document's PDF."""

from typing import Any

from elaos.documents.models import Document


def can_download(user: Any, document: Document) -> bool:
    """The holder, or staff who passed their second factor. Staff access is deliberately broad for now; it
    should narrow to officers of the issuing organisation (or its parents) once domains need that."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == document.holder_id:
        return True
    return bool(user.is_staff and user.is_active and getattr(user, "is_verified", lambda: False)())
