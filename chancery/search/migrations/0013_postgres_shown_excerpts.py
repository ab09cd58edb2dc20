"""The PostgreSQL engine keeps each document's shown excerpts in its ``search_pg`` row.

A ``shown`` column (text: ``IndexEntry.shown`` as JSON, the head of each of the document's
texts as plain text, as the FTS5 engine's ``search_shown`` and Tantivy's stored field hold
it), written with the rest of the row, so that a page's snippets are cut from it instead of
the hits' whole texts read again. Text rather than jsonb: it is only ever read whole, by
primary key, and decoded in Python; text is written without being parsed, and keeps every
character JSON can escape (jsonb refuses ``\\u0000``). It starts NULL: a hit whose row holds
none has its texts read from the database as before, and ``chancery reindex`` fills it.
Adding a nullable column rewrites nothing. Other databases: nothing.

The SQL is written out here as this migration runs it.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

FORWARD = "ALTER TABLE search_pg ADD COLUMN IF NOT EXISTS shown text"
BACKWARD = "ALTER TABLE search_pg DROP COLUMN IF EXISTS shown"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0012_fts5_shown_excerpts")]
    operations = [RunPython(forward, backward)]
