"""Uploads (issue #11): judged by content, stored under random names, served only while public.

The attack: an editor uploads HTML, SVG or HTML named ``.png`` as a scan; it was served as
``text/html`` / ``image/svg+xml`` from the site's origin, and the files of draft documents
were public at ``scans/<year>/<original name>``. Each case is replayed here through the
admin as a staff editor, through an importer, and at every route that hands out a file.
"""

import base64
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.transaction import atomic

from chancery.corpus import models
from chancery.corpus.management.commands.createuser import editors_group

from ..factories import CollectionFactory, DocumentFactory
from ..iiif.scans import add_scan, image_bytes, page_image, pdf_bytes
from ..ingest.conftest import empty_archive, write_export

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/auth/user/1/change/')</script>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
FAKE_PNG = b"\x89PNG\r\n\x1a\n" + HTML  # PNG's magic bytes, then a page
PNG = image_bytes(page_image(120, 90, "png"), "PNG")
JPEG = image_bytes(page_image(120, 90, "jpeg"), "JPEG")
PDF = pdf_bytes(1)
RANDOM_NAME = re.compile(r"^scans/[0-9a-f]{32}\.(png|jpg|pdf)$")
SECURE_HEADERS = {"X-Content-Type-Options": "nosniff"}


@pytest.fixture
def editor(client):
    """A staff editor (the Editors group, not a superuser), logged in."""
    user = get_user_model().objects.create_user("editor", password="a long pass phrase")
    user.is_staff = True
    user.save()
    user.groups.add(editors_group())
    client.force_login(user)
    return client


def _document_form(scan=None, translation=None, **fields) -> dict:
    """The admin's add-document form, with one scan and/or one translation file."""
    data = {
        "public_id": "upload/1", "title": "An uploaded telegram", "status": "draft",
        "date": "1958", "summary": "", "source": "",
        "membership_set-TOTAL_FORMS": "0", "membership_set-INITIAL_FORMS": "0",
        "translations-TOTAL_FORMS": "0", "translations-INITIAL_FORMS": "0",
        "transcripts-TOTAL_FORMS": "0", "transcripts-INITIAL_FORMS": "0",
        "scans-TOTAL_FORMS": "0", "scans-INITIAL_FORMS": "0",
    }  # fmt: skip
    if scan is not None:
        data.update({"scans-TOTAL_FORMS": "1", "scans-0-label": "Page 1",
                     "scans-0-position": "0", "scans-0-file": scan})  # fmt: skip
    if translation is not None:
        data.update({"translations-TOTAL_FORMS": "1", "translations-0-label": "EN",
                     "translations-0-html": "", "translations-0-position": "0",
                     "translations-0-file": translation})  # fmt: skip
    data.update(fields)
    return data


def _stored_files() -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("page.html", HTML, "looks like HTML"),
        ("page.svg", SVG, "looks like SVG"),
        ("page.png", FAKE_PNG, "not a readable PNG"),
        ("page.png", HTML, "looks like HTML"),  # HTML named .png, sent as image/png
    ],
)
def test_the_admin_refuses_html_svg_and_fake_images_as_scans(editor, name, data, why):
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = editor.post("/admin/corpus/document/add/", _document_form(scan=upload))
    assert response.status_code == 200  # the form again, with the error beside the file
    html = response.content.decode()
    assert f"“{name}” is refused" in html and why in html
    assert not models.Document.objects.exists() and not models.Scan.objects.exists()
    assert _stored_files() == []  # nothing half-written


def test_the_admin_refuses_html_as_a_translation_pdf(editor):
    upload = SimpleUploadedFile("text.pdf", HTML, content_type="application/pdf")
    response = editor.post("/admin/corpus/document/add/", _document_form(translation=upload))
    assert "“text.pdf” is refused: it looks like HTML. Accepted: PDF." in response.content.decode()
    assert not models.Translation.objects.exists()


