"""Better records from the real FRUS TEI files: titles, inferred dates, spacing, footnotes.

Read with the importer's own reader (no database needed for what it makes of a file).
"""

import re

import pytest

from chancery.ingest.records import CollectionRef, DocumentRecord
from chancery.ingest.run import Note
from chancery.ingest.tei import VolumeReader, read_tei

from .conftest import frus_path


def read(name: str) -> tuple[dict[str, DocumentRecord], list[CollectionRef], VolumeReader]:
    reader = VolumeReader(frus_path() / name)
    items = list(reader)
    docs = {i.public_id: i for i in items if isinstance(i, DocumentRecord)}
    return docs, [i for i in items if isinstance(i, CollectionRef)], reader


@pytest.fixture(scope="module")
def v1861():
    return read("frus1861.xml")


def test_no_title_reads_document_none_or_untitled(v1861):
    for docs in (v1861[0], read("frus1870.xml")[0]):
        assert not [d.title for d in docs.values() if "Document None" in d.title]
        assert not [d.title for d in docs.values() if "[Untitled]" in d.title]


def test_an_untitled_enclosure_is_titled_from_its_parent(v1861):
    docs = v1861[0]
    enclosure = docs["frus1861/d24.1"]
    assert enclosure.title == f"Enclosure 1 to {docs['frus1861/d24'].title}"


def test_a_heading_printed_as_centred_lines_is_the_title():
    docs = read("frus1870.xml")[0]
    title = docs["frus1870/d1"].title
    assert "A Proclamation" in title and "Enjoining neutrality" in title


def test_a_date_quoted_in_the_text_is_not_the_documents_date(v1861):
    docs, _, reader = v1861
    enclosure = docs["frus1861/d24.1"]
    assert not enclosure.date.startswith("1856")  # "the congress of Paris of April 16, 1856"
    assert any("frus1861/d24.1" in n and "1856" in n for n in reader.volume.inferred_dates)
    years = [int(d.date[:4]) for d in docs.values() if d.date]
    assert min(years) >= 1860


def test_a_date_from_the_editors_note_when_the_dateline_has_none():
    docs, _, reader = read("frus1901China.xml")
    handed = [d for d in docs.values() if "[Handed to Mr. Adee by Mr. Wu, August 20" in
              re.sub(r"\s+", " ", d.transcripts[0].html)]  # fmt: skip
    assert handed and handed[0].date == "1900-08-20"
    note = next(n for n in reader.volume.inferred_dates if handed[0].public_id + ":" in n)
    assert "1900-08-20" in note and "Handed to" in note
    notes = [i.text for i in read_tei(frus_path() / "frus1901China.xml") if isinstance(i, Note)]
    assert note in notes  # reported by the import


def test_words_are_kept_apart_at_element_boundaries():
    _, collections, _ = read("frus1897.xml")
    titles = {c.title for c in collections}
    assert "Correspondence Argentine Republic" in titles
    assert not any("CorrespondenceArgentine" in t for t in titles)


def test_printed_footnote_numbers_are_kept_and_shown():
    docs = read("frus1930v01.xml")[0]
    html = docs["frus1930v01/d1"].transcripts[0].html
    marks = re.findall(r'class="footnote-ref"><a [^>]*>([^<]+)</a>', html)
    assert marks[:3] == ["2", "2a", "3"]  # as printed, not renumbered 1, 2, 3
    assert '<span class="footnote-mark">2a</span>' in html
