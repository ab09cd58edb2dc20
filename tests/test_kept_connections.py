"""SQLite connections kept between requests (chancery/sqlite_kept/base.py): what a reader
sees is the archive as it is now — another process's commit, a backup moved into place —
and a kept connection is set up as a new one would be (busy timeout, foreign keys).

The first tests open the engine directly on a database file; the last one serves a real
archive with ``chancery serve`` (gevent, one worker, so each request reuses the connection
of the one before) while other processes write to it and then restore a backup file.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend

from chancery import sqlite_kept
from chancery.sqlite_kept import base as kept
from tests.security.test_dos import _free_port, _server_env, _stop, _wait_until_serving

pytestmark = pytest.mark.engine


@pytest.fixture
def archive(tmp_path, django_db_blocker):
    path = tmp_path / "archive.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE letters (title TEXT)")
        db.execute("INSERT INTO letters VALUES ('first')")
    db.close()
    sqlite_kept.base.forget()
    with django_db_blocker.unblock():
        yield path
    sqlite_kept.base.forget()


def _wrapper(path: Path, busy_ms: int = 5000):
    settings = dict(connections["default"].settings_dict)
    settings.update(
        ENGINE="chancery.sqlite_kept", NAME=str(path), TEST={}, CONN_MAX_AGE=0,
        OPTIONS={"init_command": f"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={busy_ms};"},
    )  # fmt: skip
    return load_backend("chancery.sqlite_kept").DatabaseWrapper(settings, "kept_test")


def _titles(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT title FROM letters ORDER BY rowid")
        return [title for (title,) in cursor.fetchall()]


def _other_process(path: Path, sql: str) -> None:
    script = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute({sql!r}); c.commit()"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)  # noqa: S603


def test_the_next_request_reads_another_process_commit_on_the_kept_connection(archive):
    first = _wrapper(archive)
    assert _titles(first) == ["first"]
    raw = first.connection
    first.close()
    _other_process(archive, "INSERT INTO letters VALUES ('written by an import')")
    second = _wrapper(archive)
    assert _titles(second) == ["first", "written by an import"]
    assert second.connection is raw  # the same SQLite connection, kept
    second.close()


def test_a_kept_connection_keeps_the_busy_timeout_and_foreign_keys(archive):
    first = _wrapper(archive, busy_ms=1234)
    first.ensure_connection()
    first.close()
    second = _wrapper(archive, busy_ms=1234)
    with second.cursor() as cursor:
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    second.close()
    other = _wrapper(archive, busy_ms=99)  # other settings: its own connection
    with other.cursor() as cursor:
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 99
    other.close()


def test_a_backup_moved_into_place_is_read_and_not_the_old_file(archive, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(backup) as db:
        db.execute("CREATE TABLE letters (title TEXT)")
        db.execute("INSERT INTO letters VALUES ('from the backup')")
    db.close()
    first = _wrapper(archive)
    assert _titles(first) == ["first"]
    first.close()  # kept, on the file that is about to be replaced
    with sqlite3.connect(archive) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    os.replace(backup, archive)
    second = _wrapper(archive)
    assert _titles(second) == ["from the backup"]
    second.close()


def test_a_connection_left_in_a_transaction_is_not_kept(archive):
    first = _wrapper(archive)
    first.ensure_connection()
    raw = first.connection
    raw.execute("BEGIN")
    raw.execute("INSERT INTO letters VALUES ('never committed')")
    first.close()
    second = _wrapper(archive)
    assert second.connection is None or second.connection is not raw
    assert _titles(second) == ["first"]
    assert second.connection is not raw
    second.close()


def test_no_more_than_kept_connections_are_kept(archive):
    wrappers = [_wrapper(archive) for _ in range(kept.KEPT + 3)]
    for wrapper in wrappers:
        wrapper.ensure_connection()
    for wrapper in wrappers:
        wrapper.close()
    assert sum(len(entries) for entries in kept._pool.values()) == kept.KEPT


# --- a real server ---------------------------------------------------------------------------

WRITE = """
import sys
import django
django.setup()
from tests.factories import DocumentFactory
DocumentFactory(public_id=sys.argv[1], title=sys.argv[2], summary="")
"""


def _page(port: int, query: str) -> str:
    url = f"http://127.0.0.1:{port}/search/?q={query}"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return response.read().decode()


@pytest.mark.slow
def test_a_served_archive_shows_other_processes_writes_and_a_restored_backup(tmp_path):
    """FTS5 (all in SQLite: a stale snapshot would show at once), one gevent worker."""
    home = tmp_path / "home"
    home.mkdir()
    env = _server_env(home) | {"CHANCERY_SEARCH_BACKEND": "fts5", "CHANCERY_PAGE_CACHE_MB": "0",
                               "DJANGO_SETTINGS_MODULE": "chancery.settings"}  # fmt: skip

    def run(*args: str) -> None:
        subprocess.run([sys.executable, *args], env=env, check=True, timeout=120,  # noqa: S603
                       cwd=Path(__file__).parent.parent)  # fmt: skip

    run("-m", "chancery.cli", "migrate", "-v", "0")
    run("-c", WRITE, "pethick", "Report of Mr. Pethick on the riots")
    database = home / "chancery.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(database) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)  # the archive as it is now: Pethick, no Zanzibar
    live.close()
    copy.close()

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "chancery.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_until_serving(port, server)
        assert "Report of Mr. Pethick" in _page(port, "riots")
        assert "Consul at Zanzibar" not in _page(port, "Zanzibar")
        assert not re.search(r"zanzibar</", _page(port, "Zanzibur"), re.IGNORECASE)

        run("-c", WRITE, "zanzibar", "Consul at Zanzibar on the riots")  # another process
        assert "Consul at Zanzibar" in _page(port, "Zanzibar")
        assert re.search(r"zanzibar</", _page(port, "Zanzibur"), re.IGNORECASE)  # did you mean

        # A restore from a file: the writers done, the log checkpointed, the backup moved
        # into place under the running server.
        with sqlite3.connect(database) as live:
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        live.close()
        os.replace(backup, database)
        riots = _page(port, "riots")
        assert "Report of Mr. Pethick" in riots
        assert "Consul at Zanzibar" not in riots
    finally:
        _stop(server)
