"""EMVCo merchant QR: the CRC against an independent implementation, the fields, round trips and tampering."""

import binascii
import contextlib
import string

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from elaos.payments import emvco

EMVCO_SAMPLE = "00020101021153037645802TH29370016A000000677010111011300668960066896304"

ascii_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
names = st.text(ascii_printable, min_size=1, max_size=25).filter(lambda s: s.strip() and " " not in s)
bill_numbers = st.text(string.ascii_uppercase + string.digits + "-", min_size=1, max_size=25)
amounts = st.integers(min_value=1, max_value=10**13 - 1)


def payload_for(amount: int, name: str, bill: str, label: str = "") -> str:
    return emvco.build(amount_kip=amount, merchant_name=name, bill_number=bill, reference_label=label)


@pytest.mark.parametrize("data", [EMVCO_SAMPLE, "123456789", "", "000201010212"])
def test_crc_matches_an_independent_implementation(data: str) -> None:
    assert emvco.crc16_ccitt_false(data.encode()) == binascii.crc_hqx(data.encode(), 0xFFFF)


def test_crc_check_value_of_the_standard() -> None:
    # The catalogue check value of CRC-16/CCITT-FALSE.
    assert emvco.checksum("123456789") == "29B1"
    assert emvco.checksum(EMVCO_SAMPLE) == f"{binascii.crc_hqx(EMVCO_SAMPLE.encode(), 0xFFFF):04X}"


def test_the_emvco_sample_with_its_crc_parses() -> None:
    # E630 is what binascii.crc_hqx(sample, 0xFFFF) gives: an implementation independent of ours.
    payload = EMVCO_SAMPLE + "E630"

    qr = emvco.parse(payload)

    assert (qr.merchant_tag, qr.guid, qr.acquirer_id) == ("29", "A000000677010111", "0066896006689")
    assert (qr.currency, qr.country, qr.point_of_initiation) == ("764", "TH", "11")


def test_a_payload_has_the_fields_of_a_lao_qr() -> None:
    payload = payload_for(150_000, "Ministry of Finance", "ELA-ABCD-EFGH", "mof")

    assert payload.startswith("000201010212")
    fields = emvco.read_fields(payload)
    assert list(fields) == ["00", "01", "38", "52", "53", "54", "58", "59", "60", "62", "63"]
    assert emvco.read_fields(fields["38"]) == {"00": "LA.ELAOS.GOV", "01": "ELAOSSIM", "02": "ELAOS0000000001"}
    assert (fields["52"], fields["53"], fields["54"], fields["58"]) == ("9399", "418", "150000", "LA")
    assert (fields["59"], fields["60"]) == ("Ministry of Finance", "VIENTIANE")
    assert fields["62"] == "0113ELA-ABCD-EFGH0503mof"
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"


@override_settings(
    PAYMENTS_QR_MERCHANT_TAG="29",
    PAYMENTS_QR_GUID="A005266284662577",
    PAYMENTS_QR_ACQUIRER="BCEL",
    PAYMENTS_MERCHANT_ID="M1",
)
def test_the_merchant_account_comes_from_settings() -> None:
    qr = emvco.parse(payload_for(1, "Tax", "R1"))

    assert (qr.merchant_tag, qr.guid, qr.acquirer_id, qr.merchant_id) == ("29", "A005266284662577", "BCEL", "M1")


def test_merchant_names_are_ascii_and_short() -> None:
    assert emvco.ascii_name("Ministère  de l'Éducation et des Sports") == "Ministere de l'Education"
    assert emvco.ascii_name("ກະຊວງການເງິນ") == ""
    with pytest.raises(emvco.QrPayloadError):
        payload_for(1, "ກະຊວງການເງິນ", "R1")


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "100", 10**13])
def test_only_whole_positive_kip_amounts(amount: object) -> None:
    with pytest.raises(emvco.QrPayloadError):
        payload_for(amount, "Tax", "R1")  # type: ignore[arg-type]


def test_a_bill_number_longer_than_25_is_refused_not_cut() -> None:
    with pytest.raises(emvco.QrPayloadError):
        payload_for(1, "Tax", "R" * 26)


@given(amount=amounts, name=names, bill=bill_numbers, label=st.one_of(st.just(""), bill_numbers))
def test_round_trip(amount: int, name: str, bill: str, label: str) -> None:
    qr = emvco.parse(payload_for(amount, name, bill, label))

    assert qr.amount_kip == amount
    assert qr.merchant_name == name
    assert (qr.bill_number, qr.reference_label) == (bill, label)
    assert (qr.currency, qr.country, qr.mcc, qr.city) == ("418", "LA", "9399", "VIENTIANE")
    assert qr.is_dynamic


@given(
    amount=amounts,
    name=names,
    bill=bill_numbers,
    position=st.integers(min_value=0),
    replacement=ascii_printable,
)
def test_any_single_changed_character_fails_the_crc(
    amount: int, name: str, bill: str, position: int, replacement: str
) -> None:
    payload = payload_for(amount, name, bill)
    position %= len(payload)
    if payload[position] == replacement:
        return
    tampered = payload[:position] + replacement + payload[position + 1 :]

    with pytest.raises(emvco.QrChecksumError):
        emvco.parse(tampered)


@given(amount=amounts, position=st.integers(min_value=0), replacement=st.characters(min_codepoint=0x7F))
def test_a_non_ascii_character_is_refused(amount: int, position: int, replacement: str) -> None:
    payload = payload_for(amount, "Tax", "R1")
    position %= len(payload)

    with pytest.raises(emvco.QrPayloadError):
        emvco.parse(payload[:position] + replacement + payload[position + 1 :])


@given(st.text(max_size=120))
def test_any_text_parses_or_raises_a_payload_error(text: str) -> None:
    with contextlib.suppress(emvco.QrPayloadError):
        emvco.parse(text)


@pytest.mark.parametrize(
    "body",
    [
        "000201010212",  # no merchant account
        "0002020102123812000812345678530341858",  # wrong payload format
        "00020101021238120008ABCDEFGH5802LA",  # no currency
        "00020101021238120008ABCDEFGH53034185404ab125802LA",  # an amount that is not a number
        "00020101021238120008ABCDEFGH530341859",  # no field 63: the CRC hides inside field 59
    ],
)
def test_well_checksummed_but_malformed_payloads_are_refused(body: str) -> None:
    payload = body + "6304" + emvco.checksum(body + "6304")

    with pytest.raises(emvco.QrPayloadError):
        emvco.parse(payload)


def test_the_crc_must_be_uppercase_hex() -> None:
    payload = payload_for(1, "Tax", "R1")
    lower = payload[:-4] + payload[-4:].lower()
    if lower != payload:
        with pytest.raises(emvco.QrChecksumError):
            emvco.parse(lower)
