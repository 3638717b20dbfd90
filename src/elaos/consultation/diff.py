"""Article-by-article differences between two versions of a draft, as HTML with <ins> and <del>.

Lao is written without spaces between words, so text is compared by characters, each with the vowel and tone
marks written on it (a deletion never splits a syllable's marks from its letter); runs of Latin letters or digits
compare as whole words."""

import difflib
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def tokens(text: str) -> list[str]:
    """Split text into comparable pieces; joined again they give the text back."""
    pieces: list[str] = []
    for char in text:
        if pieces:
            last = pieces[-1]
            if unicodedata.category(char).startswith("M"):
                pieces[-1] = last + char
                continue
            if char.isspace() and last[-1].isspace():
                pieces[-1] = last + char
                continue
            if _is_latin_word_char(char) and _is_latin_word_char(last[-1]):
                pieces[-1] = last + char
                continue
        pieces.append(char)
    return pieces


def _is_latin_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def diff_html(before: str, after: str) -> tuple[SafeString, bool]:
    """The text after the change, with deleted pieces in <del> and inserted pieces in <ins>; and whether
    anything changed."""
    a, b = tokens(before), tokens(after)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[str] = []
    changed = False
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        changed = True
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out)), changed  # noqa: S308 - every piece of text is escaped above
