"""What a long-running web process does once, before its first request.

CPython's garbage collector now and then walks every container object of the process (a "full" collection),
holding the interpreter meanwhile: all of a web worker's threads wait. The Lao word segmenter's dictionary
alone is a trie of ≈ 100,000 nodes; with Django's URL patterns, views and compiled templates a worker holds
about 450,000 objects that live as long as it does, and under `make load` each full collection took 450–680 ms
every 25–30 s — most of the load test's slowest answers. `prepare_web_process` builds those long-lived
structures up front and moves them out of the collector's sight (`gc.freeze()`): full collections then walk
only what requests made since."""

import gc
from collections.abc import Iterator
from pathlib import Path

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def prepare_web_process() -> int:
    """Load what requests need (every view module, the Lao dictionary, every template compiled), then freeze the
    heap as it is. Returns how many objects were frozen."""
    from django.template import engines
    from django.urls import get_resolver

    from elaos.search.lao import segment

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    segment("ສະບາຍດີ")  # builds the segmenter's dictionary trie
    engine = engines["django"].engine
    for name in template_names(engine):
        engine.get_template(name)  # compiled once, kept by the cached loader
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def template_names(engine: object) -> Iterator[str]:
    """Every template the engine's loaders can find, by the name a view would ask for."""
    seen: set[str] = set()
    for loader in engine.template_loaders:  # type: ignore[attr-defined]
        for inner in getattr(loader, "loaders", [loader]):
            for directory in inner.get_dirs():
                for path in sorted(Path(directory).rglob("*")):
                    name = path.relative_to(directory).as_posix()
                    if path.suffix in TEMPLATE_SUFFIXES and path.is_file() and name not in seen:
                        seen.add(name)
                        yield name
