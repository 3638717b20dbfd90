"""Consent receipts: a JSON record of a consent grant, signed as a compact JWS (RFC 7515, alg EdDSA) with the
same Ed25519 keys that sign the QR records on documents (elaos.documents.keys). The header's `kid` names the
key; the public keys are published at /.well-known/elaos-keys.json, so anyone can check a receipt offline,
and a key rotation leaves earlier receipts verifiable.

Whether the grant is still in force is only known online (it may have been revoked since); see
`selectors.receipt_verification`."""

import json
from dataclasses import dataclass
from typing import Any

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from elaos.documents import keys

RECEIPT_TYPE = "elaos-consent-receipt+jwt"
RECEIPT_VERSION = 1


@dataclass(frozen=True)
class ReceiptCheck:
    valid: bool
    reason: str
    claims: dict[str, Any] | None = None


def receipt_sign(claims: dict[str, Any]) -> str:
    key = keys.record_key()
    signer = jws.JWS(json.dumps(claims, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    signer.add_signature(
        jwk.JWK.from_pyca(key.private_key),
        alg="EdDSA",
        protected=json.dumps({"alg": "EdDSA", "kid": key.kid, "typ": RECEIPT_TYPE}),
    )
    return signer.serialize(compact=True)


def receipt_verify(token: str) -> ReceiptCheck:
    """Check a receipt's signature against every published key (active or retired)."""
    token = "".join((token or "").split())
    parsed = jws.JWS()
    try:
        parsed.deserialize(token)
        header = parsed.jose_header
    except (JWException, ValueError, TypeError):
        return ReceiptCheck(False, "malformed")
    if not isinstance(header, dict) or header.get("alg") != "EdDSA" or header.get("typ") != RECEIPT_TYPE:
        return ReceiptCheck(False, "malformed")
    public = {k.kid: k.public_key for k in keys.public_record_keys()}
    if header.get("kid") not in public:
        return ReceiptCheck(False, "unknown_key")
    try:
        parsed.verify(jwk.JWK.from_pyca(public[header["kid"]]), alg="EdDSA")
        claims = json.loads(parsed.payload)
    except (JWException, ValueError):
        return ReceiptCheck(False, "bad_signature")
    if not isinstance(claims, dict):
        return ReceiptCheck(False, "malformed")
    return ReceiptCheck(True, "ok", claims)
