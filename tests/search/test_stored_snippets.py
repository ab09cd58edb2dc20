"""Snippets made from the index's stored excerpts are the snippets readers saw before.

An engine that stores the texts snippets are cut from (``supports_stored_snippets``:
Tantivy) marks them with the same code as the shared fallback, which reads the hits'
texts from the database; both must give the same marks, "Matched in" layers and snippet
for the same hits — variants, phrases, stems, several texts and machine-read text
included — and a text's own markup stays escaped on every engine.
"""

from __future__ import annotations

import pytest

from chancery.corpus.models import Transcript
from chancery.ocr.models import MachineText
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery
from chancery.search.snippets import SNIPPET_HEAD, marks_for
from tests.factories import DocumentFactory
from tests.iiif.scans import add_scan, image_bytes, page_image
from tests.search.test_contract import use

ENGINES = ["fts5", "postgres", "tantivy"]
QUERIES = [
    "treaty",
    "Beijing",  # a variant searched too: "Peking" is marked
    '"grain harvest"',
    "wheat Kuban",
    "samovar",  # only in the machine-read text
    "Khrush*",
    "ratified",  # beyond the stored head of a long text: read again whole
]


@pytest.fixture
def texts(db):
    DocumentFactory(title="Treaty of Peking", text="<p>The treaty signed at Peking.</p>")
    harvest = DocumentFactory(
        title="Report on the harvest",
        text="<p>Khrushchev spoke of the grain harvest and the treaty.</p>",
    )
    Transcript.objects.create(document=harvest, html="<p>The wheat of Kuban.</p>")
    Transcript.objects.create(document=harvest, html="<p>A second transcript: Kuban wheat.</p>")
    scan = add_scan(harvest, "page.png", image_bytes(page_image(400, 300, "x"), "PNG"))
    MachineText.objects.create(scan=scan, page=1, text="A brass samovar, Kuban 1961")
    harvest.save()  # indexed with its transcripts and machine text
    filler = "<p>" + "Nothing of note in this paragraph at all. " * 40 + "</p>"
    DocumentFactory(
        title="A long agreement",
        text=filler * (SNIPPET_HEAD // len(filler) + 2) + "<p>It was ratified in 1962.</p>",
    )
    DocumentFactory(
        title="<b>Bold</b> & the treaty",
        text="<p>The treaty says &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.</p>",
    )


@pytest.mark.parametrize("name", ["tantivy"])
def test_stored_snippets_equal_the_ones_read_from_the_database(texts, settings, tmp_path, name):
    use(settings, tmp_path, name)
    backend = get_backend()
    assert backend.supports_stored_snippets
    for text in QUERIES:
        results = backend.search(SearchQuery(text=text))
        hits = results[0:10]
        assert hits, text
        documents = [hit.document for hit in hits]
        excerpts = backend._searching(results.plan).shown([d.pk for d in documents])
        assert set(excerpts) == {d.pk for d in documents}, text  # from the index, not SQL
        stored = backend.snippets(results.plan, documents)
        read = marks_for(documents, results.plan.parsed)
        assert stored == read, text
        assert any(m.snippet for m in stored.values()), text


@pytest.mark.parametrize("name", ENGINES)
def test_snippets_show_marks_layers_and_escape_markup(texts, settings, tmp_path, name):
    use(settings, tmp_path, name)
    hits = get_backend().search(SearchQuery(text="treaty"))[0:10]
    by_title = {hit.document.title: hit for hit in hits}
    marked = by_title["<b>Bold</b> & the treaty"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in marked.snippet_html
    assert "<script>" not in marked.snippet_html
    assert marked.title_html == "&lt;b&gt;Bold&lt;/b&gt; &amp; the <mark>treaty</mark>"
    assert "<mark>treaty</mark>" in marked.snippet_html
    assert marked.layers == ["title", "translation"]
    peking = get_backend().search(SearchQuery(text="Beijing"))[0:10]
    assert any("<mark>Peking</mark>" in hit.snippet_html for hit in peking)
    long = get_backend().search(SearchQuery(text="ratified"))[0]
    assert "<mark>ratified</mark> in 1962" in long.snippet_html
    machine = get_backend().search(SearchQuery(text="samovar"))[0]
    assert "<mark>samovar</mark>" in machine.snippet_html
    assert machine.snippet_layer == "machine"
