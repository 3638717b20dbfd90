"""On PostgreSQL only: trigram (pg_trgm) GIN indexes on the transactions' purposes, so the portal's and the API's
free-text search (``ILIKE '%word%'`` on purpose_lo / purpose_en, selectors._filter_sql) reads an index instead of
every row of the agency-year. The payees' names already have one (payee_search_trgm, migration 0002).

Built CONCURRENTLY (the migration is not atomic): on a live database with millions of transactions, publishing is
not blocked while the index builds. An index left invalid by an interrupted build is dropped and built again.
Nothing happens on SQLite."""

from django.db import migrations

INDEXES = {
    "tx_purpose_lo_trgm": "purpose_lo",
    "tx_purpose_en_trgm": "purpose_en",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        with schema_editor.connection.cursor() as cur:
            cur.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s",
                [name],
            )
            row = cur.fetchone()
        if row is not None and not row[0]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON budget_transaction USING gin ({column} gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("budget", "0005_flag_closed_plan_item_code")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
