"""The machine-read text on the image: IIIF manifests carry it as per-line annotations
(motivation "supplementing"), and a IIIF Content Search 2.0 service finds the words of a
page drawn from known text where they were drawn."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from iiif_prezi3 import Manifest as PreziManifest

from chancery.corpus.models import Language

from ..factories import DocumentFactory
from ..iiif.scans import add_scan
from .pages import draw_page, near
from .test_ocr import CHINESE, ENGLISH

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def read_document(django_capture_on_commit_callbacks):
    """A published document with two scans read by the worker: English, then Chinese."""
    doc = DocumentFactory(public_id="ocr/d1")
    english, english_boxes = draw_page(ENGLISH, "serif")
    chinese, chinese_boxes = draw_page(CHINESE, "chinese", size=56)
    doc.languages.set([Language.objects.get_or_create(code="eng", name="English")[0]])
    with django_capture_on_commit_callbacks(execute=True):
        add_scan(doc, "english.png", english, "Page 1", 0)
    call_command("worker", "--burst", verbosity=0)
    doc.languages.set([Language.objects.get_or_create(code="chi", name="Chinese")[0]])
    with django_capture_on_commit_callbacks(execute=True):
        add_scan(doc, "chinese.png", chinese, "Page 2", 1)
    call_command("worker", "--burst", verbosity=0)
    return doc, english_boxes, chinese_boxes


def _xywh(target: str) -> tuple[str, list[int]]:
    canvas, _, fragment = target.partition("#xywh=")
    return canvas, [int(v) for v in fragment.split(",")]


def test_the_manifest_carries_the_lines_as_supplementing_annotations(client, read_document):
    doc, boxes, _ = read_document
    manifest = client.get(f"/iiif/{doc.public_id}/manifest.json").json()
    PreziManifest(**manifest)  # valid Presentation 3
    assert manifest["service"] == [
        {"id": f"http://testserver/iiif/{doc.public_id}/search", "type": "SearchService2"}
    ]
    canvas = manifest["items"][0]
    ref = canvas["annotations"][0]
    assert ref["type"] == "AnnotationPage"
    page = client.get(ref["id"]).json()
    assert page["label"]["en"][0].startswith("Machine-read text")
    lines = page["items"]
    assert [a["body"]["value"] for a in lines] == ENGLISH
    assert {a["motivation"] for a in lines} == {"supplementing"}
    target, (x, y, w, h) = _xywh(lines[0]["target"])
    assert target == canvas["id"]
    first = boxes["The"]
    assert abs(x - first[0]) <= 12 and abs(y - first[1]) <= 12  # the line starts at "The"


def test_content_search_finds_words_where_they_were_drawn(client, read_document):
    doc, english_boxes, chinese_boxes = read_document
    manifest = client.get(f"/iiif/{doc.public_id}/manifest.json").json()
    answer = client.get(f"/iiif/{doc.public_id}/search", {"q": "Treaty moscow"})
    assert answer.status_code == 200
    assert "search/2" in answer["Content-Type"]
    data = answer.json()
    assert data["@context"] == "http://iiif.io/api/search/2/context.json"
    hits = {a["body"]["value"]: _xywh(a["target"]) for a in data["items"]}
    assert set(hits) == {"treaty", "Moscow"}
    for word, (canvas, box) in hits.items():
        assert canvas == manifest["items"][0]["id"]
        assert near(box, english_boxes[word])
    hits = client.get(f"/iiif/{doc.public_id}/search", {"q": "北京"}).json()["items"]
    assert len(hits) == 1
    canvas, box = _xywh(hits[0]["target"])
    assert canvas == manifest["items"][1]["id"]
    assert near(box, chinese_boxes["北京"], tolerance=16)


def test_content_search_says_what_is_wrong(client, read_document):
    doc, _, _ = read_document
    answer = client.get(f"/iiif/{doc.public_id}/search")
    assert answer.status_code == 400
    assert "?q=" in answer.json()["error"]
    assert (
        client.get(f"/iiif/{doc.public_id}/search", {"q": "x", "motivation": "a"}).status_code
        == 400
    )
    assert client.get(f"/iiif/{doc.public_id}/search", {"q": "absent"}).json()["items"] == []


def test_drafts_have_no_content_search(client, read_document):
    doc, _, _ = read_document
    doc.status = doc.DRAFT
    doc.save()
    assert client.get(f"/iiif/{doc.public_id}/search", {"q": "treaty"}).status_code == 404
    assert client.get(f"/iiif/{doc.public_id}/canvas/1/text.json").status_code == 404
