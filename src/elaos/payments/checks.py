from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError

from elaos.payments import conf


@register(Tags.security, deploy=True)
def callback_secret_configured(**kwargs: object) -> list[CheckMessage]:
    """In production the bank's HMAC key must be the one agreed with the bank, not the development default."""
    if conf.callback_secret_is_configured():
        return []
    return [
        CheckError(
            "PAYMENTS_CALLBACK_SECRET is not set: bank callbacks are checked against a key derived from SECRET_KEY.",
            hint="Set PAYMENTS_CALLBACK_SECRET to the key agreed with the acquiring bank.",
            id="payments.E001",
        )
    ]
