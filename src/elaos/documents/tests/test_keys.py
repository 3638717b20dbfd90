"""Key files: generated on first use with tight permissions, rotated without breaking old documents."""

import hashlib
import json
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from elaos.documents import keys, payload


@pytest.fixture
def fresh_keys_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "keys"
    monkeypatch.setenv("ELAOS_KEYS_DIR", str(directory))
    return directory


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_use_generates_keys_readable_only_by_the_owner(fresh_keys_dir: Path) -> None:
    key = keys.record_key()

    assert _mode(fresh_keys_dir) == 0o700
    assert _mode(fresh_keys_dir / "ed25519" / f"{key.kid}.key") == 0o600
    assert _mode(fresh_keys_dir / "signing.key") == 0o600
    assert _mode(fresh_keys_dir / "ca.key") == 0o600
    raw = key.private_key.public_key().public_bytes_raw()
    assert key.kid == hashlib.sha256(raw).hexdigest()[:16]


def test_the_default_directory_is_outside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELAOS_KEYS_DIR")

    assert keys.keys_dir() == Path.home() / ".local" / "share" / "elaos" / "keys"


def test_second_use_loads_the_same_keys(fresh_keys_dir: Path) -> None:
    first = keys.record_key()
    ca = (fresh_keys_dir / "ca.crt").read_bytes()

    assert keys.record_key().kid == first.kid
    assert (fresh_keys_dir / "ca.crt").read_bytes() == ca


def test_the_signing_certificate_is_issued_by_the_development_ca(fresh_keys_dir: Path) -> None:
    files = keys.pdf_signing_files()
    ca = x509.load_pem_x509_certificate(files.ca_certificate.read_bytes())
    certificate = x509.load_pem_x509_certificate(files.certificate.read_bytes())

    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "e-Laos Development CA"
    assert ca.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert certificate.issuer == ca.subject
    certificate.verify_directly_issued_by(ca)
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 3072


def test_rotation_keeps_old_public_keys_so_old_codes_still_verify(fresh_keys_dir: Path) -> None:
    old = keys.record_key()
    record = payload.Record(id="x", type="t", holder="h", issuer="o", issued="2025-01-01")
    old_code = payload.sign_record(record=record, key=old.private_key, kid=old.kid)

    new = keys.rotate()

    assert new.kid != old.kid
    assert keys.record_key().kid == new.kid
    assert not (fresh_keys_dir / "ed25519" / f"{old.kid}.key").exists()
    published = keys.published_keys()
    assert [(k["kid"], k["status"]) for k in published["keys"]] == [(new.kid, "active"), (old.kid, "retired")]
    assert payload.verify_payload(old_code, payload.public_keys_from_published(published)).valid


def test_published_keys_hold_no_private_material(fresh_keys_dir: Path) -> None:
    text = json.dumps(keys.published_keys())

    assert "PRIVATE" not in text
    assert "BEGIN CERTIFICATE" in text


def test_without_generation_missing_keys_are_an_error(fresh_keys_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELAOS_KEYS_GENERATE", "0")

    with pytest.raises(keys.KeysMissing):
        keys.record_key()
    assert not fresh_keys_dir.exists()
