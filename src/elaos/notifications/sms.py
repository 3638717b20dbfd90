"""SMS length rules (3GPP TS 23.038 / 23.040).

Text fits the GSM 7-bit default alphabet or it is sent as UCS-2 (all Lao text is). A single message holds
160 GSM characters or 70 UCS-2 characters; split messages lose room to the concatenation header and hold 153
or 67 per part. Characters of the GSM extension table (€ [ ] { } …) take two septets.
"""

from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def sms_length(text: str) -> SmsLength:
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        single, per_part, encoding = 160, 153, "gsm7"
    else:
        units = len(text.encode("utf-16-be")) // 2
        single, per_part, encoding = 70, 67, "ucs2"
    parts = 1 if units <= single else -(-units // per_part)
    return SmsLength(encoding=encoding, units=units, parts=parts)