def test_the_admin_refuses_an_svg_collection_picture(editor):
    svg = SimpleUploadedFile("cover.svg", SVG, "image/svg+xml")
    data = {"title": "Cold War", "slug": "", "short_description": "", "introduction": "",
            "position": "0", "image": svg}  # fmt: skip
    response = editor.post("/admin/corpus/collection/add/", data)
    assert "“cover.svg” is refused: it looks like SVG" in response.content.decode()
    assert not models.Collection.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [("Secret plan (draft).png", PNG, "png"), ("telegram.jpeg", JPEG, "jpg"),
     ("report.PDF", PDF, "pdf"), ("actually-a-jpeg.png", JPEG, "jpg")],
)  # fmt: skip
def test_the_admin_keeps_real_scans_under_random_names(editor, name, data, extension):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = editor.post("/admin/corpus/document/add/", _document_form(scan=upload))
    assert response.status_code == 302, response.content.decode()[-2000:]
    scan = models.Scan.objects.get()
    assert RANDOM_NAME.match(scan.file.name), scan.file.name
    assert scan.file.name.endswith(f".{extension}")  # from the bytes, not the name
    assert Path(scan.file.path).read_bytes() == data
    assert name.rsplit(".", 1)[0] not in scan.file.name.removeprefix("scans/")


def test_two_uploads_of_one_name_get_different_unguessable_names():
    doc = DocumentFactory()
    first, second = add_scan(doc, "p1.png", PNG), add_scan(doc, "p1.png", PNG)
    assert first.file.name != second.file.name
    assert all(RANDOM_NAME.match(s.file.name) for s in (first, second))


def test_the_size_limit_refuses_a_large_scan(editor, settings):
    settings.UPLOAD_MAX_BYTES = len(PNG) - 1
    upload = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    response = editor.post("/admin/corpus/document/add/", _document_form(scan=upload))
    assert f"“big.png” has {len(PNG):,} bytes; the limit is {len(PNG) - 1:,}" in (
        response.content.decode()
    )
    assert not models.Scan.objects.exists()


def test_an_image_with_too_many_pixels_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 80
    doc = DocumentFactory()
    with pytest.raises(Exception, match="10,800 pixels; the limit is 8,000"):
        add_scan(doc, "wide.png", PNG)


def test_code_that_saves_a_file_directly_is_checked_too():
    doc = DocumentFactory()
    with pytest.raises(Exception, match="“evil.png” is refused: it looks like HTML"), atomic():
        models.Scan.objects.create(document=doc, file=ContentFile(HTML, name="evil.png"))
    assert not models.Scan.objects.exists() and _stored_files() == []


def test_the_jsonl_import_refuses_a_scan_that_holds_html(tmp_path):
    doc = DocumentFactory(public_id="imported/1")
    add_scan(doc, "page.png", PNG)
    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    line = next(x for x in lines if x["type"] == "document")
    line["scans"][0]["file"] = {"name": "scans/2024/evil.png",
                                "data": base64.b64encode(HTML).decode()}  # fmt: skip
    write_export(out, lines)  # a whole export, checksum and all: only the file is bad
    empty_archive()
    err = io.StringIO()
    with pytest.raises(Exception, match="1 failed"):
        call_command("import", "jsonl", str(out), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "file: “scans/2024/evil.png” is refused: it looks like HTML" in err.getvalue()
    assert not models.Document.objects.exists()
    assert not default_storage.exists("scans/2024/evil.png")


# -- serving -----------------------------------------------------------------------------
@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)
    return client


def _routes(scan) -> list[str]:
    ext = scan.file.name.rsplit(".", 1)[1]
    return [
        f"/media/{scan.file.name}",
        f"/srv/media_files/{scan.pk}.{ext}",
        f"/iiif/image/{scan.pk}-1/info.json",
        f"/iiif/image/{scan.pk}-1/full/100,/0/default.jpg",
        f"/iiif/{scan.document.public_id}/manifest.json",
    ]


def test_a_draft_documents_files_are_404_to_the_public_everywhere(client, staff):
    from django.test import Client

    draft = DocumentFactory(public_id="draft/1", status=models.Document.DRAFT)
    scan = add_scan(draft, "secret.png", PNG)
    anonymous = Client()
    for url in _routes(scan):
        assert anonymous.get(url).status_code == 404, url
        assert staff.get(url).status_code == 200, url
    staff_file = staff.get(f"/media/{scan.file.name}")
    assert staff_file["Cache-Control"] == "private, no-store"  # not kept by a shared cache
    draft.status = models.Document.PUBLISHED
    draft.save()
    for url in _routes(scan):
        assert anonymous.get(url).status_code == 200, url


