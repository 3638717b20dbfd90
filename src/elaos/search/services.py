"""Writes of the search engine: a domain puts its objects in the index and takes them out through these functions.

The index is derived from the domains' own rows (which carry their audit trail), so writing it records no audit
event. Call these in the same transaction as the change they mirror: the entry then commits or rolls back with it."""

from elaos.search.lao import compound_parts, segment
from elaos.search.models import SearchEntry


def _padded(words: list[str]) -> str:
    return f" {' '.join(words)} "


def entry_fields(
    *, title_lo: str, title_en: str, body_lo: str = "", body_en: str = "", url: str = ""
) -> dict[str, str]:
    """The stored columns of an entry: its titles and URL, and their segmented words."""
    title_words = segment(f"{title_lo}\n{title_en}")
    words = title_words + segment(f"{body_lo}\n{body_en}")
    # The parts of compounds go with the body words only: a compound found by one of its parts is a weaker match.
    parts = list(dict.fromkeys(part for word in words for part in compound_parts(word)))
    return {
        "title_lo": title_lo,
        "title_en": title_en,
        "url": url,
        "title_tokens": _padded(title_words),
        "tokens": _padded(words + parts),
    }


def search_index(
    *, kind: str, key: str, title_lo: str, title_en: str, body_lo: str = "", body_en: str = "", url: str = ""
) -> None:
    """Add or replace the entry for one object. Titles weigh more than bodies when results are ranked."""
    fields = entry_fields(title_lo=title_lo, title_en=title_en, body_lo=body_lo, body_en=body_en, url=url)
    SearchEntry(kind=kind, key=key, **fields).clean_fields()
    # update_or_create locks the row it updates and survives a concurrent first insert of the same key.
    SearchEntry.objects.update_or_create(kind=kind, key=key, defaults=fields)


def search_remove(*, kind: str, key: str) -> None:
    """Take one object out of the index; removing an object that is not there is not an error."""
    SearchEntry.objects.filter(kind=kind, key=key).delete()
