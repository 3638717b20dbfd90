"""Lao-aware text segmentation for the search index: the same function cuts indexed text and typed queries.

Lao is written without spaces between words, so a Lao run is cut into words by LaoNLP's dictionary-based maximum
matching. The dictionary is normalised the same way as the text, so that the spellings people actually type
(ຫນ for ໜ, ໍາ for ຳ…) land on the same words."""

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from elaos.core.lao import to_arabic_digits

if TYPE_CHECKING:
    from pythainlp.util import Trie

# Invisible characters that Lao text copied from Word or the web is full of: U+200B is used as a word-break hint,
# so removing it leaves the cut to the dictionary instead of to whoever typed the hint.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Two spellings of the same letters, both in everyday use: the first is unified to the second. The first three
# also undo what NFKC does to ຳ, ໜ and ໝ.
_LAO_SPELLINGS = (
    ("\u0ecd\u0eb2", "\u0eb3"),  # ໍ + າ typed for ຳ (AM)
    ("\u0eab\u0e99", "\u0edc"),  # ຫນ for ໜ
    ("\u0eab\u0ea1", "\u0edd"),  # ຫມ for ໝ
    ("\u0eab\u0ea5", "\u0eab\u0ebc"),  # ຫລ for ຫຼ
)

# Standalone function words only; "ການ" and "ຄວາມ" are dropped when the dictionary cuts them off ("ການ ແຕ່ງງານ"),
# never when they are part of a compound word ("ການເງິນ"). ທີ່ stays: it starts ທີ່ຢູ່ (address) and ທີ່ດິນ (land),
# which the dictionary often cuts as two words.
LAO_STOP_WORDS = frozenset({"ແລະ", "ຂອງ", "ໃນ", "ຫຼື", "ກັບ", "ແມ່ນ", "ເພື່ອ", "ຈາກ", "ໂດຍ", "ການ", "ຄວາມ"})
ENGLISH_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "is", "it", "my", "of", "on"}
    | {"or", "the", "to", "what", "with", "your"}
)
STOP_WORDS = LAO_STOP_WORDS | ENGLISH_STOP_WORDS
# Compound parts shorter than this (in code points: letters and marks) are not indexed.
MIN_PART = 3

_LAO_BLOCK = "\u0e80-\u0eff"
# Combining marks of Latin, Thai and Lao. Python's \w leaves them out, and Lao vowel and tone marks are combining
# marks: \w alone would cut ຢັ້ງຢືນ into pieces.
_MARKS = "\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
_WORD_RUN = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
# A mark cannot start a word. One only does in broken text or where the dictionary cut inside a syllable, and
# PostgreSQL's parser leaves it out of the word: it is left out here too, so both read the same words.
_LEADING_MARKS = re.compile(rf"^[{_MARKS}]+")
_LAO_OR_NOT = re.compile(rf"[{_LAO_BLOCK}]+|[^{_LAO_BLOCK}]+")
_LAO_RUN = re.compile(rf"[{_LAO_BLOCK}]+")


def normalise(text: str) -> str:
    """No invisible characters, NFKC (full-width letters, ligatures and superscripts become plain letters and
    digits), lower case, one spelling per Lao letter, ASCII digits."""
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).lower()
    for variant, canonical in _LAO_SPELLINGS:
        text = text.replace(variant, canonical)
    return to_arabic_digits(text)


@functools.cache
def _dictionary() -> "Trie":
    """LaoNLP's word list, normalised like the text. Building the trie takes about half a second, so it is built
    once, on first use rather than at import."""
    from laonlp.corpus import lao_words
    from pythainlp.util import Trie

    return Trie({normalise(word) for word in lao_words() if word.strip()})


def _cut_lao(run: str) -> list[str]:
    """LaoNLP's word_tokenize (dictionary maximum matching), over the normalised dictionary."""
    from laonlp.tokenize.multi_cut import segment as maximum_matching

    return maximum_matching(run, custom_dict=_dictionary(), safe_mode=True)


def _runs(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each run of Lao or of other word characters in the normalised text, with its words (stop-words kept)."""
    for run in _WORD_RUN.findall(normalise(text)):
        for part in _LAO_OR_NOT.findall(run):
            words = _cut_lao(part) if _LAO_RUN.fullmatch(part) else [part]
            yield part, [word for word in (_LEADING_MARKS.sub("", w) for w in words) if word.strip()]


def segment(text: str) -> list[str]:
    """The words of a text, normalised, in order, without stop-words: Lao runs are cut by the dictionary,
    anything else is split on spaces and punctuation."""
    return [word for _run, words in _runs(text) for word in words if word not in STOP_WORDS]


def index_text(text: str) -> str:
    """The words of a text joined by single spaces: the form stored in the index and matched against."""
    return " ".join(segment(text))


def query_words(text: str) -> dict[str, int]:
    """The distinct words of a query with their weights: each word weighs 1, then comes each Lao run that the
    dictionary cut into several words, whole, weighing as much as those words. A word typed halfway ("ອາຊະຍາ" for
    ອາຊະຍາກຳ) is cut into syllables that match little or anything, but still starts the word it was meant to be."""
    words = dict.fromkeys(segment(text), 1)
    for run, cut in _runs(text):
        weight = sum(word not in STOP_WORDS for word in cut)
        if len(cut) > 1 and weight and _LAO_RUN.fullmatch(run) and run not in words:
            words[run] = weight
    return words


@functools.lru_cache(maxsize=20_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The dictionary words a compound is made of ("ເງິນບຳນານ" → ເງິນ, ບຳນານ), stop-words left out, so that a
    search for one part finds the compound; () when the word is not made of at least two dictionary words of
    MIN_PART code points or more. Shorter parts are mostly single syllables that would match almost anything."""
    if not _LAO_RUN.fullmatch(word) or len(word) < 2 * MIN_PART:
        return ()
    dictionary = _dictionary()
    # fewest[i]: the fewest parts that spell word[i:], as (count, parts); found right to left.
    fewest: list[tuple[int, list[str]] | None] = [None] * len(word) + [(0, [])]
    for i in range(len(word) - 1, -1, -1):
        options = [
            (rest[0] + 1, [prefix, *rest[1]])
            for prefix in dictionary.prefixes(word[i:])
            if len(prefix) >= MIN_PART and prefix != word and (rest := fewest[i + len(prefix)]) is not None
        ]
        fewest[i] = min(options, key=lambda option: option[0]) if options else None
    best = fewest[0]
    return tuple(part for part in best[1] if part not in STOP_WORDS) if best is not None else ()


def has_lao(text: str) -> bool:
    return _LAO_RUN.search(text) is not None


def is_latin_word(word: str) -> bool:
    return word.isascii() and word.isalpha()
