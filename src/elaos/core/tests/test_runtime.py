"""A web process loads its long-lived structures before its first request and hides them from the garbage
collector's full collections."""

import gc
from collections.abc import Iterator

import pytest
from django.template import engines

from elaos.core.runtime import prepare_web_process, template_names
from elaos.search.lao import _dictionary


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_lao_dictionary_and_the_views_are_frozen_out_of_full_collections(unfrozen: None) -> None:
    frozen = prepare_web_process()

    assert frozen == gc.get_freeze_count() > 100_000
    # The dictionary's trie (its root and nodes) is among the frozen objects: no generation holds it any more.
    trie = _dictionary()
    young_or_old = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    assert id(trie) not in young_or_old
    assert id(trie.root) not in young_or_old
    assert gc.is_tracked(trie.root)


def test_every_template_is_compiled_before_the_first_request(unfrozen: None) -> None:
    engine = engines["django"].engine
    names = list(template_names(engine))
    assert "services/backoffice/queue.html" in names
    assert "documents/certificate_base.html" in names

    prepare_web_process()

    cached = engine.template_loaders[0].get_template_cache
    assert {"services/backoffice/queue.html", "base.html"} <= set(cached)
