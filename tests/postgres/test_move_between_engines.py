"""Moving an archive SQLite → PostgreSQL → SQLite with `chancery export/import jsonl`.

Runs in the PostgreSQL pass only (it needs both engines; on SQLite it is skipped): a
SQLite archive is built by the real CLI in a subprocess (the demo archive: every kind of
record, relation and asset, files included; a FRUS volume would add minutes, not kinds),
exported, imported into this test's PostgreSQL database, exported again, and imported into
a fresh SQLite archive. All three exports must agree record by record, field by field.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from chancery.corpus.models import Document
from chancery.ingest import jsonl
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery

CHANCERY = Path(sys.executable).with_name("chancery")


def _chancery(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env |= {
        "CHANCERY_HOME": str(home),
        "CHANCERY_DATABASE_URL": f"sqlite:///{home}/chancery.sqlite3",
    }
    done = subprocess.run(  # noqa: S603
        [str(CHANCERY), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"chancery {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def records(path: Path) -> list[dict]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    # The header says when and from where it was written; the history grows with the move
    # (the restore versions what it writes), and with it the end line's counts and checksum:
    # every record must match.
    skip = {"chancery-export", "chancery-export-end", *jsonl.history.KINDS}
    return [r for r in lines if r.get("type") not in skip]


def assert_same(expected: list[dict], actual: list[dict], what: str) -> None:
    assert len(actual) == len(expected), f"{what}: {len(actual)} records, not {len(expected)}"
    for before, after in zip(expected, actual, strict=True):
        for name in sorted(set(before) | set(after)):
            assert after.get(name) == before.get(name), (
                f"{what}: {before.get('type')} {before.get('id')} differs in {name!r}"
            )


def test_sqlite_to_postgresql_and_back_loses_nothing(db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("moving between engines needs PostgreSQL (this run is on SQLite)")
    source = tmp_path / "sqlite-source"
    _chancery(source, "migrate", "--no-input")
    _chancery(source, "demo")
    from_sqlite = tmp_path / "from-sqlite.jsonl"
    _chancery(source, "export", "jsonl", str(from_sqlite))

    call_command("import", "jsonl", str(from_sqlite))
    from_postgres = tmp_path / "from-postgres.jsonl"
    call_command("export", "jsonl", str(from_postgres))
    original = records(from_sqlite)
    assert len([r for r in original if r.get("type") == "document"]) >= 9
    assert_same(original, records(from_postgres), "SQLite → PostgreSQL")

    # What a reader notices: the moved archive is searchable on PostgreSQL.
    published = Document.objects.published().count()
    assert get_backend().indexed_count() == published
    assert get_backend().search(SearchQuery(text="Khrushchev")).count() > 0

    back = tmp_path / "sqlite-back"
    _chancery(back, "migrate", "--no-input")
    _chancery(back, "import", "jsonl", str(from_postgres))
    round_trip = tmp_path / "round-trip.jsonl"
    _chancery(back, "export", "jsonl", str(round_trip))
    assert_same(original, records(round_trip), "PostgreSQL → SQLite")
