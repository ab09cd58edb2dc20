"""PostgreSQL: the archive's content stamp, a counter its writes move (nothing on SQLite).

``chancery_content_stamp`` holds one row: ``writes``, how many transactions have committed
a write to the tables a reader's pages show (:data:`TABLES`), and ``epoch``, when the row
was made (a database made again, or restored from another one's dump, starts another
series). :mod:`chancery.web.freshness`
reads it (one primary-key read per request) to key its ETags, kept pages and kept counts.

- Every statement that inserts, updates, deletes or truncates in one of :data:`TABLES`
  fires a statement-level trigger (once per statement, whatever number of rows: a bulk
  import's ``COPY`` or ``INSERT … SELECT`` costs one call). The first one in a transaction
  inserts the transaction's id into ``chancery_content_stamp_pending``; each one also sets
  the transaction-local setting ``chancery.content_written`` to a fresh number of the
  sequence ``chancery_content_stamp_local`` (what the transaction's own reads key by: it
  sees its own uncommitted writes, no one else does).
- A deferred constraint trigger on the pending row adds one to ``writes`` when the
  transaction commits, and removes the row. The counter's row is locked only from then to
  the end of the commit, never while a long import runs: writers never wait on each other
  for the stamp (no new lock order, so no new deadlock), and the counter's values follow
  the order in which transactions commit. A transaction rolled back (or a savepoint
  rolled back before its first write) leaves no trace.

The SQL is written out here as this migration runs it; a table added later that readers
see needs the trigger in a migration of its own (``tests/postgres/test_content_stamp.py``
checks that every table of those apps has it).
"""

from django.db import migrations

from chancery.migration_operations import RunPython

# Only this file's own table names are interpolated into the SQL.
# ruff: noqa: S608

STAMP = "chancery_content_stamp"
PENDING = "chancery_content_stamp_pending"
LOCAL = "chancery_content_stamp_local"
#: The tables a reader's pages show, as they were when this migration was written: the
#: archive (corpus), its machine-read text, deleted records' tombstones, the search tables
#: and the versions (history, reviews). Not logins, sessions, the job queue, import runs
#: or the audit log: a public page shows none of them.
TABLES = [
    "corpus_agent",
    "corpus_agentredirect",
    "corpus_agentrelation",
    "corpus_agentreview",
    "corpus_agentvariant",
    "corpus_classification",
    "corpus_collection",
    "corpus_collectionslug",
    "corpus_document",
    "corpus_document_classifications",
    "corpus_document_contributors",
    "corpus_document_creators",
    "corpus_document_donors",
    "corpus_document_languages",
    "corpus_document_people",
    "corpus_document_places",
    "corpus_document_publishers",
    "corpus_document_related",
    "corpus_document_repositories",
    "corpus_document_subjects",
    "corpus_documenttype",
    "corpus_donor",
    "corpus_language",
    "corpus_membership",
    "corpus_office",
    "corpus_place",
    "corpus_placeredirect",
    "corpus_placereview",
    "corpus_placevariant",
    "corpus_publisher",
    "corpus_repository",
    "corpus_rights",
    "corpus_scan",
    "corpus_subject",
    "corpus_transcript",
    "corpus_translation",
    "ocr_machinetext",
    "oai_tombstone",
    "reversion_revision",
    "reversion_version",
    "search_nameform",
    "search_pg",
    "search_pg_links",
    "search_pg_stats",
    "search_pg_terms",
    "versions_collectionscope",
    "versions_collectionscope_collections",
    "versions_importsource",
    "versions_reviewcomment",
    "versions_revisioninfo",
]

CREATE = [
    f"CREATE TABLE {STAMP} (id smallint PRIMARY KEY CHECK (id = 1), "
    "epoch bigint NOT NULL, writes bigint NOT NULL)",
    # the microsecond the table was made: the stamp of a database made again (or of
    # another database restored here) never repeats one of before
    f"INSERT INTO {STAMP} (id, epoch, writes) "
    "VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, 0)",
    f"CREATE TABLE {PENDING} (txid bigint PRIMARY KEY)",
    f"CREATE SEQUENCE {LOCAL}",
    f"""CREATE FUNCTION {STAMP}_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('chancery.content_written', true), '') = '' THEN
            INSERT INTO {PENDING} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
        END IF;
        PERFORM set_config('chancery.content_written', nextval('{LOCAL}')::text, true);
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION {STAMP}_committed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {PENDING} WHERE txid = NEW.txid;
        UPDATE {STAMP} SET writes = writes + 1 WHERE id = 1;
        RETURN NULL;
    END $$""",
    f"CREATE CONSTRAINT TRIGGER {STAMP}_committed AFTER INSERT ON {PENDING} "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {STAMP}_committed()",
]
TRIGGER = (
    "CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {STAMP}_written()"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # writes earlier in this transaction leave the counter's move pending: made now,
        # as the table it waits on cannot be dropped with it pending
        schema_editor.execute(f"SET CONSTRAINTS {STAMP}_committed IMMEDIATE")
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {PENDING}, {STAMP}")
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {LOCAL}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {STAMP}_written(), {STAMP}_committed()")


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0013_agent_relations"),
        ("ocr", "0002_machine_text_corrected"),
        ("oai", "0002_tombstone_reason"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("search", "0011_postgres_words_index"),
        ("versions", "0003_old_editors_become_reviewers"),
    ]
    operations = [RunPython(create, drop)]
