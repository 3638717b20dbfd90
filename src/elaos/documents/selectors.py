"""Reads: a holder's documents, and the online verification of a code."""

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from elaos.core.sql import column, db_value, fetch_one, table
from elaos.documents import keys, payload
from elaos.documents.models import Document
from elaos.documents.payload import Reason

REASON_MESSAGES: dict[str, Promise] = {
    Reason.OK: _("This document is genuine: e-Laos issued it and it has not been revoked."),
    Reason.MALFORMED: _("This is not an e-Laos verification code. Check that you copied all of it."),
    Reason.UNKNOWN_KEY: _("This code was not signed with an e-Laos key. The document may be forged."),
    Reason.BAD_SIGNATURE: _("This code has been changed or forged: its signature does not match."),
    Reason.REVOKED: _("This document was revoked and is no longer valid."),
    Reason.PDF_MISMATCH: _("The PDF file is not the one that was issued with this code. It may have been altered."),
    Reason.NOT_FOUND: _("e-Laos has no record of a document with this code."),
}


@dataclass(frozen=True)
class DocumentVerification:
    valid: bool
    reason: str
    record: dict[str, str] | None
    document: Document | None

    @property
    def message(self) -> str:
        return str(REASON_MESSAGES[self.reason])

    @property
    def issued_on(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.record["issued"]) if self.record else None


def documents_for_holder(user: Any) -> QuerySet[Document]:
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    return Document.objects.filter(holder=user).select_related("issuer").order_by("-issued_at")


def document_by_public_id(public_id: Any) -> Document | None:
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Document.objects.select_related("issuer", "holder").filter(public_id=public_id).first()


def verification_version(code: str) -> str:
    """Changes whenever the verdict on this code could: the claimed document's row (issued, revoked). A code
    that claims no document has a fixed verdict (malformed). Costs one small query."""
    claimed = payload.claimed_document_id(payload.extract_code(code))
    try:
        public_id = uuid.UUID(claimed) if claimed else None
    except ValueError:
        public_id = None
    if public_id is None:
        return "-"
    row = fetch_one(_version_sql(), [db_value(Document, "public_id", public_id)])
    return "|".join(map(str, row)) if row else "absent"


@cache
def _version_sql() -> str:
    # Plain SQL, built once (ADR 0007): every scan of a QR code asks it, and the ORM would cost more to compile
    # the query than the database takes to answer it.
    return (
        f"SELECT {column(Document, 'id')}, {column(Document, 'revoked_at')} FROM {table(Document)} "  # noqa: S608
        f"WHERE {column(Document, 'public_id')} = %s"
    )


def document_verification(*, code: str, pdf_chunks: Iterable[bytes] | None = None) -> DocumentVerification:
    """Check a code (or the verification URL holding it) with the published keys, then against what was
    issued: the document exists with exactly this code, is not revoked, and, when a PDF is given, is that
    very file."""
    code = payload.extract_code(code)
    result = payload.verify_payload(code, {key.kid: key.public_key for key in keys.public_record_keys()})
    if not result.valid or result.record is None:
        return DocumentVerification(False, result.reason, None, None)
    document = document_by_public_id(result.record["id"])
    # A validly signed code that is not the one stored was never handed out (or the key leaked).
    if document is None or document.payload != code:
        return DocumentVerification(False, Reason.NOT_FOUND, None, None)
    if document.is_revoked:
        return DocumentVerification(False, Reason.REVOKED, result.record, document)
    if pdf_chunks is not None:
        digest = hashlib.sha256()
        for chunk in pdf_chunks:
            digest.update(chunk)
        if digest.hexdigest() != document.sha256:
            return DocumentVerification(False, Reason.PDF_MISMATCH, result.record, document)
    return DocumentVerification(True, Reason.OK, result.record, document)
