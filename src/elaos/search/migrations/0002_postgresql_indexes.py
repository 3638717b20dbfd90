"""PostgreSQL only: the segmented words as a stored tsvector with a full-text index, and a trigram index over the
title words. SQLite has neither and searches with LIKE (elaos.search.selectors).

The tsvector is a stored generated column rather than an index over the expression to_tsvector('simple', tokens):
with an expression index, every row the index does not rule out has its text parsed again, and a query for a
common word ("ໃບ", "registration") then parsed most of the table (0.7 s for 20,000 entries instead of 30 ms).
The model does not declare the column (SQLite could not compute it); PostgreSQL fills it on every write.
pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it without being a superuser."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_searchentry ADD COLUMN tokens_tsvector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED",
    "CREATE INDEX search_entry_tokens_fts ON search_searchentry USING gin (tokens_tsvector)",
    "CREATE INDEX search_entry_title_trgm ON search_searchentry USING gin (title_tokens gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS search_entry_title_trgm",
    "DROP INDEX IF EXISTS search_entry_tokens_fts",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tokens_tsvector",
]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run_on_postgresql(CREATE), _run_on_postgresql(DROP), elidable=False),
    ]
