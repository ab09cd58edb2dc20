"""PostgreSQL: each search row carries its document's facts (nothing on SQLite).

Type, decade, year and collection ids, written with the text: a plain search then counts,
ranks and facets its matches without reading the documents. Filling the columns for an
existing index rewrites the search table once (its generated vectors are recomputed:
minutes at 200,000 documents). A plain search then trusts the table to hold only
published documents: triggers on the documents table keep it so when documents are
deleted, truncated or unpublished without Django's signals.

The SQL is written out here, as it was: migration 0006_postgres_links changes the columns
(:mod:`chancery.search.backends.postgres` describes them as they are now).
"""

from django.db import migrations

from chancery.migration_operations import RunPython

# Only this file's own table and column names are interpolated into the SQL.
# ruff: noqa: S608

TABLE = "search_pg"
FACT_COLUMNS = {
    "doc_type": "bigint",
    "decade": "integer",
    "year": "integer",
    "collections": "bigint[]",
    "subjects": "bigint[]",
    "places": "bigint[]",
    "languages": "text[]",
    "repositories": "bigint[]",
}
#: Through table, its document column, its value column (as in corpus 0001_initial).
LINKS = {
    "collections": ("corpus_membership", "document_id", "collection_id"),
    "subjects": ("corpus_document_subjects", "document_id", "subject_id"),
    "places": ("corpus_document_places", "document_id", "place_id"),
    "languages": ("corpus_document_languages", "document_id", "language_id"),
    "repositories": ("corpus_document_repositories", "document_id", "repository_id"),
}


def facts_sql(document: str) -> str:
    values = [
        f"(SELECT f.doc_type_id FROM corpus_document f WHERE f.id = {document})",
        f"(SELECT f.decade FROM corpus_document f WHERE f.id = {document})",
        f"(SELECT EXTRACT(YEAR FROM f.date_earliest)::integer FROM corpus_document f "
        f"WHERE f.id = {document})",
    ]
    for through, own, value in LINKS.values():
        values.append(
            f"ARRAY(SELECT f.{value} FROM {through} f WHERE f.{own} = {document} ORDER BY 1)"
        )
    return ", ".join(values)


def gone_sql() -> list[str]:
    return [
        f"""CREATE FUNCTION {TABLE}_gone() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM {TABLE};
            ELSE
                DELETE FROM {TABLE} WHERE document_id = OLD.id;
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {TABLE}_truncated AFTER TRUNCATE ON corpus_document "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_gone()",
        f"CREATE TRIGGER {TABLE}_deleted AFTER DELETE ON corpus_document "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_gone()",
        f"CREATE TRIGGER {TABLE}_unpublished AFTER UPDATE OF status ON corpus_document "
        f"FOR EACH ROW WHEN (NEW.status <> 'published') EXECUTE FUNCTION {TABLE}_gone()",
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = ", ".join(
            f"ADD COLUMN {name} {kind}" + (" NOT NULL DEFAULT '{}'" if kind.endswith("[]") else "")
            for name, kind in FACT_COLUMNS.items()
        )
        schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")
        names = ", ".join(FACT_COLUMNS)
        schema_editor.execute(
            f"UPDATE {TABLE} SET ({names}) = ({facts_sql(f'{TABLE}.document_id')})"
        )
        for statement in gone_sql():
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for event in ("truncated", "deleted", "unpublished"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON corpus_document")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_gone()")
        columns = ", ".join(f"DROP COLUMN IF EXISTS {name}" for name in FACT_COLUMNS)
        schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_head"), ("corpus", "0001_initial")]
    operations = [RunPython(create, drop)]
