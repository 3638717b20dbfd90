"""The compact signed record printed as a QR code on every e-Laos document.

    ELA1.<base64url(JSON)>.<kid>.<base64url(Ed25519 signature over "ELA1.<base64url(JSON)>")>

The JSON uses one-letter keys to keep the QR small: i = document id, t = type code, h = holder's name,
o = issuer (organisation code), d = issue date (ISO 8601). Base64url is written without padding, and only the
canonical spelling is accepted, so changing any one character of a code makes it fail.

The record does not carry a hash of the PDF: the QR is drawn inside the PDF, before the PDF is signed, and a
file cannot contain its own hash. The PDF is bound to the record the other way round: its PAdES signature
covers both the printed QR and a copy of the code in the document catalogue (see `elaos.documents.pades`),
and the server keeps the SHA-256 of the signed file to compare uploads against.

No Django here: the offline verifier (`python -m elaos.documents.verify`) imports this module.
"""

import base64
import binascii
import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "ELA1"
MAX_LENGTH = 2000
# Compact JSON key for each record field.
_KEYS = {"id": "i", "type": "t", "holder": "h", "issuer": "o", "issued": "d"}
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_KID = re.compile(r"[0-9a-f]{16}")


class Reason(StrEnum):
    """Stable codes: the API returns them and clients may branch on them."""

    OK = "ok"
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    REVOKED = "revoked"
    PDF_MISMATCH = "pdf_mismatch"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Record:
    id: str
    type: str
    holder: str
    issuer: str
    issued: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    reason: str
    record: dict[str, str] | None = None
    kid: str | None = None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_record(*, record: Record, key: Ed25519PrivateKey, kid: str) -> str:
    datetime.date.fromisoformat(record.issued)
    compact = {short: getattr(record, name) for name, short in _KEYS.items()}
    body = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    signed = f"{PREFIX}.{b64url(body)}"
    return f"{signed}.{kid}.{b64url(key.sign(signed.encode('ascii')))}"


def verify_payload(payload: str, public_keys: Mapping[str, Ed25519PublicKey | bytes]) -> VerificationResult:
    """Check a code's form and signature with the published keys alone. Whether the document was revoked
    is known only to the server; see `elaos.documents.selectors.document_verification`."""
    parts = payload.split(".") if len(payload) <= MAX_LENGTH else []
    if len(parts) != 4 or parts[0] != PREFIX or not _KID.fullmatch(parts[2]):
        return VerificationResult(False, Reason.MALFORMED)
    _, body, kid, signature_text = parts
    try:
        _strict_b64decode(body)
        signature = _strict_b64decode(signature_text)
    except ValueError:
        return VerificationResult(False, Reason.MALFORMED)
    if len(signature) != 64:
        return VerificationResult(False, Reason.MALFORMED)
    if kid not in public_keys:
        return VerificationResult(False, Reason.UNKNOWN_KEY, kid=kid)
    key = public_keys[kid]
    if isinstance(key, bytes):
        key = Ed25519PublicKey.from_public_bytes(key)
    try:
        key.verify(signature, f"{PREFIX}.{body}".encode("ascii"))
    except InvalidSignature:
        return VerificationResult(False, Reason.BAD_SIGNATURE, kid=kid)
    # Only now, with the signature checked, is the content worth reading.
    record = _record(_strict_b64decode(body))
    if record is None:
        return VerificationResult(False, Reason.MALFORMED, kid=kid)
    return VerificationResult(True, Reason.OK, record.to_dict(), kid=kid)


def claimed_document_id(payload: str) -> str | None:
    """The document id a code claims, read WITHOUT checking the signature: only to find which stored row a
    verdict depends on (a cache key), never to trust it."""
    parts = payload.split(".") if len(payload) <= MAX_LENGTH else []
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    try:
        data = json.loads(_strict_b64decode(parts[1]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    value = data.get(_KEYS["id"]) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def extract_code(text: str) -> str:
    """The code from what a person pastes: the code itself, or the verification URL the QR holds
    (https://<host>/verify/?c=<code>). Codes never contain white space, so any is dropped: text copied from
    a PDF comes with line breaks."""
    text = "".join(text.split())
    if "?" in text or "://" in text:
        values = parse_qs(urlsplit(text).query).get("c")
        return values[0] if values else ""
    return text


def public_keys_from_published(data: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The keys of a /.well-known/elaos-keys.json document, by kid. Retired keys are kept: documents signed
    before a rotation stay valid."""
    keys: dict[str, Ed25519PublicKey] = {}
    for entry in data.get("keys", []):
        if entry.get("alg") != "Ed25519":
            continue
        keys[entry["kid"]] = Ed25519PublicKey.from_public_bytes(_strict_b64decode(entry["public_key"]))
    return keys


def _strict_b64decode(text: str) -> bytes:
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error
    # Several spellings decode to the same bytes (the unused low bits of the last character); only the
    # canonical one is a valid code.
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _record(body: bytes) -> Record | None:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or set(data) != set(_KEYS.values()):
        return None
    if not all(isinstance(value, str) for value in data.values()):
        return None
    try:
        datetime.date.fromisoformat(data["d"])
    except ValueError:
        return None
    return Record(**{name: data[short] for name, short in _KEYS.items()})
