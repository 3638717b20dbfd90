"""EMVCo merchant-presented QR payloads, the format behind Lao QR (LAPNet) and other national QR schemes.

A payload is a run of TLV fields (two-digit id, two-digit length, value) ending with field 63, a CRC-16/CCITT-FALSE
over everything before it including "6304". Values are limited to printable ASCII here, so a length in characters
is also a length in bytes. Settings are read when a payload is built, never at import time.
"""

import unicodedata
from dataclasses import dataclass, field

from elaos.payments import conf

PAYLOAD_FORMAT = "01"
DYNAMIC = "12"
STATIC = "11"
CURRENCY_LAK = "418"
COUNTRY_LAOS = "LA"
DEFAULT_CITY = "VIENTIANE"
MAX_MERCHANT_NAME = 25
MAX_CITY = 15
MAX_ADDITIONAL_VALUE = 25
MAX_AMOUNT_DIGITS = 13


class QrPayloadError(ValueError):
    """The text is not a well-formed EMVCo merchant QR payload."""


class QrChecksumError(QrPayloadError):
    """The CRC in field 63 does not match the payload: it was mistyped, truncated or altered."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def checksum(text: str) -> str:
    return f"{crc16_ccitt_false(text.encode('ascii')):04X}"


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise QrPayloadError(f"field id {tag!r} is not two digits")
    if not value:
        raise QrPayloadError(f"field {tag} is empty")
    if len(value) > 99:
        raise QrPayloadError(f"field {tag} is longer than 99 characters")
    if not _is_printable_ascii(value):
        raise QrPayloadError(f"field {tag} is not printable ASCII")
    return f"{tag}{len(value):02d}{value}"


def ascii_name(text: str, *, limit: int = MAX_MERCHANT_NAME) -> str:
    """Latin letters stripped of accents, other scripts dropped, spaces collapsed, cut to `limit` characters.
    Lao script has no ASCII form: callers pass an English or romanised name and keep a fallback."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isascii() and c.isprintable())
    return " ".join(kept.split())[:limit].strip()


@dataclass(frozen=True)
class MerchantQr:
    """The fields of one merchant-presented payload. `fields` holds every top-level field as read."""

    merchant_tag: str
    guid: str
    acquirer_id: str
    merchant_id: str
    mcc: str
    currency: str
    amount_kip: int | None
    country: str
    merchant_name: str
    city: str
    bill_number: str = ""
    reference_label: str = ""
    point_of_initiation: str = DYNAMIC
    fields: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_dynamic(self) -> bool:
        return self.point_of_initiation == DYNAMIC


def build(
    *,
    amount_kip: int,
    merchant_name: str,
    bill_number: str,
    reference_label: str = "",
    city: str = DEFAULT_CITY,
    mcc: str | None = None,
    merchant_tag: str | None = None,
    guid: str | None = None,
    acquirer_id: str | None = None,
    merchant_id: str | None = None,
) -> str:
    """A dynamic (one payment) payload for `amount_kip` in LAK, the bill number being the payment reference."""
    if isinstance(amount_kip, bool) or not isinstance(amount_kip, int) or amount_kip <= 0:
        raise QrPayloadError("the amount must be a positive whole number of kip")
    if len(str(amount_kip)) > MAX_AMOUNT_DIGITS:
        raise QrPayloadError("the amount is too large for an EMVCo payload")
    name = ascii_name(merchant_name)
    if not name:
        raise QrPayloadError("the merchant name has no ASCII characters")
    account = (
        tlv("00", guid if guid is not None else conf.qr_guid())
        + tlv("01", acquirer_id if acquirer_id is not None else conf.qr_acquirer())
        + tlv("02", merchant_id if merchant_id is not None else conf.merchant_id())
    )
    if len(bill_number) > MAX_ADDITIONAL_VALUE or len(reference_label) > MAX_ADDITIONAL_VALUE:
        raise QrPayloadError(f"the bill number and reference label have at most {MAX_ADDITIONAL_VALUE} characters")
    additional = tlv("01", bill_number)
    if reference_label:
        additional += tlv("05", reference_label)
    body = (
        tlv("00", PAYLOAD_FORMAT)
        + tlv("01", DYNAMIC)
        + tlv(merchant_tag or conf.qr_merchant_tag(), account)
        + tlv("52", mcc or conf.qr_mcc())
        + tlv("53", CURRENCY_LAK)
        + tlv("54", str(amount_kip))
        + tlv("58", COUNTRY_LAOS)
        + tlv("59", name)
        + tlv("60", ascii_name(city, limit=MAX_CITY) or DEFAULT_CITY)
        + tlv("62", additional)
        + "6304"
    )
    return body + checksum(body)


def parse(payload: str) -> MerchantQr:
    """Check the CRC first (any single mistyped character fails it), then read the fields. Schemes leave out some
    fields EMVCo calls mandatory (PromptPay has no merchant name), so only the merchant account and currency are
    required."""
    if not _is_printable_ascii(payload):
        raise QrPayloadError("the payload is not printable ASCII")
    if len(payload) < 12:
        raise QrPayloadError("the payload is too short")
    if checksum(payload[:-4]) != payload[-4:]:
        raise QrChecksumError("the CRC does not match")
    if payload[-8:-4] != "6304":
        raise QrPayloadError("the payload does not end with its CRC field")
    fields = read_fields(payload)
    if not payload.startswith("0002" + PAYLOAD_FORMAT):
        raise QrPayloadError("the payload does not start with payload format 01")
    if next(reversed(fields)) != "63":
        raise QrPayloadError("the CRC is not the last field")
    # The configured scheme's template if present; else the first merchant account template (26-51).
    configured = conf.qr_merchant_tag()
    merchant_tag = configured if configured in fields else next((t for t in fields if 26 <= int(t) <= 51), None)
    if merchant_tag is None:
        raise QrPayloadError("the payload has no merchant account information")
    account = read_fields(fields[merchant_tag])
    additional = read_fields(fields["62"]) if "62" in fields else {}
    if "53" not in fields:
        raise QrPayloadError("the currency (field 53) is missing")
    amount = fields.get("54")
    if amount is not None and not amount.isdigit():
        raise QrPayloadError("the amount is not a whole number")
    return MerchantQr(
        merchant_tag=merchant_tag,
        guid=account.get("00", ""),
        acquirer_id=account.get("01", ""),
        merchant_id=account.get("02", ""),
        mcc=fields.get("52", ""),
        currency=fields["53"],
        amount_kip=int(amount) if amount is not None else None,
        country=fields.get("58", ""),
        merchant_name=fields.get("59", ""),
        city=fields.get("60", ""),
        bill_number=additional.get("01", ""),
        reference_label=additional.get("05", ""),
        point_of_initiation=fields.get("01", STATIC),
        fields=fields,
    )


def read_fields(text: str) -> dict[str, str]:
    """One level of TLV fields, in order. A repeated id or a length running past the end is an error."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise QrPayloadError(f"malformed field header at position {position}")
        tag, length = header[:2], int(header[2:])
        value = text[position + 4 : position + 4 + length]
        if length == 0 or len(value) != length:
            raise QrPayloadError(f"field {tag} at position {position} has a wrong length")
        if tag in fields:
            raise QrPayloadError(f"field {tag} appears twice")
        fields[tag] = value
        position += 4 + length
    return fields


def _is_printable_ascii(text: str) -> bool:
    return all(" " <= c <= "~" for c in text)
