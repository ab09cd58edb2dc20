"""PostgreSQL: the creator facet among a search row's combination of values (nothing on SQLite).

The combinations table ``search_pg_links`` gains the array of the document's creators
(agents), after the five it has, and ``search_pg_links_id`` a sixth argument; every search
row is moved to the combination that includes its document's creators, and the
combinations no row uses any more are dropped. Undone, the creators leave the same way.

The SQL is written out here as this migration runs it
(:mod:`chancery.search.backends.postgres` describes the table as it is now).
"""

from django.db import migrations

from chancery.migration_operations import RunPython

# Only this file's own table and column names are interpolated into the SQL.
# ruff: noqa: S608

#: The combinations table's array columns before, in the order of the function's arguments.
BEFORE = {
    "collections": "bigint[]",
    "subjects": "bigint[]",
    "places": "bigint[]",
    "languages": "text[]",
    "repositories": "bigint[]",
}
AFTER = {**BEFORE, "creators": "bigint[]"}


def _function(columns: dict[str, str]) -> str:
    """``search_pg_links_id`` over these columns (as 0006_postgres_links made it for five):
    the id of a combination, made the first time it is seen. Concurrent writers of the same
    new combination: one inserts, the other finds it on its next turn."""
    params = ", ".join(columns.values())
    args = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return f"""CREATE FUNCTION search_pg_links_id({params}) RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            wanted text := md5(ROW({args})::text);
            known integer;
        BEGIN
            LOOP
                SELECT id INTO known FROM search_pg_links WHERE key = wanted;
                IF known IS NOT NULL THEN
                    RETURN known;
                END IF;
                INSERT INTO search_pg_links (key, {", ".join(columns)}) VALUES (wanted, {args})
                ON CONFLICT (key) DO NOTHING RETURNING id INTO known;
                IF known IS NOT NULL THEN
                    RETURN known;
                END IF;
            END LOOP;
        END $$"""


UNUSED_SQL = (
    "DELETE FROM search_pg_links k WHERE NOT EXISTS "
    "(SELECT 1 FROM search_pg s WHERE s.links = k.id)"
)

CREATE_SQL = [
    "ALTER TABLE search_pg_links ADD COLUMN creators bigint[] NOT NULL DEFAULT '{}'",
    f"DROP FUNCTION search_pg_links_id({', '.join(BEFORE.values())})",
    _function(AFTER),
    "UPDATE search_pg s SET links = search_pg_links_id("
    + ", ".join(f"k.{name}" for name in BEFORE)
    + ", ARRAY(SELECT f.agent_id FROM corpus_document_creators f "
    "WHERE f.document_id = s.document_id ORDER BY 1)) "
    "FROM search_pg_links k WHERE k.id = s.links",
    UNUSED_SQL,
]

DROP_SQL = [
    f"DROP FUNCTION search_pg_links_id({', '.join(AFTER.values())})",
    _function(BEFORE),
    "UPDATE search_pg s SET links = search_pg_links_id("
    + ", ".join(f"k.{name}" for name in BEFORE)
    + ") FROM search_pg_links k WHERE k.id = s.links",
    UNUSED_SQL,
    "ALTER TABLE search_pg_links DROP COLUMN creators",
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
    dependencies = [("search", "0007_postgres_compact")]
    operations = [RunPython(create, drop)]
