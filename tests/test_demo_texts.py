"""The demo's three state documents: each has its Russian transcript, an English
translation and page scans (facsimiles, said so), aligned page by page on the record page."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html
from PIL import Image

from chancery.corpus.models import Document, Translation

from .iiif.scans import add_scan, image_bytes, page_image

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
STATE_DOCUMENTS = ["11", "12", "13"]
MARKER = re.compile(r'<span class="pb" data-page="(\d+)">\[Page \1\]</span>')


def pages(html: str) -> list[str]:
    return MARKER.findall(html)


@pytest.mark.parametrize("public_id", STATE_DOCUMENTS)
def test_each_state_document_has_original_translation_and_scans(demo, public_id):
    doc = Document.objects.get(public_id=public_id)
    assert doc.is_published and doc.source, "a demo text names its source"
    (transcript,) = doc.transcripts.all()
    (translation,) = doc.translations.all()
    assert transcript.language.code == "rus" and translation.language.code == "eng"
    assert re.search("[а-яё]{4}", transcript.html), "the transcript is in Russian"
    assert translation.translator
    # at least two printed pages, the same in both layers and in the scans
    assert len(pages(transcript.html)) >= 2
    assert pages(transcript.html) == pages(translation.html)
    scans = list(doc.scans.all())
    assert [s.label.split()[1] for s in scans] == pages(transcript.html)
    for scan in scans:
        assert "facsimile rendered from the transcript" in scan.label
        with scan.file.open("rb") as f:
            image = Image.open(io.BytesIO(f.read()))
        assert image.format == "PNG" and image.height > image.width > 500


def test_the_record_page_sets_the_layers_side_by_side(client, demo):
    tree = lxml_html.fromstring(client.get("/document/12/").content)
    panes = tree.xpath("//section[@data-parallel]//section[contains(@class, 'pane ')]")
    assert [p.get("id") for p in panes] == ["pane-scan", "pane-original", "pane-translation"]
    assert [(p.get("lang"), p.get("dir")) for p in panes] == [
        (None, "ltr"),
        ("ru", "ltr"),
        ("en", "ltr"),
    ]
    # one row per page in every pane, so the rows line up
    for pane in panes:
        rows = pane.xpath("./div[contains(@class, 'pane-row')][@data-page]")
        assert [r.get("data-page") for r in rows] == ["1", "2"]
    # a page marker leads to its scan; the scans say what they are
    marker = tree.xpath("//section[@id='pane-original']//span[@class='pb']/a")[1]
    assert marker.get("href") == "#scan-page-2" and marker.text == "[Page 2]"
    assert (
        tree.xpath("//*[@id='scan-page-2']//figcaption")[0]
        .text_content()
        .endswith("(facsimile rendered from the transcript)")
    )
    # the footnote is numbered and linked both ways
    ref = tree.xpath("//section[@id='pane-translation']//sup[@class='footnote-ref']/a")[0]
    note = tree.xpath(f"//li[@id='{ref.get('href')[1:]}']")[0]
    assert note.xpath(".//a[@class='footnote-back']/@href") == [f"#{ref.get('id')}"]
    assert "Gregorian" in note.text_content()


def test_a_search_word_is_found_on_its_page(client, demo):
    tree = lxml_html.fromstring(client.get("/document/12/?q=secret").content)
    (hit,) = tree.xpath("//p[contains(@class, 'first-hit')]")
    assert "page 2" in hit.text_content()
    assert "#original-page-2" in hit.xpath(".//a/@href")
    assert tree.xpath("//*[@id='translation-page-2']//mark")


def test_parallel_record_queries_stay_bounded(client, demo, django_assert_max_num_queries):
    """More scans and another translation do not mean more queries."""
    with CaptureQueriesContext(connection) as before:
        assert client.get("/document/13/").status_code == 200
    doc = Document.objects.get(public_id="13")
    for n in range(3, 6):
        add_scan(doc, f"p{n}.png", image_bytes(page_image(300, 400, str(n)), "PNG"),
                 label=f"Page {n}", position=n)  # fmt: skip
    second = '<span class="pb" data-page="1">[Page 1]</span><p>Another rendering.</p>'
    Translation.objects.create(document=doc, position=2, label="Second translation", html=second)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get("/document/13/")
    assert b"pane-translation-2" in page.content and b'id="scan-page-5"' in page.content


def test_scans_are_shown_once_with_the_zoom_viewer_below(client, demo):
    """The scan pane shows the page images; the viewer section below does not repeat them
    but keeps the deep-zoom viewer and the IIIF manifest, and each page opens it."""
    tree = lxml_html.fromstring(client.get("/document/11/").content)
    doc = Document.objects.get(public_id="11")
    for scan in doc.scans.all():
        assert len(tree.xpath(f"//a[@href='{scan.file.url}']")) == 1, "each scan shown once"
    assert not tree.xpath("//ul[@class='scans']/li")
    (section,) = tree.xpath("//section[@class='scans-section']")
    assert section.xpath(".//h2")[0].text == "Zoom viewer"
    assert section.xpath(".//*[@id='iiif-viewer']")
    assert section.xpath(".//a[@href='/iiif/11/manifest.json' or contains(@href, 'manifest')]")
    buttons = tree.xpath("//section[@id='pane-scan']//button[@data-zoom-page]")
    assert [b.get("data-zoom-page") for b in buttons] == ["1", "2"]
    assert buttons[1].text == "Open page 2 in the zoom viewer"
