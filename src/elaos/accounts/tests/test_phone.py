import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from elaos.accounts.phone import display_phone, normalize_lao_mobile

NOT_LAO = "Only Lao mobile numbers (+856) can be used."
INVALID = "Enter a Lao mobile number, for example 020 5555 1234."


def refusal(raw: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        normalize_lao_mobile(raw)
    return caught.value


def lao_catalogue_has(english: str) -> str | None:
    """The Lao text for an English message, or None while the Lao catalogue does not have it yet."""
    with translation.override("lo"):
        lao = translation.gettext(english)
    return lao if lao != english else None


@pytest.mark.parametrize(
    "typed",
    [
        "020 5555 1234",
        "2055551234",
        "02055551234",
        "+856 20 5555 1234",
        "+8562055551234",
        "00856 20 5555 1234",
        " 020-5555-1234 ",
        "໐໒໐ ໕໕໕໕ ໑໒໓໔",
    ],
)
def test_the_ways_people_type_a_lao_mobile_give_one_e164_number(typed: str) -> None:
    assert normalize_lao_mobile(typed) == "+8562055551234"


@pytest.mark.parametrize("typed", ["+66 81 234 5678", "0066812345678", "+1 202 555 0143"])
def test_foreign_numbers_are_refused(typed: str) -> None:
    error = refusal(typed)
    assert error.code == "not_lao"


@pytest.mark.parametrize("typed", ["", "hello", "12", "020 5555", "021 212 345", "020 5555 1234 5678"])
def test_garbage_and_lao_landlines_are_refused(typed: str) -> None:
    error = refusal(typed)
    assert error.code == "invalid"


def test_refusals_are_in_english_when_the_page_is_in_english() -> None:
    with translation.override("en"):
        assert refusal("+66 81 234 5678").messages == [NOT_LAO]
        assert refusal("hello").messages == [INVALID]


@pytest.mark.parametrize(("typed", "english"), [("+66 81 234 5678", NOT_LAO), ("hello", INVALID)])
def test_refusals_are_in_lao_when_the_page_is_in_lao(typed: str, english: str) -> None:
    lao = lao_catalogue_has(english)
    if lao is None:
        pytest.skip(f"the Lao catalogue has no translation of {english!r} yet")
    with translation.override("lo"):
        message = refusal(typed).messages[0]
    assert message == lao
    assert message != english


def test_display_phone_is_the_international_format() -> None:
    assert display_phone("+8562055551234") == "+856 20 55 551 234"


@hypothesis_settings(deadline=None)
@given(st.text(alphabet="0123456789໐໑໒໓໔໕໖໗໘໙ +-()", max_size=20))
def test_an_accepted_number_is_always_a_lao_mobile_and_normalising_it_again_changes_nothing(raw: str) -> None:
    try:
        result = normalize_lao_mobile(raw)
    except ValidationError:
        return
    assert result.startswith("+856")
    number = phonenumbers.parse(result)
    assert number.country_code == 856
    assert phonenumbers.is_valid_number(number)
    assert normalize_lao_mobile(result) == result


@hypothesis_settings(deadline=None)
@given(st.sampled_from(["66", "1", "84", "86", "855", "95"]), st.text(alphabet="0123456789", min_size=6, max_size=12))
def test_a_number_with_another_country_code_is_never_accepted(country: str, digits: str) -> None:
    with pytest.raises(ValidationError):
        normalize_lao_mobile(f"+{country}{digits}")
