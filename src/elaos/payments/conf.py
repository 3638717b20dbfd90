"""Payments settings with their development defaults, read when used (never at import time).

PAYMENTS_QR_GUID, PAYMENTS_QR_ACQUIRER, PAYMENTS_MERCHANT_ID: the merchant account template of the QR, as given by
the scheme and the acquiring bank. PAYMENTS_QR_MERCHANT_TAG (38) and PAYMENTS_QR_MCC (9399, government services).
PAYMENTS_CALLBACK_SECRET: the HMAC key shared with the bank; in development it is derived from SECRET_KEY.
PAYMENTS_CALLBACK_MAX_AGE_SECONDS (300): how old a signed callback may be. PAYMENTS_EXPIRY_SECONDS (24 h): how long
a payment can be paid. PAYMENTS_SIMULATOR: serve the bank simulator even when DEBUG is off.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac


def qr_guid() -> str:
    return str(getattr(settings, "PAYMENTS_QR_GUID", "LA.ELAOS.GOV"))


def qr_acquirer() -> str:
    return str(getattr(settings, "PAYMENTS_QR_ACQUIRER", "ELAOSSIM"))


def merchant_id() -> str:
    return str(getattr(settings, "PAYMENTS_MERCHANT_ID", "ELAOS0000000001"))


def qr_merchant_tag() -> str:
    return str(getattr(settings, "PAYMENTS_QR_MERCHANT_TAG", "38"))


def qr_mcc() -> str:
    return str(getattr(settings, "PAYMENTS_QR_MCC", "9399"))


def callback_secret() -> bytes:
    secret = getattr(settings, "PAYMENTS_CALLBACK_SECRET", None)
    if secret:
        return secret.encode() if isinstance(secret, str) else bytes(secret)
    return salted_hmac("elaos.payments.callback", "bank-callback-secret", algorithm="sha256").hexdigest().encode()


def callback_secret_is_configured() -> bool:
    return bool(getattr(settings, "PAYMENTS_CALLBACK_SECRET", None))


def callback_max_age_seconds() -> int:
    return int(getattr(settings, "PAYMENTS_CALLBACK_MAX_AGE_SECONDS", 300))


def expiry_seconds() -> int:
    return int(getattr(settings, "PAYMENTS_EXPIRY_SECONDS", 24 * 60 * 60))


def simulator_enabled() -> bool:
    return bool(settings.DEBUG or getattr(settings, "PAYMENTS_SIMULATOR", False))
