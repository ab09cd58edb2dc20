"""An editor corrects a page's machine-read text line by line beside the page image; the
corrected page becomes a versioned human transcript (who, when, in the document's
history), the machine-read text stays as read and is marked corrected, and search finds
the corrected words in the transcript, no longer the misread ones."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lxml import html
from reversion.models import Version

from chancery.corpus.models import Document, Transcript
from chancery.ocr.models import MachineText
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery

from ..factories import DocumentFactory
from ..iiif.scans import add_scan
from .pages import draw_page

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

LINES = ["The ambassador telegraphed Moscow", "about the treaty negotiations"]


def found(text: str, **query) -> list[str]:
    return [h.document.public_id for h in get_backend().search(SearchQuery(text=text, **query))]


def misread(text: MachineText, right: str, wrong: str) -> None:
    """What a machine gets wrong on a poor scan: ``right`` read as ``wrong``."""
    for line in text.lines:
        for word in line["words"]:
            if word["text"] == right:
                word["text"], word["conf"] = wrong, 31.0
    text.text = text.text.replace(right, wrong)
    text.save()


@pytest.fixture
def page(django_capture_on_commit_callbacks):
    """A published document whose scan was read by a worker, one word misread."""
    doc = DocumentFactory(public_id="ocr/fix", title="Scanned", summary="", text="")
    data, _ = draw_page(LINES, "serif")
    with django_capture_on_commit_callbacks(execute=True):
        add_scan(doc, "page.png", data, "Folio 3")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--burst", verbosity=0)
    text = MachineText.objects.get(scan__document=doc)
    with django_capture_on_commit_callbacks(execute=True):
        misread(text, "telegraphed", "telegraplied")
        doc.save()  # indexed as read
    assert found("telegraplied") == ["ocr/fix"] and found("telegraphed") == []
    return text


def user_client(name: str, role: str, monkeypatch) -> Client:
    monkeypatch.setenv("CHANCERY_PASSWORD", "archives are forever 1958")
    call_command("createuser", name, f"--role={role}", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    return client


def url(text: MachineText) -> str:
    return reverse("admin:ocr_machinetext_correct", args=[text.pk])


def form(client: Client, text: MachineText) -> dict:
    """The correction form as a browser would submit it."""
    page = html.fromstring(client.get(url(text)).content)
    fields = page.xpath("//form[contains(@class, 'ocr-lines')]//input[@name]")
    return {f.get("name"): f.get("value") or "" for f in fields if f.get("type") != "submit"}


def test_the_page_shows_the_scan_with_a_box_and_a_labelled_field_per_line(admin_client, page):
    response = admin_client.get(url(page))
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    image = tree.xpath("//svg//image/@href")[0]
    assert image.startswith(f"/iiif/image/{page.scan_id}-1/full/")
    assert admin_client.get(image).status_code == 200
    assert len(tree.xpath("//svg//rect[@class='ocr-box']")) == len(page.lines) == 2
    for n in (1, 2):
        field = tree.xpath(f"//input[@id='line-{n}']")[0]
        assert tree.xpath(f"//label[@for='line-{n}']/text()") == [f"Line {n}"]
        assert field.get("data-box") == f"box-{n}"
    assert tree.xpath("//input[@id='line-1']/@value") == ["The ambassador telegraplied Moscow"]
    assert "lowest word confidence 31%" in response.content.decode()
    assert not tree.xpath("//script[not(@src)]") and not tree.xpath("//*[@style]")


def test_a_correction_becomes_a_versioned_transcript_found_by_search(
    admin_client, admin_user, page, django_capture_on_commit_callbacks
):
    data = form(admin_client, page)
    data["line-1"] = "The ambassador telegraphed Moscow"
    data["public_note"] = "page 1 transcribed"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(page), data)
    assert response.status_code == 302

    doc = Document.objects.get(public_id="ocr/fix")
    transcript = Transcript.objects.get(document=doc)
    assert transcript.html == (
        "<p>The ambassador telegraphed Moscow</p>\n<p>about the treaty negotiations</p>"
    )
    assert transcript.label == "Page 1 of Folio 3, corrected from machine-read text"
    page.refresh_from_db()
    assert "telegraplied" in page.text  # what the machine read, kept as it was
    assert page.is_corrected and page.corrected_by == admin_user
    assert page.transcript == transcript

    version = Version.objects.get_for_object(doc).first()  # newest first
    assert version.revision.user == admin_user
    assert version.revision.info.event == "correct"
    assert version.revision.info.note == "page 1 transcribed"
    history = admin_client.get(reverse("admin:corpus_document_history", args=[doc.pk]))
    assert "Corrected the machine-read text: Page 1 of Folio 3" in history.content.decode()

    assert found("telegraphed") == ["ocr/fix"]
    assert found("telegraphed", layer="transcript") == ["ocr/fix"]
    assert found("telegraplied") == []  # the corrected page left the machine-read layer
    record = admin_client.get(doc.get_absolute_url()).content.decode()
    assert "The ambassador telegraphed Moscow" in record
    # the viewer's content search finds the corrected word where the misread one was
    hits = admin_client.get(f"/iiif/{doc.public_id}/search", {"q": "telegraphed"}).json()
    [hit] = hits["items"]
    assert hit["body"]["value"] == "telegraphed"
    misread_box = next(w["box"] for w in page.lines[0]["words"] if w["text"] == "telegraplied")
    assert hit["target"].endswith("#xywh=" + ",".join(str(v) for v in misread_box))

    # corrected again: the same transcript, one more version
    data["line-2"] = "about the treaty negotiations."
    admin_client.post(url(page), data)
    assert Transcript.objects.filter(document=doc).count() == 1
    assert Version.objects.get_for_object(doc).count() == 3  # baseline, two corrections
    assert form(admin_client, page)["line-2"] == "about the treaty negotiations."


def test_an_editor_corrects_a_draft(page, monkeypatch):
    editor = user_client("edna", "editor", monkeypatch)
    doc = page.scan.document
    Document.objects.filter(pk=doc.pk).update(status=Document.DRAFT)
    data = form(editor, page)
    data["line-1"] = "The ambassador telegraphed Moscow"
    assert editor.post(url(page), data).status_code == 302
    assert Transcript.objects.filter(document=doc).count() == 1
    assert Version.objects.get_for_object(doc).first().revision.info.state == "applied"


def test_an_editors_correction_of_a_published_page_waits_for_review(page, monkeypatch):
    editor = user_client("edna", "editor", monkeypatch)
    doc = page.scan.document
    data = form(editor, page)
    data["line-1"] = "The ambassador telegraphed Moscow"
    assert editor.post(url(page), data).status_code == 302
    assert not Transcript.objects.filter(document=doc).exists()  # the public record as it was
    pending = Version.objects.get_for_object(doc).first()
    assert pending.revision.info.state == "pending"
    assert doc.review_comments.get().action == "submitted"
    assert found("telegraplied") == ["ocr/fix"]  # still searched as the machine read it

    reviewer = user_client("rhea", "reviewer", monkeypatch)
    approve = reverse("admin:corpus_document_revert", args=[doc.pk, pending.pk])
    assert reviewer.post(approve, {"comment": "thanks"}).status_code == 302
    transcript = Transcript.objects.get(document=doc)
    assert "telegraphed" in transcript.html
    page.refresh_from_db()
    assert page.transcript == transcript
    assert found("telegraphed", layer="transcript") == ["ocr/fix"]
    assert found("telegraplied") == []


def test_contributors_may_not_correct_and_a_short_form_is_refused(admin_client, page, monkeypatch):
    contributor = user_client("cora", "contributor", monkeypatch)
    assert contributor.get(url(page)).status_code == 403
    response = admin_client.post(url(page), {"line-1": "The ambassador"})
    assert response.status_code == 400
    assert "line-2 is missing" in response.content.decode()
    assert not Transcript.objects.exists()
