"""PostgreSQL: each search row carries its document's facts (nothing on SQLite).

Type, decade, year and collection ids, written with the text (see ``FACT_COLUMNS`` in
:mod:`chancery.search.backends.postgres`): a plain search then counts, ranks and facets
its matches without reading the documents. Filling the columns for an existing index
rewrites the search table once (its generated vectors are recomputed: minutes at 200,000
documents). A plain search then trusts the table to hold only published documents:
triggers on the documents table keep it so when documents are deleted, truncated or
unpublished without Django's signals.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import facts_sql

        for statement in facts_sql():
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import FACT_COLUMNS, GONE_DROP_SQL, TABLE

        for statement in GONE_DROP_SQL:
            schema_editor.execute(statement)
        columns = ", ".join(f"DROP COLUMN IF EXISTS {name}" for name in FACT_COLUMNS)
        schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_head"), ("corpus", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
