"""Webhook signatures in the Standard Webhooks scheme (https://www.standardwebhooks.com/), so that agencies can
check them with that project's published libraries:

    webhook-id: <delivery id>
    webhook-timestamp: <unix seconds>
    webhook-signature: v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">

The secret is "whsec_" followed by the base64 of 32 random bytes; the HMAC key is those bytes. The timestamp is
signed, so a receiver refuses replays older than a few minutes.

No Django here: an agency can copy `signature_verify` as it is."""

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def signed_headers(*, secret: str, message_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body),
    }


def signature_verify(*, secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    """What a receiver does: recompute the signature and compare in constant time, within the time tolerance."""
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id, stamp = lowered.get("webhook-id", ""), lowered.get("webhook-timestamp", "")
    if not message_id or not stamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret=secret, message_id=message_id, timestamp=int(stamp), body=body)
    return any(hmac.compare_digest(expected, given) for given in lowered.get("webhook-signature", "").split())
