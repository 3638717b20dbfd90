"""Uploaded files: the type is taken from the bytes, never from the name or the browser's claim."""

import errno
import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from elaos.services.definition import UPLOAD_TYPES

logger = logging.getLogger(__name__)

_MAGIC = [(b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg")]


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def check_upload(upload: UploadedFile, *, allowed: list[str], max_bytes: int) -> CheckedUpload:
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": round(max_bytes / 1024 / 1024, 1)}, code="too_large"
        )
    upload.seek(0)
    kind = sniff(upload.read(16))
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("This kind of file is not accepted here. Send %(types)s.")
            % {"types": ", ".join(t.upper() for t in allowed)},
            code="bad_type",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind=kind, content_type=UPLOAD_TYPES[kind], size=upload.size, sha256=digest.hexdigest())


def store_upload(storage: Storage, name: str, upload: UploadedFile) -> str:
    """Write an upload to storage and return its stored name. A write that fails (disk full, quota, I/O error)
    leaves no partial file behind and raises a ValidationError the form shows next to the file input."""
    existed = storage.exists(name)
    try:
        return storage.save(name, upload)
    except OSError as exc:
        # FileSystemStorage leaves what it wrote before the error; a name that already existed is not ours.
        if not existed and storage.exists(name):
            storage.delete(name)
        logger.error("upload not stored (%s): %s", errno.errorcode.get(exc.errno or 0, "?"), exc.strerror)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            message = _("The file could not be saved: the server is out of space. Nothing was saved; try again later.")
        else:
            message = _("The file could not be saved because of a server error. Nothing was saved; try again later.")
        raise ValidationError(message, code="not_stored") from exc
