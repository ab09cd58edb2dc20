"""The index check leaves an import's documents to the import while it indexes them.

A restore into an empty archive publishes its documents in one transaction and indexes
them afterwards, 100 at a time (chancery/ingest/staging.py). Each of those index writes,
and a searching process once a minute, compares a Tantivy index with the database: the
documents published but not indexed yet looked lost, and the check reindexed them itself
("Search index repaired: 7900 documents reindexed" after a restore of 8,000). The check
now skips the documents of a run whose process is alive, and still repairs those of a run
whose process died. Tantivy (an index outside the database, the only kind that drifts).
"""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from chancery.corpus.models import Document
from chancery.ingest.models import ImportRun, StagedRow
from chancery.ingest.staging import DOCUMENT, INDEX_CHUNK
from chancery.search import indexing
from tests.security.test_tantivy_repair import found, tantivy  # noqa: F401 (a fixture)

from .conftest import write_export

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]
#: tests/conftest.py: these tests index at commit, as in production, whatever the run.
INDEX_FOLLOWS_REAL_COMMITS = True
DOCUMENTS = 2 * INDEX_CHUNK + 30


def test_a_restore_indexes_its_documents_once_and_the_check_leaves_them_to_it(
    tantivy,  # noqa: F811 (the fixture imported above)
    tmp_path,
    caplog,
):
    lines = [{"type": "chancery-export", "version": 5, "counts": {}}]
    lines += [
        {"type": "document", "id": n, "public_id": f"vol/d{n}", "status": "published",
         "title": f"Zanzibar despatch {n}"}
        for n in range(1, DOCUMENTS + 1)
    ]  # fmt: skip
    export = tmp_path / "archive.jsonl"
    write_export(export, lines)
    with caplog.at_level(logging.WARNING, logger="chancery.search.indexing"):
        out = io.StringIO()
        call_command("import", "jsonl", str(export), "--no-progress", stdout=out)
    assert "0 failed" in out.getvalue()
    assert "Search index repaired" not in caplog.text
    assert found("Zanzibar") == {f"vol/d{n}" for n in range(1, DOCUMENTS + 1)}
    assert tantivy.drift() is None
    assert not ImportRun.objects.exists()


def _published_behind_the_index(pid: int) -> ImportRun:
    """A run that published documents and had not indexed them when we look: its
    process ``pid`` alive or not."""
    now = timezone.now()
    docs = Document.objects.bulk_create(
        Document(public_id=f"run/{n}", title=f"Pemba account {n}", status="published",
                 published_at=now, created_at=now, updated_at=now)
        for n in range(20)
    )  # fmt: skip
    run = ImportRun.objects.create(
        source="archive.jsonl", state=ImportRun.PUBLISHED, host=socket.gethostname(), pid=pid
    )
    StagedRow.objects.bulk_create(
        StagedRow(run=run, model=DOCUMENT, object_id=d.pk, status="published") for d in docs
    )
    return run


def test_the_check_skips_an_importing_runs_documents_and_repairs_a_dead_ones(tantivy):  # noqa: F811
    importer = subprocess.Popen(["sleep", "60"])  # noqa: S607 — a live importing process
    try:
        run = _published_behind_the_index(importer.pid)
        assert tantivy.drift()  # the gap the check used to "repair"
        assert indexing.repair() == 0
        assert found("Pemba") == set()  # left to the import
    finally:
        importer.kill()
        importer.wait()
    # the importing process died before indexing: the check repairs its documents
    assert not os.path.exists(f"/proc/{importer.pid}") or importer.returncode is not None
    assert indexing.repair() == 20
    assert found("Pemba") == {f"run/{n}" for n in range(20)}
    assert ImportRun.objects.filter(pk=run.pk).exists()  # the next import forgets it


def test_a_restores_documents_show_in_search_a_commit_at_a_time(
    tantivy,  # noqa: F811 (the fixture imported above)
    tmp_path,
    monkeypatch,
):
    """The index phase keeps one writer (as ``chancery reindex``) and still commits as it
    goes: another process searching meanwhile sees the documents chunk by chunk."""
    import tantivy as engine

    from chancery.ingest import staging
    from chancery.search.backends.tantivy.schema import index_dir

    lines = [{"type": "chancery-export", "version": 5, "counts": {}}]
    lines += [{"type": "document", "id": n, "public_id": f"vol/d{n}", "status": "published",
               "title": f"Zanzibar despatch {n}"} for n in range(1, DOCUMENTS + 1)]  # fmt: skip
    export = tmp_path / "archive.jsonl"
    write_export(export, lines)
    monkeypatch.setattr(staging, "CHUNKS_PER_COMMIT", 1)
    seen: list[int] = []
    indexing_chunk = staging.index_documents

    def index_and_look(pks):
        seen.append(engine.Index.open(str(index_dir())).searcher().num_docs)  # as another process
        return indexing_chunk(pks)

    monkeypatch.setattr(staging, "index_documents", index_and_look)
    call_command("import", "jsonl", str(export), "--no-progress", stdout=io.StringIO())
    assert seen == [0, INDEX_CHUNK, 2 * INDEX_CHUNK]
    assert found("Zanzibar") == {f"vol/d{n}" for n in range(1, DOCUMENTS + 1)}
