"""A save in the admin while a long import writes: it waits for the import's transaction
and succeeds (no "database is locked" 500), and the import completes. Real processes on a
real SQLite file: ``chancery import`` in one, a Django test client saving through the
admin in another, its POST sent the moment the import is caught holding the write lock."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest.conftest import frus_path

CHANCERY = Path(sys.executable).with_name("chancery")
#: The two volumes with the most documents: each is one transaction holding the lock.
VOLUMES = ("frus1864p3.xml", "frus1897.xml")

#: Script lines that read the admin form at ``url`` as a browser would submit it, into ``data``.
READ_FORM = """
form = html.fromstring(client.get(url).content).get_element_by_id("document_form")
data = {}
for field in form.inputs:
    kind = getattr(field, "type", "")
    if not field.name or kind in ("submit", "file") or (kind == "checkbox" and not field.checked):
        continue
    value = field.value
    values = list(value) if getattr(field, "multiple", False) else [value]
    data.setdefault(field.name, []).extend(v for v in values if v is not None)
"""

#: Logs in and reads the change form first, then posts it when told to ("go" on stdin).
SAVE = (
    """
import sys
import django
django.setup()
from lxml import html
from django.contrib.auth.models import User
from django.test import Client
from chancery.corpus.models import Document

doc = Document.objects.get(public_id="1")
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="editor"))
url = f"/admin/corpus/document/{doc.pk}/change/"
"""
    + READ_FORM
    + """
data["title"] = ["Saved during the import"]
print("ready", flush=True)
sys.stdin.readline()
response = client.post(url, data)
print(response.status_code, response.get("Retry-After", ""), flush=True)
"""
)


def _env(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    return (
        env
        | extra
        | {
            "CHANCERY_HOME": str(home),
            "CHANCERY_DATABASE_URL": f"sqlite:///{home}/chancery.sqlite3",
            "DJANGO_SETTINGS_MODULE": "chancery.settings",
        }
    )


def _run(home: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [str(CHANCERY), *args], env=_env(home), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"chancery {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _archive(home: Path) -> Path:
    _run(home, "migrate", "--no-input")
    _run(home, "demo")
    _run(home, "manage", "shell", "-c",
         "from django.contrib.auth.models import User; "
         "User.objects.create_superuser('editor', 'e@example.org', 'x')")  # fmt: skip
    return home / "chancery.sqlite3"


def _saver(home: Path, **env: str) -> subprocess.Popen:
    script = home / "save.py"
    script.write_text(SAVE, encoding="utf-8")
    saver = subprocess.Popen(  # noqa: S603
        [sys.executable, str(script)], env=_env(home, **env), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert saver.stdout.readline().strip() == "ready", saver.stderr.read()
    return saver


def _post(saver: subprocess.Popen) -> str:
    out, err = saver.communicate("go\n", timeout=300)
    assert saver.returncode == 0, err
    return out.strip()


def _write_lock_held(database: Path) -> bool:
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        probe.close()


def _title(database: Path) -> str:
    rows = sqlite3.connect(database).execute(
        "SELECT title FROM corpus_document WHERE public_id = '1'"
    )
    return rows.fetchone()[0]


def test_an_admin_save_during_a_long_import_succeeds(tmp_path):
    volumes = [str(frus_path() / name) for name in VOLUMES]
    database = _archive(tmp_path)
    saver = _saver(tmp_path)
    importing = subprocess.Popen(  # noqa: S603
        [str(CHANCERY), "import", "tei", *volumes, "--no-progress"],
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while not _write_lock_held(database):
            assert importing.poll() is None, "the import ended before it was caught writing"
            time.sleep(0.01)
        answer = _post(saver)  # sent while the import's first volume holds the lock
        out, err = importing.communicate(timeout=600)
    finally:
        for process in (importing, saver):
            if process.poll() is None:
                process.kill()
    assert answer.startswith("302"), f"the save answered {answer}"
    assert importing.returncode == 0, err
    assert "885 created" in out and "621 created" in out and "0 failed" in out
    assert _title(database) == "Saved during the import"


def test_a_save_that_outwaits_the_busy_timeout_is_told_to_retry_not_given_a_500(tmp_path):
    database = _archive(tmp_path)
    saver = _saver(tmp_path, CHANCERY_SQLITE_BUSY_TIMEOUT="0.5")
    holder = sqlite3.connect(database, isolation_level=None)  # a writer that never lets go
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = _post(saver)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer == "503 10"  # Service Unavailable, Retry-After: 10 seconds
    assert _title(database) != "Saved during the import"  # nothing half-written
