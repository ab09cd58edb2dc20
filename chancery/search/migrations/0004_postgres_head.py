"""PostgreSQL: a small "head" vector per document, to rank broad queries fast (nothing on SQLite).

Ranking reads the vector of every match; for a word in most documents that is most of the
archive. The head (title, summary, names and the start of each text layer) is small enough
to stay in the row, so broad queries pick their best candidates on it and re-rank only
those with the whole vector. Adding the generated column rewrites the search table once
(about a minute at 200,000 documents). The SQL is written out here as this migration runs it.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

# 1,500 characters of each text layer. Storage MAIN: kept in the row (compressed if need
# be) while the long texts go to TOAST, so ranking on it costs no extra fetch. One
# statement: one table rewrite.
HEAD_SQL = """ALTER TABLE search_pg ADD COLUMN head tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(meta_config, title), 'A')
        || setweight(to_tsvector(meta_config, summary), 'B')
        || setweight(to_tsvector(meta_config, names), 'C')
        || setweight(to_tsvector(meta_config, left(translation, 1500)), 'D')
        || setweight(to_tsvector(text_config, left(transcript, 1500)), 'D')
    ) STORED,
    ALTER COLUMN head SET STORAGE MAIN"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HEAD_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_pg DROP COLUMN IF EXISTS head")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_layers")]
    operations = [RunPython(create, drop)]
