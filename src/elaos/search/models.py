from django.db import models


class SearchEntry(models.Model):
    """One searchable object of a domain (a service, later an NPA…), found by its kind and key.

    Derived data: a domain rewrites its entry whenever the object changes, and the index can be rebuilt from the
    domains at any time. `title_tokens` holds the segmented words of both titles (elaos.search.lao.segment),
    `tokens` those of the titles and bodies plus the parts of their compound words; both with a space before and
    after, so that " word " matches whole words and " wor" word starts, on any database.
    On PostgreSQL, migration 0002 adds `tokens_tsvector` (to_tsvector('simple', tokens), generated and stored) and
    migration 0003 the word table `search_searchword` (one row per word of an entry, kept by triggers), which search
    ranks from (ADR 0008)."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    title_lo = models.CharField(max_length=500)
    title_en = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500, blank=True)
    title_tokens = models.TextField()
    tokens = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_entry_kind_key_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
