"""Segmentation: the same cut for indexed text and for queries, whatever way the text was typed."""

from hypothesis import given, settings
from hypothesis import strategies as st
from laonlp.corpus import lao_words

from elaos.search.lao import compound_parts, index_text, normalise, query_words, segment


def test_lao_typed_without_spaces_becomes_several_words() -> None:
    assert segment("ໃບຢັ້ງຢືນທີ່ຢູ່") == ["ໃບ", "ຢັ້ງຢືນ", "ທີ່", "ຢູ່"]


def test_tone_marks_and_vowel_signs_stay_inside_words() -> None:
    assert segment("ປຶ້ມສຳມະໂນຄົວ") == ["ປຶ້ມ", "ສຳມະໂນຄົວ"]


def test_lao_digits_become_ascii_digits() -> None:
    assert segment("ດຳລັດ ເລກທີ ໒໓໘") == ["ດຳລັດ", "ເລກທີ", "238"]


def test_zero_width_spaces_are_dropped_and_the_dictionary_cuts() -> None:
    assert segment("ໃບ\u200bຂັບ\u200bຂີ່") == segment("ໃບຂັບຂີ່") == ["ໃບ", "ຂັບຂີ່"]
    assert segment("pass\u200bport") == ["passport"]


def test_both_spellings_of_the_same_letters_give_the_same_words() -> None:
    assert segment("ຫນັງສືຜ່ານແດນ") == segment("ໜັງສືຜ່ານແດນ")
    assert segment("ບັດປະຈໍາຕົວ") == segment("ບັດປະຈຳຕົວ")
    assert segment("ນະຄອນຫລວງ") == segment("ນະຄອນຫຼວງ")


def test_latin_is_lower_case_and_split_on_punctuation() -> None:
    assert segment("Pre-departure Registration, NPA!") == ["pre", "departure", "registration", "npa"]


def test_lao_next_to_latin_is_split_at_the_script_change() -> None:
    assert segment("ໃບpassport") == ["ໃບ", "passport"]


def test_standalone_stop_words_are_dropped_but_not_inside_compounds() -> None:
    assert segment("ການແຕ່ງງານ ແລະ ການຢ່າຮ້າງ") == ["ແຕ່ງງານ", "ຢ່າຮ້າງ"]
    assert segment("ກະຊວງການເງິນ") == ["ກະຊວງ", "ການເງິນ"]
    assert segment("The certificate of residence") == ["certificate", "residence"]


def test_normalise_is_nfc() -> None:
    assert normalise("Cafe\u0301") == "café"


def test_index_text_joins_words_with_single_spaces() -> None:
    assert index_text("  ໃບແຈ້ງເກີດ ,  Birth\tcertificate\n") == "ໃບ ແຈ້ງເກີດ birth certificate"


def test_a_query_keeps_each_lao_run_the_dictionary_cut_whole_weighing_as_much_as_its_words() -> None:
    assert query_words("ອາຊະຍາ") == {"ອາ": 1, "ຊະ": 1, "ຍາ": 1, "ອາຊະຍາ": 3}
    assert query_words("ການແຕ່ງງານ") == {"ແຕ່ງງານ": 1, "ການແຕ່ງງານ": 1}
    assert query_words("ໂສດ passport ໂສດ") == {"ໂສດ": 1, "passport": 1}


def test_a_compound_is_made_of_dictionary_words() -> None:
    assert compound_parts("ເງິນບຳນານ") == ("ເງິນ", "ບຳນານ")
    assert compound_parts("ການຕາຍ") == ("ຕາຍ",)


def test_words_of_one_syllable_or_not_lao_have_no_parts() -> None:
    assert compound_parts("ໂສດ") == ()
    assert compound_parts("passport") == ()


lao_text = st.text(alphabet=st.characters(min_codepoint=0x0E80, max_codepoint=0x0EFF), max_size=40)
mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0E80, max_codepoint=0x0EFF),
        st.sampled_from(" \t\n.,-/()!?\u200b\u200c\ufeff\u00a0"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)

# Real words run together, as Lao is written: the case where the dictionary cut could depend on the neighbours.
lao_sentence = st.lists(st.sampled_from(sorted(lao_words())), min_size=1, max_size=8).map("".join)


@given(st.one_of(lao_text, mixed_text, lao_sentence))
@settings(max_examples=300, deadline=None)
def test_segment_never_returns_empty_or_whitespace_words(text: str) -> None:
    assert all(word and not word.isspace() and word == word.strip() for word in segment(text))


@given(st.one_of(lao_text, mixed_text, lao_sentence))
@settings(max_examples=300, deadline=None)
def test_index_text_is_stable_when_indexed_again(text: str) -> None:
    once = index_text(text)
    assert index_text(once).split() == once.split()
