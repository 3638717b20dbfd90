from django.db.models import QuerySet

from elaos.notifications.models import Message


def outbox_messages(*, channel: str | None = None) -> QuerySet[Message]:
    """Messages held by the local simulator, newest first (staff only: see views)."""
    qs = Message.objects.filter(backend="outbox")
    return qs.filter(channel=channel) if channel else qs
