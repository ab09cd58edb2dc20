"""A staged restore reads its next lines while it pauses between batches, and loses nothing.

On SQLite a restore into an empty archive pauses after each short transaction so that an
editor's save gets the lock (``WRITERS_TURN``, chancery/ingest/run.py). The restore now
spends that pause parsing the file's next lines (no database touched), so its batches only
write. What a user would notice if that went wrong: a reference between documents (an
enclosure's letter, a related document) collected by lines written after the read-ahead
lost, or a batch's records missing. Here every pause has time to read the whole rest of
the file, and one step is written per batch.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from chancery.corpus.models import Agent, Document
from chancery.ingest import jsonl, run

from .conftest import write_export

pytestmark = pytest.mark.django_db(transaction=True)
PAIRS = 6


def _lines() -> list[dict]:
    """People and documents in turns (a write step each), each letter's enclosure and
    related document later in the file than the letter."""
    lines: list[dict] = [{"type": "chancery-export", "version": 5, "counts": {}}]
    for n in range(1, PAIRS + 1):
        lines.append({"type": "agent", "id": n, "name": f"Consul {n}", "slug": f"consul-{n}",
                      "kind": "person"})  # fmt: skip
        lines.append({"type": "document", "id": n, "public_id": f"vol/d{n}",
                      "status": "published", "title": f"Letter {n}", "people": [f"consul-{n}"],
                      "attached_to": f"vol/e{n}" if n % 2 else None,
                      "related": [f"vol/e{n}"]})  # fmt: skip
    for n in range(1, PAIRS + 1):
        lines.append({"type": "document", "id": 100 + n, "public_id": f"vol/e{n}",
                      "status": "published", "title": f"Enclosure {n}"})  # fmt: skip
    return lines


def test_a_restore_reading_ahead_in_its_pauses_keeps_every_record_and_reference(
    tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite pauses between a restore's batches (one writer at a time)")
    export = tmp_path / "archive.jsonl"
    write_export(export, _lines())
    monkeypatch.setattr(run, "STAGED_ITEMS", 1)  # a batch (and a pause) after every step
    monkeypatch.setitem(jsonl.IN_RUNS, "document", 2)
    read: list[int] = []
    reading = jsonl.Restore.read_ahead

    def read_ahead(self, seconds):
        reading(self, seconds)
        read.append(len(self._ahead))

    monkeypatch.setattr(jsonl.Restore, "read_ahead", read_ahead)
    out = io.StringIO()
    call_command("import", "jsonl", str(export), "--no-progress", stdout=out)

    assert "0 failed" in out.getvalue()
    assert max(read) > 1  # a pause read several steps ahead
    assert Agent.objects.count() == PAIRS and Document.objects.published().count() == 2 * PAIRS
    for n in range(1, PAIRS + 1):
        letter = Document.objects.get(public_id=f"vol/d{n}")
        assert [p.slug for p in letter.people.all()] == [f"consul-{n}"]
        assert [d.public_id for d in letter.related.all()] == [f"vol/e{n}"]
        attached = letter.attached_to.public_id if letter.attached_to else None
        assert attached == (f"vol/e{n}" if n % 2 else None)
