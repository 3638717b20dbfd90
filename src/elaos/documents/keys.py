"""The keys that make e-Laos documents verifiable.

Two kinds of key live in one directory, `ELAOS_KEYS_DIR` (default `~/.local/share/elaos/keys`, outside the
repository and the web root; created 0700, private key files 0600):

- **QR record keys** (Ed25519). The active key signs the compact record printed as a QR code on each document;
  every key ever used stays in `ed25519/keyring.json` so documents signed before a rotation still verify.
  A retired key's private half is deleted at rotation: it never signs again. The key id (kid) is the first 16
  hex digits of the SHA-256 of the raw 32-byte public key.
- **PDF signing certificate** (RSA 3072) for the PAdES signature, with the CA certificate that issued it:
  `ca.crt`, `signing.crt`, `signing.key` (PEM; `ca.key` only when the CA was generated here). RSA rather than
  ECDSA: an ECDSA signature makes pyHanko declare PDF 2.0 (ISO 32002), which PDF/A-2 files may not, and
  older readers check RSA best. The development CA itself is ECDSA P-256, quick to generate.

On first use, whatever is missing is generated: an Ed25519 key and a local **"e-Laos Development CA"** that
issues the document-signing certificate. That is for laptops and tests only.

**Production** loads its keys from the same directory and the same file names: the document-signing
certificate and key issued by the government's CA go in `signing.crt` / `signing.key`, the issuing CA (the
trust root verifiers are told about) in `ca.crt`; the Ed25519 keyring is generated once on the server and
backed up. Set `ELAOS_KEYS_GENERATE=0` there so that a missing file is an error instead of a fresh development
CA. Publish the public half at `/.well-known/elaos-keys.json`; rotate with `manage.py documents_keys --rotate`.

This module does not use Django, so the offline verifier and scripts can import it.
"""

import base64
import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

from elaos.documents.payload import b64url

ISSUER = "e-Laos"
CA_NAME = "e-Laos Development CA"
SIGNING_NAME = "e-Laos Document Signing (development)"
ACTIVE, RETIRED = "active", "retired"

CA_CERT, CA_KEY = "ca.crt", "ca.key"
SIGNING_CERT, SIGNING_KEY = "signing.crt", "signing.key"
KEYRING = Path("ed25519") / "keyring.json"


class KeysMissing(RuntimeError):
    """A key file is missing and generating one is switched off (ELAOS_KEYS_GENERATE=0)."""


@dataclass(frozen=True)
class RecordKey:
    kid: str
    private_key: Ed25519PrivateKey


@dataclass(frozen=True)
class PublicRecordKey:
    kid: str
    public_key: Ed25519PublicKey
    status: str
    created_at: str


@dataclass(frozen=True)
class PdfSigningFiles:
    key: Path
    certificate: Path
    ca_certificate: Path


def keys_dir() -> Path:
    """Read on every call, not at import time, so tests and scripts can point it elsewhere."""
    configured = os.environ.get("ELAOS_KEYS_DIR")
    return Path(configured) if configured else Path.home() / ".local" / "share" / "elaos" / "keys"


def key_id(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(public_key)).hexdigest()[:16]


def record_key() -> RecordKey:
    """The active Ed25519 key that signs new QR records."""
    directory = _ensure()
    active = _read_keyring(directory)["active"]
    private = serialization.load_pem_private_key((directory / "ed25519" / f"{active}.key").read_bytes(), None)
    assert isinstance(private, Ed25519PrivateKey)
    return RecordKey(kid=active, private_key=private)


def public_record_keys() -> list[PublicRecordKey]:
    """Every QR record key ever used, the active one first."""
    keyring = _read_keyring(_ensure())
    keys = [
        PublicRecordKey(
            kid=entry["kid"],
            public_key=Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(entry["public_key"] + "==")),
            status=ACTIVE if entry["kid"] == keyring["active"] else RETIRED,
            created_at=entry["created_at"],
        )
        for entry in keyring["keys"]
    ]
    return sorted(keys, key=lambda k: (k.status != ACTIVE, k.created_at))


