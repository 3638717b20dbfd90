"""search_index / search_remove: what a domain writes into the index."""

import pytest
from django.core.exceptions import ValidationError

from elaos.search.models import SearchEntry
from elaos.search.selectors import search
from elaos.search.services import search_index, search_remove

pytestmark = pytest.mark.django_db


def index_passport(**changes: str) -> None:
    fields = {
        "kind": "service",
        "key": "passport",
        "title_lo": "ໜັງສືຜ່ານແດນ",
        "title_en": "Passport",
        "body_lo": "ຕໍ່ອາຍຸໜັງສືຜ່ານແດນ",
        "body_en": "Renew an ordinary passport.",
        "url": "/services/passport/",
    }
    search_index(**{**fields, **changes})


def test_index_stores_segmented_words_between_spaces() -> None:
    index_passport()
    entry = SearchEntry.objects.get(kind="service", key="passport")
    assert entry.title_tokens == " ໜັງສືຜ່ານແດນ passport "
    assert entry.tokens == " ໜັງສືຜ່ານແດນ passport ຕໍ່ ອາຍຸ ໜັງສືຜ່ານແດນ renew ordinary passport ໜັງສື ຜ່ານແດນ "


def test_the_parts_of_a_compound_are_body_words() -> None:
    index_passport()
    entry = SearchEntry.objects.get()
    assert " ຜ່ານແດນ " in entry.tokens
    assert " ຜ່ານແດນ " not in entry.title_tokens
    assert [hit.key for hit in search("ຜ່ານແດນ")] == ["passport"]


def test_indexing_again_replaces_the_entry() -> None:
    index_passport()
    index_passport(title_en="Travel document", body_en="", url="/services/travel-document/")
    assert SearchEntry.objects.count() == 1
    assert search("renew") == []
    [hit] = search("travel")
    assert (hit.key, hit.title_en, hit.url) == ("passport", "Travel document", "/services/travel-document/")


def test_the_same_key_in_two_kinds_is_two_entries() -> None:
    index_passport()
    index_passport(kind="npa")
    assert sorted(SearchEntry.objects.values_list("kind", flat=True)) == ["npa", "service"]


def test_remove_takes_the_entry_out() -> None:
    index_passport()
    index_passport(kind="npa")
    search_remove(kind="service", key="passport")
    assert [hit.kind for hit in search("passport")] == ["npa"]


def test_removing_what_is_not_there_is_not_an_error() -> None:
    search_remove(kind="service", key="nothing")


@pytest.mark.parametrize("changes", [{"title_lo": ""}, {"kind": ""}, {"key": "x" * 101}, {"url": "/" * 501}])
def test_bad_input_is_refused_and_nothing_is_written(changes: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        index_passport(**changes)
    assert not SearchEntry.objects.exists()
