"""Who may fetch an issued document's PDF."""

from typing import Any

from elaos.agencies.access import active_assignments
from elaos.documents.models import Document

# The organisation tree is a few levels deep (ministry, department, province, district).
_MAX_DEPTH = 10


def _issuer_and_ancestors(document: Document) -> set[int]:
    found: set[int] = set()
    organisation = document.issuer
    while organisation is not None and organisation.pk not in found and len(found) < _MAX_DEPTH:
        found.add(organisation.pk)
        organisation = organisation.parent
    return found


def can_download(user: Any, document: Document) -> bool:
    """The holder; staff who passed their second factor and hold a role in the issuing office or in an organisation
    above it (a ministry supervises its offices); and superusers. Staff of a sibling office see nothing: a
    certificate names a person."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == document.holder_id:
        return True
    if not (user.is_staff and user.is_active and getattr(user, "is_verified", lambda: False)()):
        return False
    if user.is_superuser:
        return True
    return active_assignments(user).filter(organisation_id__in=_issuer_and_ancestors(document)).exists()
