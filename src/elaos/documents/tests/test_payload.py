"""The QR record: compact, signed, and broken by any change to a single character."""

import base64
import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from elaos.documents import keys, payload
from elaos.documents.payload import Reason, Record

KEY = Ed25519PrivateKey.generate()
KID = keys.key_id(KEY.public_key())
PUBLIC_KEYS = {KID: KEY.public_key()}
RECORD = Record(
    id="8827ef11-5bfa-4964-bd93-1daf13fb578d",
    type="birth-certificate",
    holder="ສົມໃຈ ແສງສຸລິຍາ",
    issuer="molsw",
    issued="2025-03-01",
)
CODE = payload.sign_record(record=RECORD, key=KEY, kid=KID)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ?:%ສ"


def test_a_signed_record_verifies_and_reads_back() -> None:
    result = payload.verify_payload(CODE, PUBLIC_KEYS)

    assert result.valid
    assert result.reason == Reason.OK == "ok"
    assert result.record == {
        "id": RECORD.id,
        "type": "birth-certificate",
        "holder": "ສົມໃຈ ແສງສຸລິຍາ",
        "issuer": "molsw",
        "issued": "2025-03-01",
    }
    assert result.kid == KID


def test_the_code_has_four_parts_with_short_json_keys() -> None:
    prefix, body, kid, signature = CODE.split(".")

    assert prefix == "ELA1"
    assert kid == KID
    assert "=" not in CODE
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert set(data) == {"i", "t", "h", "o", "d"}
    assert len(base64.urlsafe_b64decode(signature + "==")) == 64


def test_the_public_key_accepts_raw_bytes() -> None:
    raw = base64.urlsafe_b64decode(keys.b64url(KEY.public_key().public_bytes_raw()) + "==")

    assert payload.verify_payload(CODE, {KID: raw}).valid


@given(position=st.integers(min_value=0, max_value=len(CODE) - 1), replacement=st.sampled_from(ALPHABET))
def test_changing_any_one_character_fails(position: int, replacement: str) -> None:
    changed = CODE[:position] + replacement + CODE[position + 1 :]
    if changed == CODE:
        return

    result = payload.verify_payload(changed, PUBLIC_KEYS)

    assert not result.valid
    assert result.record is None
    assert result.reason in {Reason.MALFORMED, Reason.UNKNOWN_KEY, Reason.BAD_SIGNATURE}


@given(position=st.integers(min_value=0, max_value=len(CODE) - 1))
def test_dropping_any_one_character_fails(position: int) -> None:
    assert not payload.verify_payload(CODE[:position] + CODE[position + 1 :], PUBLIC_KEYS).valid


def test_an_unknown_key_is_named() -> None:
    other = Ed25519PrivateKey.generate()

    result = payload.verify_payload(CODE, {keys.key_id(other.public_key()): other.public_key()})

    assert result.reason == Reason.UNKNOWN_KEY


def test_a_record_signed_by_another_key_under_our_kid_fails() -> None:
    forged = payload.sign_record(record=RECORD, key=Ed25519PrivateKey.generate(), kid=KID)

    assert payload.verify_payload(forged, PUBLIC_KEYS).reason == Reason.BAD_SIGNATURE


def test_the_holder_cannot_be_swapped_between_codes() -> None:
    other = payload.sign_record(record=Record(**{**RECORD.to_dict(), "holder": "ນ້ອຍ"}), key=KEY, kid=KID)
    prefix, _body, kid, signature = CODE.split(".")
    spliced = ".".join([prefix, other.split(".")[1], kid, signature])

    assert payload.verify_payload(spliced, PUBLIC_KEYS).reason == Reason.BAD_SIGNATURE


@pytest.mark.parametrize(
    "code",
    [
        "",
        "ELA1",
        "hello world",
        CODE.replace("ELA1.", "ELA2.", 1),
        CODE + ".extra",
        CODE + "=",
        "x" * 5000,
    ],
)
def test_malformed_codes(code: str) -> None:
    assert payload.verify_payload(code, PUBLIC_KEYS).reason == Reason.MALFORMED


def test_a_validly_signed_body_that_is_not_a_record_is_malformed() -> None:
    signed = f"ELA1.{keys.b64url(b'[1,2,3]')}"
    code = f"{signed}.{KID}.{keys.b64url(KEY.sign(signed.encode()))}"

    assert payload.verify_payload(code, PUBLIC_KEYS).reason == Reason.MALFORMED


def test_sign_record_refuses_a_date_that_is_not_iso() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        payload.sign_record(record=Record(**{**RECORD.to_dict(), "issued": "1/3/2025"}), key=KEY, kid=KID)


def test_issue_date_is_iso() -> None:
    assert datetime.date.fromisoformat(payload.verify_payload(CODE, PUBLIC_KEYS).record["issued"])  # type: ignore[index]


@pytest.mark.parametrize(
    "pasted",
    [
        CODE,
        f"  {CODE}\n",
        f"https://e-laos.gov.la/verify/?c={CODE}",
        f"http://127.0.0.1:8000/verify/?lang=en&c={CODE}",
        "\n".join([CODE[:60], CODE[60:140], CODE[140:]]),
    ],
)
def test_extract_code_reads_the_code_or_the_link(pasted: str) -> None:
    assert payload.extract_code(pasted) == CODE


def test_extract_code_from_a_link_without_a_code_is_empty() -> None:
    assert payload.extract_code("https://e-laos.gov.la/verify/") == ""


def test_public_keys_from_published_keeps_every_ed25519_key() -> None:
    published = {
        "keys": [
            {"kid": KID, "alg": "Ed25519", "public_key": keys.b64url(KEY.public_key().public_bytes_raw())},
            {"kid": "0000000000000000", "alg": "RSA", "public_key": "AAAA"},
        ]
    }

    assert list(payload.public_keys_from_published(published)) == [KID]
