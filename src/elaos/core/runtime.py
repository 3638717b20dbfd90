"""What a long-running web process does once, before its first request.

CPython's garbage collector now and then walks every container object of the process (a "full" collection),
holding the interpreter meanwhile: all of a gunicorn worker's threads wait. The Lao word segmenter's dictionary
alone is a trie of ≈ 100,000 nodes; with Django's URL patterns, views and templates a worker holds about
400,000 objects that live as long as it does, and under `make load` each full collection took 450–680 ms
every 25–30 s — most of the load test's slowest answers. `prepare_web_process` builds those long-lived
structures up front and moves them out of the collector's sight (`gc.freeze()`): full collections then walk
only what requests made since."""

import gc


def prepare_web_process() -> int:
    """Load what every request may need (every view module, the Lao dictionary), then freeze the heap as it is.
    Returns how many objects were frozen."""
    from django.urls import get_resolver

    from elaos.search.lao import segment

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    segment("ສະບາຍດີ")  # builds the segmenter's dictionary trie
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
