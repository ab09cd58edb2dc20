"""After an import, PostgreSQL's planner knows the archive as it now is.

Until its statistics are gathered the planner sizes each table as it was before the import
(empty, for a first import) and may choose a plan fit for a handful of rows: a join read
once per document. The import gathers them itself rather than wait for autovacuum.
PostgreSQL only: on SQLite the module is skipped.
"""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection

from chancery.ingest.csvfile import COLUMNS

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]


def planned_rows(table: str) -> float:
    """The rows the planner believes ``table`` holds (-1: never counted)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def import_rows(path, n: int, *extra: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        for i in range(n):
            people = f"Person {i}|Gromyko, Andrei"
            row = {"public_id": f"stats/{i}", "title": f"Telegram {i}", "people": people}
            writer.writerow(row)
    call_command("import", "csv", str(path), "--no-progress", *extra, stdout=io.StringIO())


def test_an_import_leaves_the_planner_counting_what_it_wrote(tmp_path):
    import_rows(tmp_path / "sheet.csv", 60)
    assert planned_rows("corpus_document") == 60
    assert planned_rows("corpus_document_people") == 120
    assert planned_rows("corpus_agent") == 61


def last_analyzed(table: str):
    """When ``ANALYZE`` was last run on ``table`` by hand (autovacuum's are apart)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_dry_run_gathers_nothing(tmp_path):
    before = last_analyzed("corpus_document")
    import_rows(tmp_path / "sheet.csv", 60, "--dry-run")
    assert last_analyzed("corpus_document") == before
    import_rows(tmp_path / "sheet.csv", 60)
    assert last_analyzed("corpus_document") != before
