"""A whole-archive restore is written in short transactions, yet stays all or nothing.

Real processes on a real SQLite file: ``chancery import jsonl`` of a generated export of a
few thousand documents in one process; an editor saving in the admin, a killer (kill -9)
or a bad record in the file on the other side. The save goes through while the restore is
still running; a killed restore shows nothing of its file and the next import undoes it and
restores the file whole; a bad record leaves the archive as it was.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from chancery.ingest import jsonl
from tests.security.test_busy_writes import CHANCERY, READ_FORM, _env, _run

pytestmark = pytest.mark.engine

DOCUMENTS = 2000

#: Logs in, reads the "add document" form, posts it when told to ("go" on stdin).
ADD = (
    """
import sys
import django
django.setup()
from lxml import html
from django.contrib.auth.models import User
from django.test import Client

client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="editor"))
url = "/admin/corpus/document/add/"
"""
    + READ_FORM
    + """
data |= {"public_id": ["saved-during-restore"], "title": ["Saved during the restore"],
         "status": ["published"]}
print("ready", flush=True)
sys.stdin.readline()
response = client.post(url, data)
print(response.status_code, flush=True)
"""
)

#: What a visitor sees of the restored file: status codes of its pages, OAI and search.
VISIBLE = """
import django
django.setup()
from django.test import Client

client = Client(HTTP_HOST="localhost")
print(client.get("/document/vol/d1/").status_code,
      client.get("/collection/vol/").status_code,
      client.get("/subject/treaties/").status_code,
      "noRecordsMatch" in client.get("/oai", {"verb": "ListIdentifiers",
                                              "metadataPrefix": "oai_dc"}).text,
      "/document/vol/d" in client.get("/search/", {"q": "dispatch"}).text)
