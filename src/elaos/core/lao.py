"""Lao text helpers: Babel formatting of dates, numbers and kip for `lo` and `en`, optional Lao digits.

Money is always an integer number of kip (LAK has no minor unit in use)."""

import datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone, translation

LAO_DIGITS = str.maketrans("0123456789", "໐໑໒໓໔໕໖໗໘໙")
ARABIC_DIGITS = str.maketrans("໐໑໒໓໔໕໖໗໘໙", "0123456789")


def _locale(language: str | None) -> str:
    lang = (language or translation.get_language() or "lo").split("-")[0]
    return lang if lang in {"lo", "en"} else "lo"


def to_lao_digits(text: str) -> str:
    return text.translate(LAO_DIGITS)


def to_arabic_digits(text: str) -> str:
    """Accept numbers typed with Lao digits (໑໒໓) wherever a number is read."""
    return text.translate(ARABIC_DIGITS)


def format_kip(amount: int, *, language: str | None = None, lao_digits: bool = False) -> str:
    """₭1.234.567 in Lao, ₭1,234,567 in English. Refuses floats: money is integer kip."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("kip amounts are integers")
    locale = _locale(language)
    # The symbol is written out: English CLDR data would print "LAK" where readers expect ₭.
    text = babel_numbers.format_decimal(amount, format="₭#,##0", locale=locale)
    return to_lao_digits(text) if lao_digits else text


def format_number(value: int | float, *, language: str | None = None, lao_digits: bool = False) -> str:
    text = babel_numbers.format_decimal(value, locale=_locale(language))
    return to_lao_digits(text) if lao_digits else text


def format_date(
    value: datetime.date, *, language: str | None = None, format: str = "long", lao_digits: bool = False
) -> str:
    text = babel_dates.format_date(value, format=format, locale=_locale(language))
    return to_lao_digits(text) if lao_digits else text


def format_datetime(
    value: datetime.datetime, *, language: str | None = None, format: str = "medium", lao_digits: bool = False
) -> str:
    if timezone.is_aware(value):
        # Shown on the clock of the active time zone (Asia/Vientiane), not the UTC the database returns.
        value = timezone.localtime(value)
    text = babel_dates.format_datetime(value, format=format, tzinfo=value.tzinfo, locale=_locale(language))
    return to_lao_digits(text) if lao_digits else text


def localized(obj: object, field: str, *, language: str | None = None) -> str:
    """The `field_lo` or `field_en` of a bilingual model, falling back to Lao when English is missing."""
    lao = getattr(obj, f"{field}_lo", "") or ""
    if _locale(language) == "en":
        return getattr(obj, f"{field}_en", "") or lao
    return lao or getattr(obj, f"{field}_en", "") or ""
