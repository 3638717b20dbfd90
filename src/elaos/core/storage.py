"""Where files that are not public live."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Applications' documents, complaint evidence, agencies' uploads before publication: outside the web root
    (PRIVATE_MEDIA_ROOT), served only through views that check who asks."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)
