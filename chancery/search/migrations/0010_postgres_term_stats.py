"""PostgreSQL: what a BM25 ranking needs beside the vectors (nothing on SQLite).

- ``search_pg.length``: the document's length in words (every text field and layer, the
  machine-read text too, as FTS5 counts a row); written by the indexer with the row.
- ``search_pg_terms``: lexeme -> the number of documents holding it in either vector
  (its document frequency), kept by the indexer on every write (rows deleted by any
  statement: by the trigger ``search_pg_uncounted``, once per statement) and recounted
  whole by ``optimize``.
- ``search_pg_stats``: one row, the number of documents and the sum of their lengths.

Existing rows are counted here once (their length approximated as the runs of word
characters of their texts; the next reindex writes the indexer's count).

The SQL is written out here as this migration runs it, so that later changes to the
engine cannot change it.
"""

from django.db import migrations

from chancery.migration_operations import RunPython

POSTGRES_FORWARD = [
    "ALTER TABLE search_pg ADD COLUMN length integer NOT NULL DEFAULT 0",
    "CREATE TABLE search_pg_terms (lexeme text PRIMARY KEY, documents integer NOT NULL)",
    "CREATE TABLE search_pg_stats (id integer PRIMARY KEY CHECK (id = 1), "
    "documents bigint NOT NULL, words bigint NOT NULL)",
    "UPDATE search_pg SET length = (SELECT count(*) FROM regexp_matches("
    "title || ' ' || summary || ' ' || names || ' ' || translation || ' ' || transcript "
    "|| ' ' || machine, '\\w+', 'g'))",
    "INSERT INTO search_pg_terms (lexeme, documents) SELECT l, count(*) FROM ("
    "SELECT DISTINCT s.document_id, l FROM search_pg s, "
    "unnest(tsvector_to_array(s.vector) || tsvector_to_array(s.machine_vector)) AS l"
    ") AS t GROUP BY l",
    "INSERT INTO search_pg_stats (id, documents, words) "
    "SELECT 1, count(*), coalesce(sum(length), 0) FROM search_pg",
    # Rows deleted by any statement (the indexer, the triggers of 0005_postgres_facts, a
    # raw DELETE) are taken away from the counts once per statement; not while a reindex
    # empties the table (the setting chancery.uncount = 'off'), which counts afresh.
    """CREATE FUNCTION search_pg_uncount() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('chancery.uncount', true) = 'off' THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(7140114);
        UPDATE search_pg_terms c SET documents = c.documents - t.n FROM (
            SELECT l, count(*) AS n FROM (
                SELECT DISTINCT g.document_id, l FROM gone g,
                unnest(tsvector_to_array(g.vector) || tsvector_to_array(g.machine_vector)) AS l
            ) AS d GROUP BY l
        ) AS t WHERE c.lexeme = t.l;
        UPDATE search_pg_stats SET documents = documents - (SELECT count(*) FROM gone),
            words = words - (SELECT coalesce(sum(length), 0) FROM gone);
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER search_pg_uncounted AFTER DELETE ON search_pg "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION search_pg_uncount()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_pg_uncounted ON search_pg",
    "DROP FUNCTION IF EXISTS search_pg_uncount()",
    "DROP TABLE IF EXISTS search_pg_stats",
    "DROP TABLE IF EXISTS search_pg_terms",
    "ALTER TABLE search_pg DROP COLUMN IF EXISTS length",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_search_machine_text")]
    operations = [RunPython(forward, backward)]
