"""Several processes write the Tantivy index (gunicorn workers, ``chancery worker``, an
import from the command line): Tantivy allows one writer at a time, so a process that
finds the index locked waits for it (``acquire_writer``) and its documents land too."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import tantivy

from chancery.search.backends.tantivy import schema

WRITER = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from chancery.search.backends.base import IndexEntry
    from chancery.search.backends.tantivy import TantivyBackend

    first, hold = int(sys.argv[1]), float(sys.argv[2])
    backend = TantivyBackend()
    with backend.batch():  # holds the index's one writer
        print("writing", flush=True)
        backend.add([IndexEntry(pk=first + i, title=f"Note {first + i}", summary="",
                                body="grain harvest") for i in range(3)])
        time.sleep(hold)
    print("committed", flush=True)
    """
)


@pytest.mark.slow
def test_two_processes_writing_at_once_both_land(tmp_path):
    env = {
        **os.environ,
        "CHANCERY_HOME": str(tmp_path),
        "CHANCERY_SEARCH_INDEX": str(tmp_path / "index"),
        "CHANCERY_SEARCH_BACKEND": "tantivy",
        "DJANGO_SETTINGS_MODULE": "chancery.settings",
    }
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    command = [sys.executable, str(script)]
    first = subprocess.Popen([*command, "1000", "6"], env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert first.stdout is not None
    assert first.stdout.readline().strip() == "writing"  # it holds the lock now
    second = subprocess.run([*command, "2000", "0"], env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=60)  # fmt: skip
    assert first.wait(timeout=60) == 0
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == ["writing", "committed"]
    folder = tmp_path / "index" / f"tantivy-v{schema.VERSION}"
    index = tantivy.Index(schema.SCHEMA, path=str(folder), reuse=True)
    index.reload()
    searcher = index.searcher()
    hits = searcher.search(tantivy.Query.all_query(), 10).hits
    pks = sorted(searcher.doc(address)["pk"][0] for _, address in hits)
    assert pks == [1000, 1001, 1002, 2000, 2001, 2002]
