"""IIIF Presentation 3: manifests and collections, checked by loading them into iiif-prezi3."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from iiif_prezi3 import Collection as PreziCollection
from iiif_prezi3 import Manifest as PreziManifest

from chancery.corpus import models
from chancery.corpus.models import Document

from ..factories import CollectionFactory, DocumentFactory
from .scans import add_scan, image_bytes, page_image, scanned_document

pytestmark = pytest.mark.django_db


def _get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response


def test_manifest_loads_in_iiif_prezi3_with_a_canvas_per_image_and_pdf_page(client):
    doc = scanned_document()
    response = _get_json(client, "/iiif/frus1958v03/d12/manifest.json")
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()

    manifest = PreziManifest(**data)
    assert manifest.label == {"en": [doc.title]}
    assert len(manifest.items) == 4
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["id"] == "http://testserver/iiif/frus1958v03/d12/manifest.json"

    canvases = data["items"]
    assert [c["label"]["en"][0] for c in canvases] == [
        "Page 1", "Page 2", "Enclosure, page 1", "Enclosure, page 2",
    ]  # fmt: skip
    assert (canvases[0]["width"], canvases[0]["height"]) == (1600, 2200)
    assert (canvases[1]["width"], canvases[1]["height"]) == (800, 1100)
    # 420×595 pt PDF pages rendered at 150 dpi
    assert (canvases[2]["width"], canvases[2]["height"]) == (875, 1240)
    assert canvases[2]["rendering"][0]["format"] == "application/pdf"
    body = canvases[0]["items"][0]["items"][0]["body"]
    assert body["service"][0]["type"] == "ImageService3"
    assert canvases[0]["items"][0]["items"][0]["target"] == canvases[0]["id"]

    metadata = {m["label"]["en"][0]: m["value"]["none"] for m in data["metadata"]}
    assert metadata["Date"] == ["September 27, 1958"]
    assert metadata["Creator"] == ["Thompson, Llewellyn E."]
    assert metadata["Collection"] == ["Embassy telegrams"]
    assert data["rights"] == "http://creativecommons.org/publicdomain/mark/1.0/"
    assert "National Archives" in data["requiredStatement"]["value"]["en"][0]
    assert data["homepage"][0]["id"] == "http://testserver/document/frus1958v03/d12/"
    assert data["seeAlso"][0]["id"] == "http://testserver/document/frus1958v03/d12/cite.json"
    assert data["partOf"][0]["id"] == "http://testserver/iiif/collection/embassy-telegrams.json"
    assert data["navDate"] == "1958-09-27T00:00:00Z"


def test_every_link_in_a_manifest_resolves(client):
    scanned_document()
    data = _get_json(client, "/iiif/frus1958v03/d12/manifest.json").json()
    for canvas in data["items"]:
        body = canvas["items"][0]["items"][0]["body"]
        path = body["id"].removeprefix("http://testserver")
        image = client.get(path)
        assert image.status_code == 200, path
        assert image["Content-Type"] == "image/jpeg"
        service = body["service"][0]["id"].removeprefix("http://testserver")
        info = _get_json(client, service + "/info.json").json()
        assert (info["width"], info["height"]) == (canvas["width"], canvas["height"])
    for link in (data["homepage"][0], data["seeAlso"][0], data["partOf"][0]):
        assert client.get(link["id"].removeprefix("http://testserver")).status_code == 200


def test_drafts_and_documents_without_scans_have_no_manifest(client):
    draft = scanned_document(public_id="draft/d1", status=Document.DRAFT)
    DocumentFactory(public_id="plain/d1")
    assert client.get("/iiif/draft/d1/manifest.json").status_code == 404
    assert client.get("/iiif/plain/d1/manifest.json").status_code == 404
    assert client.get("/iiif/nothing/here/manifest.json").status_code == 404
    scan = draft.scans.first()
    assert client.get(f"/iiif/image/{scan.pk}-1/info.json").status_code == 404
    assert client.get(f"/iiif/image/{scan.pk}-1/full/max/0/default.jpg").status_code == 404


def test_staff_see_manifests_of_drafts(admin_client):
    scanned_document(public_id="draft/d1", status=Document.DRAFT)
    assert admin_client.get("/iiif/draft/d1/manifest.json").status_code == 200


def test_collection_manifest_lists_subcollections_and_scanned_published_documents(client):
    parent = CollectionFactory(title="Soviet Union", slug="soviet-union")
    child = CollectionFactory(title="Embassy telegrams", slug="embassy-telegrams", parent=parent)
    scanned_document(collection=child)
    DocumentFactory(public_id="plain/d2", collections=[child])  # no scans: no manifest
    draft = DocumentFactory(public_id="draft/d3", status=Document.DRAFT, collections=[child])
    add_scan(draft, "draft.png", image_bytes(page_image(300, 400, "draft"), "PNG"))

    data = _get_json(client, "/iiif/collection/embassy-telegrams.json").json()
    PreziCollection(**data)
    assert data["type"] == "Collection"
    assert [i["id"] for i in data["items"]] == [
        "http://testserver/iiif/frus1958v03/d12/manifest.json"
    ]
    assert data["partOf"][0]["id"] == "http://testserver/iiif/collection/soviet-union.json"

    top = _get_json(client, "/iiif/collection/soviet-union.json").json()
    PreziCollection(**top)
    assert top["items"] == [
        {
            "id": "http://testserver/iiif/collection/embassy-telegrams.json",
            "type": "Collection",
            "label": {"en": ["Embassy telegrams"]},
        }
    ]
    roots = _get_json(client, "/iiif/collections.json").json()
    PreziCollection(**roots)
    assert [i["label"]["en"][0] for i in roots["items"]] == ["Soviet Union"]
    assert client.get("/iiif/collection/no-such.json").status_code == 404


def test_a_scan_whose_file_is_gone_is_left_out(client):
    doc = scanned_document()
    scan = doc.scans.get(label="Page 2")
    scan.file.storage.delete(scan.file.name)
    data = _get_json(client, "/iiif/frus1958v03/d12/manifest.json").json()
    assert [c["label"]["en"][0] for c in data["items"]][:2] == ["Page 1", "Enclosure, page 1"]
    assert client.get(f"/iiif/image/{scan.pk}-1/info.json").status_code == 404


def _stored_scan(doc, name, data, label, position):
    stored = default_storage.save(f"scans/{name}", ContentFile(data))
    return models.Scan.objects.create(document=doc, file=stored, label=label, position=position)


def test_unreadable_scans_are_left_out_not_a_server_error(client):
    doc = scanned_document()
    # Uploads are checked now (tests/security/test_uploads.py): these stand for files stored
    # before that, or damaged on disk since, written to the storage behind the check's back.
    broken_image = _stored_scan(doc, "broken.jpg", b"not a jpeg at all", "Broken", 5)
    broken_pdf = _stored_scan(doc, "broken.pdf", b"%PDF-1.4 nonsense", "Broken PDF", 6)
    data = _get_json(client, "/iiif/frus1958v03/d12/manifest.json").json()
    assert len(data["items"]) == 4
    for scan in (broken_image, broken_pdf):
        assert client.get(f"/iiif/image/{scan.pk}-1/info.json").status_code == 404
        assert client.get(f"/iiif/image/{scan.pk}-1/full/max/0/default.jpg").status_code == 404
    assert client.get("/document/frus1958v03/d12/").status_code == 200
