"""Index the machine-read text of scans (OCR) as a text layer of its own.

SQLite: drops the FTS5 table and recreates it with a ``machine`` column after the others.
The new table starts empty: an archive that has published documents is reindexed by
today's indexer once ``migrate`` has finished (``chancery.search.apps.EMPTIES_INDEX``),
never from here. PostgreSQL: a ``machine`` text column beside the others, its own
generated ``machine_vector`` (label D, weighted below human text at ranking) and a GIN
index on it; the rows are filled by the same reindex.

The SQL is written out here as this migration runs it, so that later changes to the
engines cannot change it.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(words UNINDEXED, "
    "title, summary, translation, transcript, names, machine, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_CREATE_BEFORE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(words UNINDEXED, "
    "title, summary, translation, transcript, names, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
POSTGRES_FORWARD = [
    "ALTER TABLE search_pg ADD COLUMN machine text NOT NULL DEFAULT ''",
    "ALTER TABLE search_pg ADD COLUMN machine_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector(text_config, left(machine, 1000000)), 'D')) STORED",
    "CREATE INDEX search_pg_machine ON search_pg USING gin (machine_vector) "
    "WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_pg_machine",
    "ALTER TABLE search_pg DROP COLUMN IF EXISTS machine_vector",
    "ALTER TABLE search_pg DROP COLUMN IF EXISTS machine",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(SQLITE_CREATE_BEFORE)
    elif vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0008_postgres_creator_facet")]
    operations = [RunPython(forward, backward)]