def test_published_files_are_served_inline_with_safe_headers(client):
    doc = DocumentFactory(public_id="pub/1")
    png, pdf = add_scan(doc, "a.png", PNG, label="Page 1"), add_scan(doc, "b.pdf", PDF)
    response = client.get(f"/media/{png.file.name}")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="page-1.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PNG
    srv = client.get(f"/srv/media_files/{pdf.pk}.pdf")
    assert srv["Content-Type"] == "application/pdf"
    assert srv["Content-Disposition"] == f'inline; filename="media-file-{pdf.pk}.pdf"'
    assert srv["X-Content-Type-Options"] == "nosniff"
    assert srv["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_translation_pdf_is_served_with_the_same_headers(client):
    doc = DocumentFactory(public_id="pub/2")
    text = models.Translation.objects.create(document=doc, file=ContentFile(PDF, name="t.pdf"))
    for url in (f"/media/{text.file.name}", f"/srv/translations/{text.pk}.pdf"):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf", url
        assert response["Content-Disposition"].startswith("inline; filename="), url
        assert response["X-Content-Type-Options"] == "nosniff", url


@pytest.mark.parametrize("name", ["scans/2019/evil.png", "scans/2019/evil.html", "scans/x.svg"])
def test_a_file_stored_before_the_check_is_never_served_as_a_page(client, name):
    """Old uploads were not checked: whatever their name, HTML or SVG goes out as a download."""
    doc = DocumentFactory(public_id="old/1")
    stored = default_storage.save(name, ContentFile(SVG if name.endswith("svg") else HTML))
    scan = models.Scan.objects.create(document=doc, file=stored)
    for url in (f"/media/{scan.file.name}", f"/srv/media_files/{scan.pk}.{name[-3:]}"):
        response = client.get(url.replace(".tml", ".html"))
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_nothing_else_under_media_can_be_fetched(client):
    """Only names a row stores: no derived IIIF files, strays, or the folder's neighbours."""
    doc = DocumentFactory(public_id="pub/3")
    scan = add_scan(doc, "a.png", PNG)
    assert client.get(f"/iiif/image/{scan.pk}-1/full/50,/0/default.jpg").status_code == 200
    derived = next(Path(settings.MEDIA_ROOT, "iiif").rglob("*.jpg"))
    stray = default_storage.save("scans/2024/orphan.png", ContentFile(PNG))
    for path in (
        derived.relative_to(settings.MEDIA_ROOT).as_posix(), stray, "scans/", "",
        "../secret_key", "scans/../../secret_key", "%2e%2e/secret_key",
    ):  # fmt: skip
        assert client.get(f"/media/{path}").status_code == 404, path


def test_old_predictable_paths_of_drafts_are_not_reachable(client):
    """A draft's file stored under its original name (before random names) stays hidden."""
    draft = DocumentFactory(public_id="draft/2", status=models.Document.DRAFT)
    stored = default_storage.save("scans/2019/minutes.png", ContentFile(PNG))
    models.Scan.objects.create(document=draft, file=stored)
    assert client.get("/media/scans/2019/minutes.png").status_code == 404


def test_with_the_accel_prefix_nginx_sends_the_file(client, settings):
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    doc = DocumentFactory(public_id="pub/4")
    scan = add_scan(doc, "a.png", PNG)
    response = client.get(f"/media/{scan.file.name}")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{scan.file.name}"
    assert response.content == b""  # the body comes from nginx's internal location
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    srv = client.get(f"/srv/media_files/{scan.pk}.png")
    assert srv["X-Accel-Redirect"] == f"/protected-media/{scan.file.name}"
    draft = DocumentFactory(public_id="draft/3", status=models.Document.DRAFT)
    hidden = add_scan(draft, "b.png", PNG)
    assert client.get(f"/media/{hidden.file.name}").status_code == 404  # still gated


def test_a_collection_picture_is_served_and_checked(client):
    collection = CollectionFactory(title="Cold War")
    collection.image.save("cover.jpg", ContentFile(JPEG))
    assert re.match(r"^collections/[0-9a-f]{32}\.jpg$", collection.image.name)
    response = client.get(f"/media/{collection.image.name}")
    assert response["Content-Type"] == "image/jpeg"
    with pytest.raises(Exception, match="Accepted: JPEG, PNG, TIFF, WEBP, GIF"):
        collection.image.save("cover.pdf", ContentFile(PDF))
