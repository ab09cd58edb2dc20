"""As a new user would: upload a scanned page in the admin, let the worker read it, see the
job in the admin's queue and find a word of the page in the document's IIIF content search."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from chancery.corpus.models import Document

from ..security.test_uploads import _document_form
from .pages import draw_page, near

pytestmark = pytest.mark.django_db


def test_an_uploaded_scan_is_read_and_its_words_found(
    admin_client, django_capture_on_commit_callbacks
):
    data, boxes = draw_page(["Memorandum of conversation", "on the Berlin question"], "serif")
    upload = SimpleUploadedFile("page.png", data, content_type="image/png")
    form = _document_form(scan=upload, status="published")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/corpus/document/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get(public_id="upload/1")

    jobs = admin_client.get("/admin/jobs/job/").content.decode()
    assert "read_scan" in jobs and "Ready" in jobs
    call_command("worker", "--burst", verbosity=0)
    jobs = admin_client.get("/admin/jobs/job/", {"status__exact": "SUCCESSFUL"})
    assert "1 of 1 pages" in jobs.content.decode()

    hits = admin_client.get(f"/iiif/{doc.public_id}/search", {"q": "berlin"}).json()["items"]
    assert [h["body"]["value"] for h in hits] == ["Berlin"]
    box = [int(v) for v in hits[0]["target"].split("#xywh=")[1].split(",")]
    assert near(box, boxes["Berlin"])
