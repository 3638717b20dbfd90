"""Reference data (COFOG, GFS-style economic classes, information types) and, on PostgreSQL only, trigram indexes
for payee search and a text-pattern index for budget codes."""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS payee_search_trgm ON budget_payee USING gin (search_text gin_trgm_ops)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS payee_search_trgm"]


def forward(apps, schema_editor):
    from elaos.budget.reference import reference_data_ensure

    reference_data_ensure(apps)
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
