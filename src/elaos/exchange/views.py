"""Pages of the exchange. For citizens: my consents (give, confirm with the code, approve an agency's request,
revoke, download the receipt) and who accessed my data. For anyone: check a consent receipt. For agency
administrators (staff): their agencies' systems, webhooks and delivery log."""

import contextlib
import json
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elaos.core.decorators import staff_required
from elaos.exchange import access, selectors, services
from elaos.exchange.api import access_log_csv, access_log_json
from elaos.exchange.datasets import DATASETS, Purpose
from elaos.exchange.forms import (
    AgencyClientForm,
    AgencyClientUpdateForm,
    ArchiveForm,
    ChannelForm,
    CodeForm,
    ConsentForm,
    ReceiptVerifyForm,
    WebhookForm,
)
from elaos.exchange.models import ConsentGrant


def _call(form: forms.Form, service: Any, **kwargs: Any) -> Any:
    """Run a service; its refusals become form errors (a too-many-codes refusal too), or a 404."""
    try:
        return service(**kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except services.TooManyCodes:
        form.add_error(None, _("Too many codes were asked for. Try again in an hour."))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


def _dataset_names(grant: ConsentGrant) -> list[str]:
    return [str(DATASETS[d].name) if d in DATASETS else d for d in grant.datasets]


# Citizens: consents


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def consent_list(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant = _call(
            form,
            services.consent_grant_start,
            actor=request.user,
            organisation=data["agency"],
            datasets=data["datasets"],
            purpose=data["purpose"],
            valid_until=data["valid_until"],
            channel=data["channel"],
        )
        if grant is not None:
            messages.success(request, _("We sent you a code. Enter it to confirm your consent."))
            return redirect("exchange:consent_detail", grant.public_id)
    grants = list(selectors.consents_of(request.user))
    for grant in grants:
        grant.dataset_names = _dataset_names(grant)  # type: ignore[attr-defined]
    return render(
        request,
        "exchange/consent_list.html",
        {"grants": grants, "form": form, "has_agencies": form.fields["agency"].queryset.exists()},
        status=422 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def consent_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    grant = selectors.consent_of(request.user, public_id)
    code_form = CodeForm()
    channel_form = ChannelForm(user=request.user)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        done = None
        if action == "confirm":
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                done = _call(
                    code_form,
                    services.consent_grant_confirm,
                    actor=request.user,
                    grant=grant,
                    code=code_form.cleaned_data["code"],
                )
            message = _("Your consent is active. Its signed receipt is ready to download.")
        elif action in ("resend", "approve"):
            channel_form = ChannelForm(request.POST, user=request.user)
            service = services.consent_code_resend if action == "resend" else services.consent_request_approve
            if channel_form.is_valid():
                done = _call(
                    channel_form, service, actor=request.user, grant=grant, channel=channel_form.cleaned_data["channel"]
                )
            message = _("We sent you a code. Enter it to confirm your consent.")
        elif action in ("revoke", "decline"):
            service = services.consent_grant_revoke if action == "revoke" else services.consent_request_decline
            done = _call(code_form, service, actor=request.user, grant=grant)
            message = _("The consent was revoked.") if action == "revoke" else _("You declined the request.")
        else:
            raise Http404
        if done is not None:
            messages.success(request, message)
            return redirect("exchange:consent_detail", grant.public_id)
        status = 422
        grant = selectors.consent_of(request.user, public_id)
    return render(
        request,
        "exchange/consent_detail.html",
        {
            "grant": grant,
            "dataset_names": _dataset_names(grant),
            "purpose": Purpose(grant.purpose).label,
            "code_form": code_form,
            "channel_form": channel_form,
            "Status": ConsentGrant.Status,
        },
        status=status,
    )


@login_required
@require_GET
def consent_receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The receipt as a JSON file: the signed JWS and, for reading, its claims."""
    grant = selectors.consent_of(request.user, public_id)
    if not grant.receipt:
        raise Http404
    check = selectors.receipt_verification(grant.receipt)
    body = json.dumps({"receipt": grant.receipt, "claims": check.claims}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{grant.public_id}.json"'
    return response


@require_http_methods(["GET", "POST"])
def receipt_verify(request: HttpRequest) -> HttpResponse:
    form = ReceiptVerifyForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["receipt"].strip()
        # A downloaded receipt file holds the token under "receipt"; the token alone works too.
        with contextlib.suppress(ValueError, AttributeError):
            text = json.loads(text).get("receipt", text) if text.startswith("{") else text
        result = selectors.receipt_verification(str(text))
    return render(request, "exchange/receipt_verify.html", {"form": form, "result": result})


# Citizens: who accessed my data


@login_required
@never_cache
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    entries = selectors.access_log(request.user)
    download = request.GET.get("format")
    if download == "csv":
        return access_log_csv(entries)
    if download == "json":
        return access_log_json(entries)
    return render(request, "exchange/access_log.html", {"entries": entries})


# Agency administrators


@staff_required
@never_cache
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    organisations = access.manageable_organisations(request.user)
    return render(
        request,
        "exchange/backoffice/client_list.html",
        {"clients": selectors.clients_for(request.user), "can_register": organisations.exists()},
    )


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    organisations = access.manageable_organisations(request.user)
    if not organisations.exists():
        raise Http404
    form = AgencyClientForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        registered = _call(form, services.agency_client_register, actor=request.user, **form.cleaned_data)
        if registered is not None:
            # The secret is shown this once; only its hash is kept.
            return render(
                request,
                "exchange/backoffice/client_secret.html",
                {"client": registered.client, "client_secret": registered.client_secret},
            )
    return render(request, "exchange/backoffice/client_new.html", {"form": form}, status=422 if form.errors else 200)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def client_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = selectors.client_for(request.user, public_id)
    update_form = AgencyClientUpdateForm(
        initial={"scopes": client.scopes, "rate_limit_per_minute": client.rate_limit_per_minute}
    )
    webhook_form, archive_form = WebhookForm(), ArchiveForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "update":
            update_form = AgencyClientUpdateForm(request.POST)
            if update_form.is_valid() and _call(
                update_form,
                services.agency_client_update,
                actor=request.user,
                client=client,
                **update_form.cleaned_data,
            ):
                messages.success(request, _("Saved."))
                return redirect("exchange:client_detail", client.public_id)
        elif action == "subscribe":
            webhook_form = WebhookForm(request.POST)
            if webhook_form.is_valid():
                created = _call(
                    webhook_form,
                    services.webhook_subscribe,
                    actor=request.user,
                    client=client,
                    **webhook_form.cleaned_data,
                )
                if created is not None:
                    return render(
                        request,
                        "exchange/backoffice/webhook_secret.html",
                        {"client": client, "subscription": created.subscription, "secret": created.secret},
                    )
        elif action == "unsubscribe":
            subscription = selectors.webhook_of(client, request.POST.get("subscription"))
            services.webhook_unsubscribe(actor=request.user, subscription=subscription)
            messages.success(request, _("The webhook was removed."))
            return redirect("exchange:client_detail", client.public_id)
        elif action == "archive":
            archive_form = ArchiveForm(request.POST)
            if archive_form.is_valid() and _call(
                archive_form,
                services.agency_client_archive,
                actor=request.user,
                client=client,
                **archive_form.cleaned_data,
            ):
                messages.success(request, _("The system was switched off. Its tokens no longer work."))
                return redirect("exchange:client_list")
        else:
            raise Http404
    return render(
        request,
        "exchange/backoffice/client_detail.html",
        {
            "client": client,
            "dataset_names": [str(DATASETS[s].name) for s in client.scopes if s in DATASETS],
            "webhooks": selectors.webhooks_of(client),
            "deliveries": selectors.deliveries_of(client)[:20],
            "update_form": update_form,
            "webhook_form": webhook_form,
            "archive_form": archive_form,
        },
        status=422 if request.method == "POST" else 200,
    )


@staff_required
@never_cache
@require_GET
def delivery_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = selectors.client_for(request.user, public_id)
    return render(
        request,
        "exchange/backoffice/delivery_log.html",
        {"client": client, "deliveries": selectors.deliveries_of(client)[:500]},
    )


@staff_required
@require_POST
def delivery_retry(request: HttpRequest, public_id: uuid.UUID, delivery_id: uuid.UUID) -> HttpResponse:
    client = selectors.client_for(request.user, public_id)
    delivery = selectors.deliveries_of(client).filter(public_id=delivery_id).first()
    if delivery is None:
        raise Http404
    services.webhook_delivery_retry(actor=request.user, delivery=delivery)
    messages.success(request, _("The delivery will be tried again."))
    return redirect("exchange:delivery_log", client.public_id)
