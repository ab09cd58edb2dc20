"""A covering index for SQLite FTS5's matches table (search/backends/sqlite_fts5/summary.py).

Every search with words copies its matches into a temporary table: the published
documents among the FTS5 hits, with their type, decade and earliest date. Without this
index SQLite finds each hit through the ``status`` index and then reads the document's
whole row for those three columns; with it the statement reads the index alone ("USING
COVERING INDEX"). Measured at 200,000 documents (bench/README.md, "A covering index for
the matches table"). SQLite only: the PostgreSQL engine does not run this statement, and an
index it does not use would only slow its writes.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

NAME = "corpus_document_search_matches"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON corpus_document "
            "(status, id, doc_type_id, decade, date_earliest)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("corpus", "0013_agent_relations")]

    operations = [RunPython(create, drop, elidable=False)]
