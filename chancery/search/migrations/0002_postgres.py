"""Create the PostgreSQL search table, its text configurations and GIN index (nothing on SQLite).

The SQL lives in :mod:`chancery.search.backends.postgres` next to the code that queries it.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import CREATE_SQL

        for statement in CREATE_SQL:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import DROP_SQL

        for statement in DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fts5")]
    operations = [migrations.RunPython(create, drop)]
