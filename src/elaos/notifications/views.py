from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from elaos.core.decorators import staff_required
from elaos.notifications.models import Message
from elaos.notifications.selectors import outbox_messages


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("channel")
    if channel not in Message.Channel.values:
        channel = None
    page = Paginator(outbox_messages(channel=channel), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "channel": channel})
