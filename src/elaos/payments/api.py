from django.http import Http404, HttpRequest
from ninja import Router
from ninja.security import django_auth

from elaos.core.lao import localized
from elaos.payments import selectors
from elaos.payments.schemas import PaymentOut

router = Router(tags=["payments"])


@router.get("/{public_id}", response=PaymentOut, auth=django_auth, summary="One of my payments")
def payment_detail(request: HttpRequest, public_id: str) -> PaymentOut:
    """The payer's own payment; anyone else's answers 404. The QR payload is given only while it can be paid."""
    payment = selectors.payment_for_payer(actor=request.user, public_id=public_id)
    if payment is None:
        raise Http404
    return PaymentOut(
        id=str(payment.public_id),
        reference=payment.reference,
        status=payment.status,
        amount=payment.amount_kip,
        currency="LAK",
        purpose_lo=payment.purpose_lo,
        purpose_en=payment.purpose_en,
        agency=localized(payment.agency, "name"),
        expires_at=payment.expires_at,
        paid_at=payment.paid_at,
        qr_payload=payment.qr_payload if payment.is_payable else None,
    )
