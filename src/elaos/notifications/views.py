from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from elaos.core.decorators import staff_required
from elaos.notifications.models import Message
from elaos.notifications.selectors import outbox_messages


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    # The simulator holds everyone's sign-in codes: it exists only while a channel is delivered to it, never
    # once SMS and e-mail go to the real gateway and mail server.
    if "outbox" not in (settings.NOTIFY_SMS_BACKEND, settings.NOTIFY_EMAIL_BACKEND):
        raise Http404
    channel = request.GET.get("channel")
    if channel not in Message.Channel.values:
        channel = None
    page = Paginator(outbox_messages(channel=channel), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "channel": channel})