"""


def _export(path: Path, bad_at: int = 0) -> Path:
    """A valid export (counts, checksum) of a volume of DOCUMENTS documents, each related
    to the one before; ``bad_at``: that document names a subject the file does not have,
    which only writing it finds out."""
    records = [
        {"type": "subject", "id": 1, "slug": "treaties", "name": "Treaties"},
        {"type": "collection", "id": 1, "slug": "vol", "title": "Volume", "featured": True},
    ]
    for n in range(1, DOCUMENTS + 1):
        records.append(
            {
                "type": "document",
                "id": n,
                "public_id": f"vol/d{n}",
                "title": f"Dispatch number {n} on the treaty",
                "status": "published",
                "subjects": ["no-such-subject" if n == bad_at else "treaties"],
                "related": [f"vol/d{n - 1}"] if n > 1 else [],
                "memberships": [{"id": n, "collection": "vol", "position": n}],
                "transcripts": [
                    {"id": n, "label": "Full text", "position": 0, "html": f"<p>Text {n}</p>"}
                ],
            }
        )
    body = b"".join(jsonl._encode(r) for r in records)
    counts = dict(Counter(r["type"] for r in records))
    header = {"type": jsonl.HEADER, "version": jsonl.VERSION, "counts": counts}
    end = {"type": jsonl.END, "counts": counts, "records": len(records),
           "sha256": hashlib.sha256(body).hexdigest()}  # fmt: skip
    path.write_bytes(jsonl._encode(header) + body + jsonl._encode(end))
    return path


def _archive(home: Path) -> Path:
    """A fresh, empty archive with an editor (what a restore is made into)."""
    _run(home, "migrate", "--no-input")
    _run(home, "manage", "shell", "-c",
         "from django.contrib.auth.models import User; "
         "User.objects.create_superuser('editor', 'e@example.org', 'x')")  # fmt: skip
    return home / "chancery.sqlite3"


def _count(database: Path, sql: str) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def _restoring(home: Path, export: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [str(CHANCERY), "import", "jsonl", str(export), "--no-progress"],
        env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_for_documents(database: Path, process: subprocess.Popen, n: int) -> None:
    """Until ``n`` documents of the restore are committed (batches are being written)."""
    while _count(database, "SELECT count(*) FROM corpus_document") < n:
        assert process.poll() is None, "the restore ended before it was caught writing"
        time.sleep(0.05)


def _script(home: Path, name: str, text: str) -> list[str]:
    script = home / name
    script.write_text(text, encoding="utf-8")
    return [sys.executable, str(script)]


def _visible(home: Path) -> list[str]:
    done = subprocess.run(  # noqa: S603
        _script(home, "visible.py", VISIBLE), env=_env(home), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _tables(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(database)
    try:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'search_fts_%'")]  # fmt: skip
        count = 'SELECT count(*) FROM "{}"'  # names read from sqlite_master
        return {n: connection.execute(count.format(n)).fetchone()[0] for n in names}
    finally:
        connection.close()


def test_an_admin_save_during_a_whole_archive_restore_succeeds(tmp_path):
    database = _archive(tmp_path)
    export = _export(tmp_path / "archive.jsonl")
    saver = subprocess.Popen(  # noqa: S603
        _script(tmp_path, "add.py", ADD), env=_env(tmp_path), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert saver.stdout.readline().strip() == "ready", saver.stderr.read()
    restoring = _restoring(tmp_path, export)
    try:
        _wait_for_documents(database, restoring, 200)
        answer, err = saver.communicate("go\n", timeout=300)
        still_restoring = restoring.poll() is None
        out, restore_err = restoring.communicate(timeout=900)
    finally:
        for process in (restoring, saver):
            if process.poll() is None:
                process.kill()
    assert answer.strip() == "302", f"the save answered {answer} {err}"
    assert still_restoring, "the save was answered only once the restore had ended"
    assert restoring.returncode == 0, restore_err
    assert f"{DOCUMENTS + 2} created" in out and "0 failed" in out
    published = "SELECT count(*) FROM corpus_document WHERE status = 'published'"
    assert _count(database, published) == DOCUMENTS + 1  # the file's, and the editor's
    assert _count(database, "SELECT count(*) FROM corpus_document_related") == 2 * (DOCUMENTS - 1)
    assert _count(database, "SELECT count(*) FROM ingest_stagedrow") == 0
    assert _visible(tmp_path) == ["200", "200", "200", "False", "True"]


def test_a_restore_killed_midway_shows_nothing_and_the_next_import_recovers(tmp_path):
    database = _archive(tmp_path)
    export = _export(tmp_path / "archive.jsonl")
    restoring = _restoring(tmp_path, export)
    try:
        _wait_for_documents(database, restoring, 300)
    finally:
        restoring.send_signal(signal.SIGKILL)
        restoring.wait()
    assert _count(database, "SELECT count(*) FROM corpus_document") >= 300  # committed...
    # ...and invisible: no page, collection, subject, OAI record or search hit of the file
    assert _visible(tmp_path) == ["404", "404", "404", "True", "False"]

    out = _run(tmp_path, "import", "jsonl", str(export), "--no-progress")
    assert "an interrupted import was undone" in out
    assert f"{DOCUMENTS + 2} created" in out and "0 failed" in out
    published = "SELECT count(*) FROM corpus_document WHERE status = 'published'"
    assert _count(database, published) == DOCUMENTS
    assert _count(database, "SELECT count(*) FROM corpus_document") == DOCUMENTS
    assert _count(database, "SELECT count(*) FROM ingest_importrun") == 0
    assert _visible(tmp_path) == ["200", "200", "200", "False", "True"]


def test_an_error_in_a_late_record_leaves_the_archive_as_it_was(tmp_path):
    database = _archive(tmp_path)
    before = _tables(database)
    export = _export(tmp_path / "archive.jsonl", bad_at=DOCUMENTS - 100)
    done = subprocess.run(  # noqa: S603
        [str(CHANCERY), "import", "jsonl", str(export), "--no-progress"],
        env=_env(tmp_path), capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode != 0
    assert f"archive.jsonl:{DOCUMENTS - 100 + 3}" in done.stdout + done.stderr  # its line
    assert "no-such-subject" in done.stdout + done.stderr
    assert _tables(database) == before
