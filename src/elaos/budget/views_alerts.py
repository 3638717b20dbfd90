"""Alerts: a signed-in person follows an agency, a payee or a keyword and gets a digest by SMS or e-mail (the digests
are sent by elaos.budget.alerts). They see and cancel only their own subscriptions; anyone else's answers 404."""

import re
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from elaos.agencies.models import Organisation
from elaos.budget import selectors
from elaos.budget.alerts import alert_subscription_cancel, alert_subscription_create
from elaos.budget.forms import AlertForm
from elaos.budget.models import AlertSubscription, Payee

UUID_IN_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def find_payee(text: str) -> Payee | None:
    """A payee from its registration number, or from the address of its page (which holds its public id)."""
    text = text.strip()
    match = UUID_IN_TEXT.search(text)
    if match:
        return Payee.objects.filter(public_id=uuid.UUID(match.group())).first()
    return Payee.objects.filter(registration_number=text).first() if text else None


@login_required
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"channel": "email" if request.user.email else "sms"}
    for kind in ("agency", "payee", "keyword"):
        if request.GET.get(kind):
            initial.update({"kind": kind, kind: request.GET[kind]})
    form = AlertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target: dict[str, Any] = {}
        if data["kind"] == AlertSubscription.Kind.AGENCY:
            target["agency"] = Organisation.objects.active().filter(code=data["agency"]).first()
        elif data["kind"] == AlertSubscription.Kind.PAYEE:
            target["payee"] = find_payee(data["payee"])
            if target["payee"] is None:
                form.add_error("payee", _("No payee has this registration number or page address."))
        else:
            target["keyword"] = data["keyword"].strip()
        if data["channel"] == AlertSubscription.Channel.SMS and not request.user.phone:
            form.add_error(
                "channel", _("Your account has no mobile number: choose e-mail, or add a number to your profile.")
            )
        if data["channel"] == AlertSubscription.Channel.EMAIL and not request.user.email:
            form.add_error(
                "channel", _("Your account has no e-mail address: choose SMS, or add an address to your profile.")
            )
        if not form.errors:
            alert_subscription_create(actor=request.user, kind=data["kind"], channel=data["channel"], **target)
            messages.success(request, _("Subscribed. Digests will be sent when there is something new."))
            return redirect("budget:alerts")
    return render(
        request,
        "budget/alerts.html",
        {"form": form, "subscriptions": selectors.alert_subscriptions_of(request.user)},
    )


@login_required
@require_POST
def alert_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    subscription = selectors.alert_subscription_of(request.user, public_id)
    alert_subscription_cancel(actor=request.user, subscription=subscription)
    messages.success(request, _("Subscription cancelled."))
    return redirect("budget:alerts")