def pdf_signing_files() -> PdfSigningFiles:
    directory = _ensure()
    return PdfSigningFiles(
        key=directory / SIGNING_KEY, certificate=directory / SIGNING_CERT, ca_certificate=directory / CA_CERT
    )


def ca_certificate_pem() -> str:
    return (_ensure() / CA_CERT).read_text()


def published_keys() -> dict[str, Any]:
    """The public document served at /.well-known/elaos-keys.json and read by the offline verifier."""
    return {
        "issuer": ISSUER,
        "format": "ELA1",
        "keys": [
            {"kid": k.kid, "alg": "Ed25519", "public_key": b64url(_raw(k.public_key)), "status": k.status}
            for k in public_record_keys()
        ],
        "ca_certificate_pem": ca_certificate_pem(),
    }


def rotate() -> RecordKey:
    """Start signing with a new Ed25519 key. Old public keys stay published as retired; their private
    halves are deleted."""
    directory = _ensure()
    with _locked(directory):
        keyring = _read_keyring(directory)
        new = _new_record_key(directory, keyring)
        old = keyring["active"]
        keyring["active"] = new.kid
        _write_keyring(directory, keyring)
        (directory / "ed25519" / f"{old}.key").unlink(missing_ok=True)
    return new


def _ensure() -> Path:
    directory = keys_dir()
    if _complete(directory):
        return directory
    if os.environ.get("ELAOS_KEYS_GENERATE", "1").strip().lower() in {"0", "false", "no", "off"}:
        raise KeysMissing(f"document keys are missing in {directory} and ELAOS_KEYS_GENERATE is off")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    # Two processes starting together must not each make a different CA or keyring.
    with _locked(directory):
        if not (directory / KEYRING).exists():
            (directory / "ed25519").mkdir(mode=0o700, exist_ok=True)
            keyring: dict[str, Any] = {"active": "", "keys": []}
            keyring["active"] = _new_record_key(directory, keyring).kid
            _write_keyring(directory, keyring)
        if not (directory / CA_CERT).exists():
            _generate_development_ca(directory)
        if not (directory / SIGNING_CERT).exists() or not (directory / SIGNING_KEY).exists():
            _issue_development_signing_certificate(directory)
    return directory


def _complete(directory: Path) -> bool:
    return all((directory / name).exists() for name in (KEYRING, CA_CERT, SIGNING_CERT, SIGNING_KEY))


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _new_record_key(directory: Path, keyring: dict[str, Any]) -> RecordKey:
    private = Ed25519PrivateKey.generate()
    kid = key_id(private.public_key())
    _write(
        directory / "ed25519" / f"{kid}.key",
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        private=True,
    )
    keyring["keys"].append(
        {
            "kid": kid,
            "public_key": b64url(_raw(private.public_key())),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
    )
    return RecordKey(kid=kid, private_key=private)


def _read_keyring(directory: Path) -> dict[str, Any]:
    return json.loads((directory / KEYRING).read_text())


def _write_keyring(directory: Path, keyring: dict[str, Any]) -> None:
    _write(directory / KEYRING, json.dumps(keyring, indent=2).encode(), private=False)


def _write(path: Path, data: bytes, *, private: bool) -> None:
    """Atomic write: readers never see half a key."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "LA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem_key(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def _generate_development_ca(directory: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(CA_NAME))
        .issuer_name(_name(CA_NAME))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(directory / CA_KEY, _pem_key(key), private=True)
    _write(directory / CA_CERT, certificate.public_bytes(serialization.Encoding.PEM), private=False)
    # A new CA cannot vouch for a certificate issued by the old one.
    (directory / SIGNING_CERT).unlink(missing_ok=True)


def _issue_development_signing_certificate(directory: Path) -> None:
    ca_path = directory / CA_KEY
    if not ca_path.exists():
        raise KeysMissing(f"{directory / SIGNING_CERT} is missing and there is no local CA key to issue one")
    ca_key = serialization.load_pem_private_key(ca_path.read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_certificate = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(SIGNING_NAME))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(directory / SIGNING_KEY, _pem_key(key), private=True)
    _write(directory / SIGNING_CERT, certificate.public_bytes(serialization.Encoding.PEM), private=False)
