"""Search covers the machine-read text: a word drawn on a scan, read by OCR through the
queue, is found by the archive's search as its own layer ("Matched in: machine-read text"),
left out when the reader searches another layer, and ranked below the same word in a human
transcript. Runs on whichever engine the suite runs on (SQLite FTS5, Tantivy, PostgreSQL);
tests/search/test_contract.py holds the three to the same answers."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from chancery.corpus.models import Transcript
from chancery.ocr.models import MachineText
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery

from ..factories import DocumentFactory
from ..iiif.scans import add_scan
from .pages import draw_page

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

LINES = ["The ambassador telegraphed Moscow", "about the treaty negotiations"]


def found(text: str, **query) -> list[str]:
    results = get_backend().search(SearchQuery(text=text, **query))
    return [hit.document.title for hit in results[0:10]]


@pytest.fixture
def scanned(django_capture_on_commit_callbacks):
    """A document whose only text is a scan of LINES, read by a worker (the index written
    when the job's transaction commits, as in production)."""
    doc = DocumentFactory(title="Scanned page", summary="", text="")
    data, _ = draw_page(LINES, "serif")
    with django_capture_on_commit_callbacks(execute=True):
        add_scan(doc, "page.png", data)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--burst", verbosity=0)
    assert "telegraphed" in MachineText.objects.get(scan__document=doc).text
    return doc


def test_a_word_only_on_a_scan_is_found_once_it_is_read(scanned):
    assert found("telegraphed") == ["Scanned page"]
    assert found("telegraphed Moscow negotiations") == ["Scanned page"]
    assert found("telegraphed", layer="machine") == ["Scanned page"]


def test_the_reader_can_leave_the_machine_read_text_out(scanned):
    for layer in ("transcript", "translation", "summary"):
        assert found("telegraphed", layer=layer) == [], layer


def test_the_hit_says_it_matched_in_the_machine_read_text(client, scanned):
    html = client.get("/search/", {"q": "telegraphed"}).content.decode()
    assert "Matched in: machine-read text" in html
    assert "Machine-read text:" in html and "<mark>telegraphed</mark>" in html
    form = client.get("/search/", {"q": "telegraphed", "layer": "machine"}).content.decode()
    assert "Matched in: machine-read text" in form
    assert "machine-read text only</option>" in form


def test_a_human_transcript_ranks_above_the_same_word_read_by_a_machine(
    scanned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        human = DocumentFactory(title="Transcribed page", summary="", text="")
        Transcript.objects.create(document=human, html=f"<p>{' '.join(LINES)}</p>")
        human.save()  # indexed with its transcript
    assert found("telegraphed") == ["Transcribed page", "Scanned page"]
    assert found("ambassador telegraphed") == ["Transcribed page", "Scanned page"]
    assert found("telegraphed", layer="machine") == ["Scanned page"]
    assert found("telegraphed", layer="transcript") == ["Transcribed page"]


def test_a_scan_read_again_replaces_its_words_in_the_index(
    scanned, django_capture_on_commit_callbacks
):
    scan = scanned.scans.get()
    data, _ = draw_page(["A cablegram from Peking"], "serif")
    with django_capture_on_commit_callbacks(execute=True):
        scan.file.save("again.png", ContentFile(data))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--burst", verbosity=0)
    assert found("cablegram") == ["Scanned page"]
    assert found("telegraphed") == []
