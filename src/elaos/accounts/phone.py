"""Lao mobile numbers: parse what people type (020 5555 1234, 2055551234, +856 20 …) into E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elaos.core.lao import to_arabic_digits

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalize_lao_mobile(raw: str) -> str:
    text = to_arabic_digits((raw or "").strip())
    try:
        number = phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a Lao mobile number, for example 020 5555 1234."), code="invalid") from exc
    if number.country_code != 856:
        raise ValidationError(_("Only Lao mobile numbers (+856) can be used."), code="not_lao")
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValidationError(_("Enter a Lao mobile number, for example 020 5555 1234."), code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
