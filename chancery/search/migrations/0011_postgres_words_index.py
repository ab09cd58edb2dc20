"""A GIN index on ``search_pg.words`` (PostgreSQL only; nothing on SQLite).

``words`` is the unstemmed vector of a document's title, summary and names (0002_postgres):
the archive's vocabulary. Spelling-tolerant matching and "did you mean" look a word's close
spellings up in it; the index finds the rows holding any of them without reading the table.

The SQL is written out here as this migration runs it.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

FORWARD = "CREATE INDEX IF NOT EXISTS search_pg_words ON search_pg USING gin (words)"
BACKWARD = "DROP INDEX IF EXISTS search_pg_words"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_postgres_term_stats")]
    operations = [RunPython(forward, backward)]
