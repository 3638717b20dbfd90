"""The RSA keys that sign e-Laos ID tokens (RS256).

They live beside the document keys, in `ELAOS_KEYS_DIR/oidc/` (see elaos.documents.keys): `keyring.json` lists
every key ever used (kid and public JWK), and `<kid>.pem` holds the private half of the active key only. The kid
is the key's RFC 7638 thumbprint, which is what django-oauth-toolkit writes in the token header.

Rotation (`manage.py oidc_rotate_key`) starts signing with a new key; the old public key stays in the JWKS, so
tokens already issued still verify, and its private half is deleted: it never signs again.

Production may instead hand the active key in through the environment (`OIDC_RSA_PRIVATE_KEY`, a PEM); the
keyring's retired public keys are still published.

Keys are read when used, never at import time, so a rotation takes effect without restarting the workers and
tests can point ELAOS_KEYS_DIR elsewhere. This module does not use Django models.
"""

import contextlib
import datetime
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.functional import lazy
from jwcrypto import jwk

from elaos.documents.keys import keys_dir

KEY_SIZE = 2048
KEYRING = "keyring.json"
ACTIVE, RETIRED = "active", "retired"

_pem_cache: dict[tuple[str, int], str] = {}


def oidc_dir() -> Path:
    return keys_dir() / "oidc"


def active_private_pem() -> str:
    """The PEM of the key that signs new ID tokens, generated on first use."""
    if configured := os.environ.get("OIDC_RSA_PRIVATE_KEY", "").strip():
        return configured
    directory = _ensure()
    path = directory / f"{_read_keyring(directory)['active']}.pem"
    stamp = (str(path), path.stat().st_mtime_ns)
    if stamp not in _pem_cache:
        _pem_cache.clear()
        _pem_cache[stamp] = path.read_text()
    return _pem_cache[stamp]


# django-oauth-toolkit reads OIDC_RSA_PRIVATE_KEY as a string; a lazy string reads the active key at each use.
active_private_pem_lazy = lazy(active_private_pem, str)()


def active_kid() -> str:
    return jwk.JWK.from_pem(active_private_pem().encode()).thumbprint()


def public_jwks() -> dict[str, list[dict[str, Any]]]:
    """The JSON Web Key Set: the active key first, then every retired key still able to verify old tokens."""
    active = jwk.JWK.from_pem(active_private_pem().encode())
    keys = [_published(json.loads(active.export_public()), active.thumbprint())]
    directory = oidc_dir()
    if (directory / KEYRING).exists():
        for entry in _read_keyring(directory)["keys"]:
            if entry["kid"] != keys[0]["kid"]:
                keys.append(_published(entry["jwk"], entry["kid"]))
    return {"keys": keys}


def public_key(kid: str) -> jwk.JWK | None:
    """The public key with this kid, active or retired; None for a kid e-Laos never published."""
    for published in public_jwks()["keys"]:
        if published["kid"] == kid:
            return jwk.JWK(**{k: v for k, v in published.items() if k in {"kty", "n", "e", "kid"}})
    return None


def rotate() -> str:
    """Start signing with a new key; returns its kid. The previous key's private half is deleted."""
    directory = _ensure()
    with _locked(directory):
        keyring = _read_keyring(directory)
        old = keyring["active"]
        keyring["active"] = _new_key(directory, keyring)
        for entry in keyring["keys"]:
            if entry["kid"] == old:
                entry["retired_at"] = _now()
        _write(directory / KEYRING, json.dumps(keyring, indent=2).encode(), private=False)
        (directory / f"{old}.pem").unlink(missing_ok=True)
    return keyring["active"]


def _published(public: dict[str, Any], kid: str) -> dict[str, Any]:
    return {"kty": public["kty"], "n": public["n"], "e": public["e"], "alg": "RS256", "use": "sig", "kid": kid}


def _ensure() -> Path:
    directory = oidc_dir()
    if (directory / KEYRING).exists():
        return directory
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Two workers starting together must not each make a different first key.
    with _locked(directory):
        if not (directory / KEYRING).exists():
            keyring: dict[str, Any] = {"active": "", "keys": []}
            keyring["active"] = _new_key(directory, keyring)
            _write(directory / KEYRING, json.dumps(keyring, indent=2).encode(), private=False)
    return directory


def _new_key(directory: Path, keyring: dict[str, Any]) -> str:
    key = jwk.JWK.generate(kty="RSA", size=KEY_SIZE)
    kid = key.thumbprint()
    _write(directory / f"{kid}.pem", key.export_to_pem(private_key=True, password=None), private=True)
    keyring["keys"].append({"kid": kid, "jwk": json.loads(key.export_public()), "created_at": _now()})
    return kid


def _read_keyring(directory: Path) -> dict[str, Any]:
    return json.loads((directory / KEYRING).read_text())


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
