"""Machine-read text travels in the JSONL backup (format version 5): restored as it was,
corrections included, with no OCR job queued; a scan from an older file (no machine text
in it) is read again once restored."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chancery.corpus import models as corpus
from chancery.ingest import jsonl
from chancery.ocr.models import MachineText

from ..factories import DocumentFactory
from ..iiif.scans import add_scan
from ..ingest.conftest import empty_archive
from .pages import draw_page

pytestmark = pytest.mark.django_db

LINES = [
    {
        "box": [80, 80, 520, 46],
        "words": [
            {"text": "The", "box": [80, 80, 70, 46], "conf": 96.0},
            {"text": "treatv", "box": [170, 80, 130, 46], "conf": 41.5},
        ],
    }
]


def _read_archive() -> MachineText:
    doc = DocumentFactory(public_id="ocr/backup", status=corpus.Document.PUBLISHED)
    data, _ = draw_page(["The treaty"], "serif")
    scan = add_scan(doc, "page.png", data, "Page 1")
    transcript = corpus.Transcript.objects.create(document=doc, html="<p>The treaty</p>")
    return MachineText.objects.create(
        scan=scan,
        page=1,
        source=MachineText.OCR,
        languages="eng",
        text="The treatv",
        lines=LINES,
        confidence=68.75,
        width=1200,
        height=900,
        corrected_lines=["The treaty"],
        corrected_at=timezone.now(),
        transcript=transcript,
    )


def _fields(text: MachineText) -> dict:
    return {
        f.name: getattr(text, f.attname)
        for f in MachineText._meta.concrete_fields
        if f.name not in ("scan", "transcript", "corrected_by")
    }


def _restore(path, capture) -> str:
    empty_archive()
    DBTaskResult.objects.all().delete()
    out = io.StringIO()
    with capture(execute=True):  # a job queued on commit would be queued here
        call_command("import", "jsonl", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def test_machine_text_is_restored_as_it_was_and_not_read_again(
    tmp_path, django_capture_on_commit_callbacks
):
    before = _fields(_read_archive())
    path = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(path), stdout=io.StringIO())
    header = json.loads(path.read_text().splitlines()[0])
    assert header["version"] == jsonl.VERSION == 5

    assert "0 failed" in _restore(path, django_capture_on_commit_callbacks)
    restored = MachineText.objects.get()
    assert _fields(restored) == before
    assert restored.scan.document.public_id == "ocr/backup"
    assert restored.transcript.html == "<p>The treaty</p>"
    assert not DBTaskResult.objects.exists(), "a restore must not queue OCR"

    again = io.StringIO()
    call_command("import", "jsonl", str(path), "--no-progress", stdout=again)
    assert again.getvalue().splitlines()[-1].startswith("0 created, 0 updated")


def test_a_scan_from_an_older_export_is_read_once_restored(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    _read_archive()
    path = tmp_path / "v3.jsonl"
    with monkeypatch.context() as old:  # what Chancery wrote before version 5
        old.setattr(jsonl, "VERSION", 3)
        old.delitem(jsonl.CHILDREN, corpus.Scan)
        call_command("export", "jsonl", str(path), stdout=io.StringIO())
    assert "machine_texts" not in path.read_text()

    assert "0 failed" in _restore(path, django_capture_on_commit_callbacks)
    assert not MachineText.objects.exists()
    job = DBTaskResult.objects.get()
    assert job.task_path == "chancery.ocr.tasks.read_scan"
    assert job.args_kwargs["args"] == [corpus.Scan.objects.get().pk]
