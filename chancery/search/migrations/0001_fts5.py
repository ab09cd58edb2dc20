"""Create the SQLite FTS5 index table (nothing on other engines).

The SQL is written out here as this migration created it: 0003_search_layers replaces the
table (:mod:`chancery.search.backends.sqlite_fts5` describes it as it is now).
"""

from django.db import migrations

from chancery.migration_operations import RunPython

CREATE_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, summary, body, names, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [("corpus", "0001_initial")]
    operations = [RunPython(create, drop)]
