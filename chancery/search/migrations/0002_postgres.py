"""Create the PostgreSQL search table, its text configurations and GIN index (nothing on SQLite).

The SQL is written out here as this migration creates it: 0004_postgres_head,
0005_postgres_facts and 0006_postgres_links add to the table
(:mod:`chancery.search.backends.postgres` describes it as it is now).
"""

from django.db import migrations

from chancery.migration_operations import RunPython

#: Our text search configuration -> (PostgreSQL configuration copied, its stemmer).
CONFIGS = {
    "chancery_english": ("english", "english_stem"),
    "chancery_russian": ("russian", "russian_stem"),
    "chancery_simple": ("simple", "simple"),
}

CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    *(
        statement
        for name, (base, stem) in CONFIGS.items()
        for statement in (
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base})",
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stem}",
        )
    ),
    """CREATE TABLE search_pg (
        document_id bigint PRIMARY KEY,
        meta_config regconfig NOT NULL,
        text_config regconfig NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        names text NOT NULL,
        translation text NOT NULL,
        transcript text NOT NULL,
        vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector(meta_config, title), 'A')
            || setweight(to_tsvector(meta_config, summary), 'B')
            || setweight(to_tsvector(meta_config, names), 'C')
            || setweight(to_tsvector(meta_config, left(translation, 1000000)), 'D')
            || setweight(to_tsvector(text_config, left(transcript, 1000000)), 'D')
        ) STORED,
        words tsvector GENERATED ALWAYS AS (
            to_tsvector('chancery_simple', title || ' ' || summary || ' ' || names)
        ) STORED
    )""",
    "CREATE INDEX search_pg_vector ON search_pg USING gin (vector) WITH (fastupdate = off)",
]

DROP_SQL = [
    "DROP TABLE IF EXISTS search_pg",
    *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in CONFIGS),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_SQL:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fts5")]
    operations = [RunPython(create, drop)]
