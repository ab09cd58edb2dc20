"""The parallel view's page alignment (chancery/web/parallel.py) on layers shaped unlike the
demo's: a page turning mid-paragraph, a layer lacking a page, scans without page labels, a
right-to-left translation, a single layer."""

import pytest

from chancery.corpus.models import Transcript, Translation
from chancery.web import parallel

from .factories import DocumentFactory, language
from .iiif.scans import add_scan, image_bytes, page_image

pytestmark = pytest.mark.django_db


def pb(n):
    return f'<span class="pb" data-page="{n}">[Page {n}]</span>'


def rows(pane):
    return [(r.page, r.html or r.scan) for r in pane.rows]


def test_pages_line_up_across_unlike_layers():
    doc = DocumentFactory(public_id="x")
    Transcript.objects.create(
        document=doc, language=language("rus", "Russian"),
        html=f"<p>Вступление</p>{pb(15)}<p>один</p><p>два {pb(16)} три</p><p>четыре</p>",
    )  # fmt: skip
    Translation.objects.create(
        document=doc, language=language("ara", "Arabic"), html=f"{pb(15)}<p>واحد</p>"
    )
    for n in range(2):
        add_scan(doc, f"s{n}.png", image_bytes(page_image(200, 300, str(n)), "PNG"), position=n)
    view = parallel.build(doc, ["три"])
    scan, original, translation = view.panes
    assert view.pages == ["15", "16"]
    # scans without a page in their label take the pages in order
    assert [(r.page, r.scan.position) for r in scan.rows] == [("15", 0), ("16", 1)]
    # the text before the first marker leads; a marker inside a paragraph keeps it whole
    # and starts its page with the next paragraph
    assert "Вступление" in original.lead.html
    assert "один" in original.rows[0].html and "два" in original.rows[0].html
    assert 'data-page="16"' in original.rows[0].html and "четыре" in original.rows[1].html
    # the translation lacks page 16: an empty row keeps the rows in step
    assert [r.page for r in translation.rows] == ["15", "16"] and not translation.rows[1].html
    assert (original.lang, translation.lang, translation.dir) == ("ru", "ar", "rtl")
    assert view.first_hit == "15" and view.marked == 1  # "три" is still on page 15's chunk
    # markers link to the scans
    assert 'href="#scan-page-15"' in original.rows[0].html


def test_one_layer_and_no_scans_stays_stacked():
    doc = DocumentFactory(public_id="y", text=f"{pb(1)}<p>Only a translation.</p>")
    assert parallel.build(doc, []) is None
