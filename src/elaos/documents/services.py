"""Issuing and revoking documents. Domains call these functions; they never touch the models."""

import hashlib
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.core.events import emit
from elaos.core.lao import format_date
from elaos.documents import keys, payload, pdf
from elaos.documents.models import Document

DEFAULT_TEMPLATE = "documents/certificate_base.html"
DEFAULT_PUBLIC_URL = "https://e-laos.gov.la"


def verify_page() -> str:
    """The public /verify/ page. Documents are issued outside any request, so the host comes from the
    ELAOS_PUBLIC_URL setting or environment variable."""
    base = getattr(settings, "ELAOS_PUBLIC_URL", "") or os.environ.get("ELAOS_PUBLIC_URL", DEFAULT_PUBLIC_URL)
    return f"{base.rstrip('/')}/verify/"


def verify_url(code: str) -> str:
    """What the QR holds: a link a phone camera opens, with the code in it."""
    return f"{verify_page()}?c={code}"


def document_issue(
    *,
    actor: Any,
    holder: Any,
    issuer: Organisation,
    type_code: str,
    title_lo: str,
    title_en: str,
    template_name: str = DEFAULT_TEMPLATE,
    context: dict[str, Any] | None = None,
    subject_type: str = "",
    subject_id: str = "",
) -> Document:
    """Render `template_name` (which should extend documents/certificate_base.html) to a signed PDF carrying a
    signed QR record, keep it in private storage and return the saved Document.

    The template receives the caller's `context` plus `document`, `holder`, `issuer`, `payload` (the
    verification code), `verify_url`, `verify_page`, `qr_data_uri`, `issued_on_lo` and `issued_on_en`."""
    issued_at = timezone.now()
    document = Document(
        type_code=type_code,
        title_lo=title_lo,
        title_en=title_en,
        holder=holder,
        issuer=issuer,
        subject_type=subject_type,
        subject_id=str(subject_id),
        issued_at=issued_at,
        created_by=_user(actor),
        updated_by=_user(actor),
    )
    document.full_clean(exclude=["pdf", "sha256", "payload"])
    record_key = keys.record_key()
    issued_on = timezone.localdate(issued_at)
    record = payload.Record(
        id=str(document.public_id),
        type=type_code,
        holder=holder.get_full_name(),
        issuer=issuer.code,
        issued=issued_on.isoformat(),
    )
    document.payload = payload.sign_record(record=record, key=record_key.private_key, kid=record_key.kid)
    url = verify_url(document.payload)
    pdf_bytes = pdf.render_and_sign(
        template_name=template_name,
        context={
            **(context or {}),
            "document": document,
            "holder": holder,
            "issuer": issuer,
            "payload": document.payload,
            "verify_url": url,
            "verify_page": verify_page(),
            "qr_data_uri": pdf.qr_data_uri(url),
            "issued_on_lo": format_date(issued_on, language="lo"),
            "issued_on_en": format_date(issued_on, language="en"),
        },
        verification_code=document.payload,
    )
    document.sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    # Rendering and signing take a moment; they happen before the transaction so that no write lock is held
    # meanwhile (SQLite's IMMEDIATE transactions lock the whole database).
    return _document_save(actor=actor, document=document, pdf_bytes=pdf_bytes)


@transaction.atomic
def _document_save(*, actor: Any, document: Document, pdf_bytes: bytes) -> Document:
    document.pdf.save(f"{document.public_id}.pdf", ContentFile(pdf_bytes), save=False)
    try:
        document.full_clean()
        document.save()
        audit_record(
            actor=actor,
            action="document.issue",
            obj=document,
            data={
                "type_code": document.type_code,
                "holder": str(document.holder.public_id),
                "issuer": document.issuer.code,
                "subject": f"{document.subject_type}:{document.subject_id}",
                "sha256": document.sha256,
            },
        )
    except BaseException:
        document.pdf.delete(save=False)
        raise
    return document


@transaction.atomic
def document_revoke(*, actor: Any, document: Document, reason: str) -> Document:
    # Lock the row so that two revocations cannot both pass the check; the caller's instance is updated.
    already = Document.objects.select_for_update().values_list("revoked_at", flat=True).get(pk=document.pk)
    if already is not None:
        raise ValidationError(_("This document was already revoked."))
    if not reason.strip():
        raise ValidationError({"revocation_reason": _("Give the reason for revoking the document.")})
    document.revoked_at = timezone.now()
    document.revocation_reason = reason.strip()
    document.updated_by = _user(actor)
    document.full_clean()
    document.save(update_fields=["revoked_at", "revocation_reason", "updated_by", "updated_at"])
    audit_record(actor=actor, action="document.revoke", obj=document, data={"reason": document.revocation_reason})
    emit(
        "document.revoked",
        {
            "document": str(document.public_id),
            "type": document.type_code,
            "revoked_at": document.revoked_at.isoformat(),
        },
    )
    return document


@transaction.atomic
def document_open(*, actor: Any, document: Document) -> File:
    """The PDF file, for a download the caller has already allowed. When someone other than the holder
    (an officer) opens it, that read of personal data is audited."""
    if getattr(actor, "pk", None) != document.holder_id:
        audit_record(actor=actor, action="document.download", obj=document, data={})
    return document.pdf.open("rb")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
