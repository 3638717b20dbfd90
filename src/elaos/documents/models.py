import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel


def private_media_root() -> Path:
    """Where issued PDFs are kept: ELAOS_PRIVATE_MEDIA, else MEDIA_ROOT/private. Never served by the web
    server (no URL maps to it; production should put it outside MEDIA_ROOT altogether); files leave only
    through the download view, which checks who asks."""
    configured = os.environ.get("ELAOS_PRIVATE_MEDIA")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "private"


@deconstructible(path="elaos.documents.models.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """File storage whose location is looked up on each use, not fixed when the model class is imported."""

    def __init__(self) -> None:
        super().__init__(directory_permissions_mode=0o700, file_permissions_mode=0o600)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(private_media_root())

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("private files have no URL; use the download view")


def _pdf_path(document: "Document", filename: str) -> str:
    return f"documents/{document.issued_at:%Y/%m}/{document.public_id}.pdf"


class Document(BaseModel):
    """An issued, signed PDF: a certificate, licence or receipt. The file is immutable; a mistake is
    corrected by revoking the document and issuing a new one."""

    type_code = models.SlugField(_("document type"), max_length=60)
    title_lo = models.CharField(_("title (Lao)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="documents"
    )
    issuer = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    # What the document certifies, named by the domain that asked for it (e.g. "services.application" + id).
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    pdf = models.FileField(storage=PrivateStorage(), upload_to=_pdf_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    payload = models.TextField(_("verification code"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["holder", "-issued_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        permissions = [("revoke_document", "Can revoke documents")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.title_lo} ({self.public_id})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def issued_on(self) -> datetime.date:
        return timezone.localdate(self.issued_at)

    @property
    def revoked_on(self) -> datetime.date | None:
        return timezone.localdate(self.revoked_at) if self.revoked_at else None
