"""PostgreSQL: a small "head" vector per document, to rank broad queries fast (nothing on SQLite).

Ranking reads the vector of every match; for a word in most documents that is most of the
archive. The head (title, summary, names and the start of each text layer) is small enough
to stay in the row, so broad queries pick their best candidates on it and re-rank only
those with the whole vector (see ``PostgresResults._by_relevance``). Adding the generated
column rewrites the search table once (about a minute at 200,000 documents).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import HEAD_SQL

        for statement in HEAD_SQL:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import TABLE

        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS head")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_layers")]
    operations = [migrations.RunPython(create, drop)]
