"""SMS length rules: GSM-7 holds 160 (153 per part), UCS-2 holds 70 (67 per part); extension characters count
twice."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elaos.notifications.sms import GSM7_BASIC, GSM7_EXTENSION, sms_length

LAO = "ສ"


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_lao_text_is_ucs2(length: int, parts: int) -> None:
    result = sms_length(LAO * length)

    assert (result.encoding, result.units, result.parts) == ("ucs2", length, parts)


@pytest.mark.parametrize(
    ("length", "parts"), [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
def test_latin_text_is_gsm7(length: int, parts: int) -> None:
    result = sms_length("a" * length)

    assert (result.encoding, result.units, result.parts) == ("gsm7", length, parts)


@pytest.mark.parametrize("char", list(GSM7_EXTENSION))
def test_extension_characters_count_double(char: str) -> None:
    assert sms_length(char * 80) == sms_length("a" * 160)
    assert sms_length(char * 80 + "a").parts == 2
    assert sms_length(char).units == 2


def test_one_lao_character_makes_the_whole_message_ucs2() -> None:
    result = sms_length("a" * 69 + LAO)

    assert (result.encoding, result.units, result.parts) == ("ucs2", 70, 1)
    assert sms_length("a" * 70 + LAO).parts == 2


def test_characters_outside_the_bmp_take_two_ucs2_units() -> None:
    assert sms_length("😀" * 35) == sms_length(LAO * 70)
    assert sms_length("😀" * 36).parts == 2


def test_a_real_lao_code_message() -> None:
    result = sms_length("ລະຫັດຢືນຢັນ e-Laos ຂອງທ່ານແມ່ນ 482913. ຢ່າບອກລະຫັດນີ້ໃຫ້ຜູ້ໃດ.")

    assert result.encoding == "ucs2"
    assert result.parts == 1


SMS_TEXT = st.text(alphabet=st.sampled_from([*GSM7_BASIC, *GSM7_EXTENSION, "ສ", "ລ", "ໍ", "😀", "€"]), max_size=400)


@given(SMS_TEXT)
def test_parts_are_the_fewest_that_hold_the_text(text: str) -> None:
    result = sms_length(text)
    single, per_part = (160, 153) if result.encoding == "gsm7" else (70, 67)

    if result.units <= single:
        assert result.parts == 1
    else:
        assert result.parts * per_part >= result.units
        assert (result.parts - 1) * per_part < result.units


@given(SMS_TEXT, SMS_TEXT)
def test_more_text_in_the_same_encoding_never_needs_fewer_parts(text: str, more: str) -> None:
    short, long = sms_length(text), sms_length(text + more)

    assert long.units >= short.units or long.encoding != short.encoding
    if long.encoding == short.encoding:
        assert long.parts >= short.parts
