"""Citizen payment pages, the bank's callback endpoint, the bank simulator and the staff reconciliation report.
Views parse input and call services and selectors; someone else's payment answers 404."""

import io
import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elaos.core.decorators import staff_required
from elaos.core.lao import format_kip
from elaos.payments import access, bank, conf, selectors, services
from elaos.payments.forms import ReconciliationForm
from elaos.payments.models import BankCallback, Payment
from elaos.payments.reports import reconciliation_csv


def _own_payment_or_404(request: HttpRequest, public_id: uuid.UUID) -> Payment:
    payment = selectors.payment_for_payer(actor=request.user, public_id=public_id)
    if payment is None:
        raise Http404
    return payment


def _qr_data_uri(payment: Payment) -> str:
    return segno.make(payment.qr_payload, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


@login_required
@require_GET
def payment_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = _own_payment_or_404(request, public_id)
    return render(
        request,
        "payments/payment.html",
        {
            "payment": payment,
            "qr_data_uri": _qr_data_uri(payment) if payment.is_payable else None,
            "simulator": conf.simulator_enabled() and payment.is_payable,
        },
    )


@login_required
@require_GET
def receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = _own_payment_or_404(request, public_id)
    if payment.status != Payment.Status.PAID:
        raise Http404
    return render(request, "payments/receipt.html", {"payment": payment})


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    """The bank's signed notice that a QR payment was made (see elaos.payments.bank for the protocol)."""
    result = services.bank_callback_process(
        body=request.body,
        signature=request.headers.get(bank.SIGNATURE_HEADER, ""),
        timestamp=request.headers.get(bank.TIMESTAMP_HEADER, ""),
    )
    status = 400 if result.outcome == BankCallback.Outcome.REJECTED else 200
    return JsonResponse({"outcome": result.outcome, "reason": result.reason}, status=status)


@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest, reference: str) -> HttpResponse:
    """A pretend banking app for development: "Pay" sends a correctly signed callback through the real checks."""
    if not conf.simulator_enabled():
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    payment = selectors.payments_for(request.user).filter(reference=reference.upper()).first()
    if payment is None:
        raise Http404
    if request.method == "POST":
        signed = bank.simulated_callback(payment)
        result = services.bank_callback_process(
            body=signed.body, signature=signed.signature, timestamp=signed.timestamp
        )
        if result.outcome == BankCallback.Outcome.ACCEPTED:
            messages.success(
                request,
                _("The bank confirmed your payment of %(amount)s.") % {"amount": format_kip(payment.amount_kip)},
            )
        elif result.outcome == BankCallback.Outcome.DUPLICATE:
            messages.info(request, _("This payment was already made."))
        else:
            messages.error(request, _("The bank refused the payment (%(reason)s).") % {"reason": result.reason})
        return redirect("payments:detail", public_id=payment.public_id)
    return render(
        request,
        "payments/simulator.html",
        {"payment": payment, "qr_data_uri": _qr_data_uri(payment) if payment.is_payable else None},
    )


@staff_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    form = ReconciliationForm(request.GET if "date" in request.GET else None)
    if form.is_bound and not form.is_valid():
        return render(request, "payments/reconciliation.html", {"form": form, "report": None})
    day = form.day()
    report = selectors.reconciliation_day(day=day, agencies=access.reconcilable_agencies(request.user))
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        reconciliation_csv(report, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payments-{day.isoformat()}.csv"'
        return response
    if not form.is_bound:
        form = ReconciliationForm(initial={"date": day})
    return render(request, "payments/reconciliation.html", {"form": form, "report": report})
