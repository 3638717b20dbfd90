"""Lao text helpers: kip, numbers, dates and Lao digits in `lo` and `en`, and the bilingual fallback."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from babel import Locale
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from elaos.core.lao import (
    format_date,
    format_datetime,
    format_kip,
    format_number,
    localized,
    to_arabic_digits,
    to_lao_digits,
)

LAO_MONTHS = Locale("lo").months["format"]["wide"]


def test_kip_in_lao_groups_with_dots() -> None:
    assert format_kip(1234567, language="lo") == "₭1.234.567"


def test_kip_in_english_groups_with_commas() -> None:
    assert format_kip(1234567, language="en") == "₭1,234,567"


def test_kip_follows_the_active_language() -> None:
    with translation.override("en"):
        assert format_kip(5000) == "₭5,000"
    with translation.override("lo"):
        assert format_kip(5000) == "₭5.000"


def test_kip_small_and_negative_amounts() -> None:
    assert format_kip(0, language="lo") == "₭0"
    assert format_kip(-2500, language="en") == "-₭2,500"


def test_kip_with_lao_digits() -> None:
    assert format_kip(1234567, language="lo", lao_digits=True) == "₭໑.໒໓໔.໕໖໗"


@pytest.mark.parametrize("amount", [1234.5, 10.0, Decimal("10"), "10", True, None])
def test_kip_refuses_anything_but_an_integer(amount: object) -> None:
    with pytest.raises(TypeError):
        format_kip(amount)  # type: ignore[arg-type]


def test_unknown_language_falls_back_to_lao() -> None:
    assert format_kip(1000, language="th") == format_kip(1000, language="lo")


def test_lao_digits_both_ways() -> None:
    assert to_lao_digits("ໂທ 020 5512 3456") == "ໂທ ໐໒໐ ໕໕໑໒ ໓໔໕໖"
    assert to_arabic_digits("໑໒໓ ກີບ") == "123 ກີບ"


@given(st.text(alphabet="0123456789", min_size=1))
def test_lao_digits_round_trip(digits: str) -> None:
    lao = to_lao_digits(digits)

    assert not set(lao) & set("0123456789")
    assert to_arabic_digits(lao) == digits


def test_number_in_both_languages() -> None:
    assert format_number(1234567, language="lo") == "1.234.567"
    assert format_number(1234567, language="en") == "1,234,567"


def test_date_in_lao_uses_the_lao_month_name() -> None:
    text = format_date(datetime.date(2026, 3, 5), language="lo")

    assert LAO_MONTHS[3] in text
    assert "2026" in text
    assert "March" not in text


def test_date_in_english() -> None:
    assert format_date(datetime.date(2026, 3, 5), language="en") == "March 5, 2026"


def test_date_with_lao_digits() -> None:
    text = format_date(datetime.date(2026, 3, 5), language="lo", lao_digits=True)

    assert "໒໐໒໖" in text
    assert LAO_MONTHS[3] in text


def test_datetime_from_the_database_is_shown_on_vientiane_time() -> None:
    utc_moment = datetime.datetime(2026, 3, 5, 7, 30, tzinfo=datetime.UTC)

    assert "14:30" in format_datetime(utc_moment, language="lo", format="short")
    assert "2:30" in format_datetime(utc_moment, language="en", format="short")


def test_localized_picks_the_language() -> None:
    org = SimpleNamespace(name_lo="ກະຊວງການເງິນ", name_en="Ministry of Finance")

    assert localized(org, "name", language="lo") == "ກະຊວງການເງິນ"
    assert localized(org, "name", language="en") == "Ministry of Finance"


def test_localized_falls_back_to_lao_when_english_is_missing() -> None:
    assert localized(SimpleNamespace(name_lo="ບ້ານ", name_en=""), "name", language="en") == "ບ້ານ"


def test_localized_falls_back_to_english_when_lao_is_missing() -> None:
    assert localized(SimpleNamespace(name_lo="", name_en="Village"), "name", language="lo") == "Village"
