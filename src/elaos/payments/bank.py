"""The bank adapter: the signed HTTP callback a bank sends when a QR payment is made, and a simulator producing the
same callback in development.

The bank POSTs a JSON body {"reference", "amount", "currency": "LAK", "transaction_id", "paid_at"} (and optionally
"bank_reference") with the headers X-Elaos-Timestamp (Unix seconds) and X-Elaos-Signature: the hex HMAC-SHA256 of
"<timestamp>.<body>" under PAYMENTS_CALLBACK_SECRET.
"""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from elaos.payments import conf
from elaos.payments.models import Payment

SIGNATURE_HEADER = "X-Elaos-Signature"
TIMESTAMP_HEADER = "X-Elaos-Timestamp"


def callback_signature(*, body: bytes, timestamp: str) -> str:
    return hmac.new(conf.callback_secret(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def callback_signature_valid(*, body: bytes, signature: str, timestamp: str) -> bool:
    expected = callback_signature(body=body, timestamp=timestamp).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


@dataclass(frozen=True)
class SignedCallback:
    body: bytes
    signature: str
    timestamp: str


def simulated_callback(payment: Payment, *, paid_at: datetime | None = None) -> SignedCallback:
    """What a bank would send once the payer confirmed the payment in their banking app."""
    body = json.dumps(
        {
            "reference": payment.reference,
            "amount": payment.amount_kip,
            "currency": "LAK",
            "transaction_id": f"SIM-{secrets.token_hex(8).upper()}",
            "bank_reference": f"SIMBANK-{secrets.randbelow(10**8):08d}",
            "paid_at": (paid_at or timezone.now()).isoformat(),
        }
    ).encode()
    timestamp = str(int(time.time()))
    return SignedCallback(body=body, signature=callback_signature(body=body, timestamp=timestamp), timestamp=timestamp)
