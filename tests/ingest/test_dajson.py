"""Wilson Center Digital Archive JSON: the real sample collection and transcript."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chancery.corpus import models

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "wilson-da"


def reference(name: str) -> dict:
    path = REFERENCE / name
    if not path.is_file():
        pytest.skip(f"Wilson-DA samples not found at {REFERENCE}")
    return json.loads(path.read_text(encoding="utf-8"))


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "da-json", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(err.getvalue()) from exc
    return out.getvalue()


def record(transcript: dict) -> dict:
    """A record as ``/srv/record/{id}.json`` hydrates it, around the real transcript."""
    return {
        "id": "119955", "uri": "/srv/record/119955.json",
        "title": "Memorandum of Conversation between N. V. Roshchin and Mao Zedong",
        "description": "Mao explains the Chinese position on recognition by Burma and India.",
        "doc_date": "19500101", "frontend_doc_date": "January 1, 1950",
        "source": "AVP RF, f. 0100, op. 43, d. 43, p. 302, ll. 1-4.",
        "type": [{"id": "3", "name": "Memorandum of Conversation"}],
        "rights": [{"id": "1", "name": "Copyright", "rights": "<p>With permission.</p>"}],
        "classifications": [{"id": "2", "name": "Secret"}],
        "donors": [{"id": "7", "name": "Henry Luce Foundation"}],
        "subjects": [{"id": "12", "name": "Sino-Soviet relations"}],
        "original_coverages": [{"id": "44", "name": "China"}],
        "languages": [{"id": "rus", "name": "Russian"}],
        "creators": [{"id": "901", "name": "Roshchin, N. V. (Nikolai Vasilevich), 1901-1960"}],
        "contributors": [{"id": "902", "name": "Mao, Zedong, 1893-1976"}],
        "repositories": [{"id": "5", "name": "Foreign Policy Archive of Russia"}],
        "publishers": [],
        "collections": [reference("collection.json")],
        "transcripts": [transcript],
        "translations": [],
        "attachments": [],
        "links": [],
    }  # fmt: skip


def test_sample_collection_imports_with_a_clean_introduction(tmp_path):
    path = tmp_path / "collection.json"
    path.write_text(json.dumps(reference("collection.json")), encoding="utf-8")
    assert "0 created" in run(str(path))  # a collection is not a document
    coll = models.Collection.objects.get(slug="local-nationalism-in-xinjiang-1957-1958")
    assert coll.title.startswith("“Local Nationalism")
    assert coll.introduction.startswith("<p>At the end of 1957")
    assert "Sources and Methods</a>" in coll.introduction
    run(str(path))
    assert models.Collection.objects.count() == 1


def test_record_with_the_real_transcript_displays_clean_and_is_searchable(tmp_path, client):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record(reference("transcript.json"))), encoding="utf-8")
    assert "1 created" in run(str(path))
    doc = models.Document.objects.get(public_id="119955")
    assert doc.date == "1950-01-01" and doc.doc_type.name == "Memorandum of Conversation"
    assert doc.collections.get().slug == "local-nationalism-in-xinjiang-1957-1958"
    assert doc.languages.get().code == "rus"
    html = doc.transcripts.get().html
    assert "Мао Цзэдун" in html
    for word_markup in ("<style", "cs366E2583", "font-size", "class=", "style="):
        assert word_markup not in html
    page = client.get(doc.get_absolute_url())
    assert page.status_code == 200 and "Мао Цзэдун" in page.content.decode()
    found = client.get("/search/", {"q": "Цзэдун"})
    assert found.status_code == 200 and doc.title in found.content.decode()
    assert "0 created, 0 updated, 1 unchanged" in run(str(path))


def test_search_answer_with_attachments_and_a_corrected_record(tmp_path):
    parent = record({"id": "1", "html": "<p>Текст</p>"})
    child = dict(copy.deepcopy(parent), id="119956", title="Attachment", collections=[])
    parent["attachments"] = [child]
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"list": [parent], "pagination": {}}), encoding="utf-8")
    assert "2 created" in run(str(path))
    assert models.Document.objects.get(public_id="119956").attached_to.public_id == "119955"
    parent["title"] = "Corrected title"
    path.write_text(json.dumps({"list": [parent]}), encoding="utf-8")
    assert "0 created, 1 updated, 1 unchanged" in run(str(path))


def test_lone_asset_needs_a_document_and_attaches_to_it(tmp_path):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record({"id": "1", "html": "<p>x</p>"})), encoding="utf-8")
    run(str(path))
    asset = tmp_path / "transcript.json"
    asset.write_text(json.dumps(reference("transcript.json")), encoding="utf-8")
    with pytest.raises(AssertionError, match="needs --document"):
        run(str(asset))
    assert "1 updated" in run(str(asset), "--document", "119955")
    assert models.Document.objects.get(public_id="119955").transcripts.count() == 2
    assert "1 unchanged" in run(str(asset), "--document", "119955")


def test_malformed_json_is_named_by_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "1",\n "title": }', encoding="utf-8")
    with pytest.raises(AssertionError, match=r"bad\.json:2: malformed JSON"):
        run(str(path))
