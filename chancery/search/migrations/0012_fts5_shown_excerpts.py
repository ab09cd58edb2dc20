"""The SQLite FTS5 engine keeps each document's shown excerpts beside its index.

A plain table ``search_shown`` (the document's primary key, and the head of each of its
texts as plain text, JSON: what ``IndexEntry.shown`` holds), written with the index, so
that a page's snippets are cut from it instead of the hits' whole texts. It starts empty:
a hit it holds nothing for has its texts read from the database as before, and
``chancery reindex`` fills it. Other databases: nothing.

The SQL is written out here as this migration runs it.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

FORWARD = "CREATE TABLE IF NOT EXISTS search_shown (id INTEGER PRIMARY KEY, shown TEXT NOT NULL)"
BACKWARD = "DROP TABLE IF EXISTS search_shown"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0011_postgres_words_index")]
    operations = [RunPython(forward, backward)]
