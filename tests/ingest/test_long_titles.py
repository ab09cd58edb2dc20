"""A printed heading longer than 300 characters is a real title: it is kept whole, on every
database (PostgreSQL refused frus1917Supp02v02 with "value too long for type character
varying(300)"; SQLite kept the title cut at 300). A "name" that long is a stretch of text
the reader took for one: it makes no record, and the import says so."""

import io

import pytest
from django.core.management import call_command

from chancery.corpus import models

from .conftest import _high_water, empty_archive, frus_path

pytestmark = pytest.mark.django_db

#: The heading of frus1917Supp02v02's first subchapter, as printed (351 characters).
LONG_HEADING = (
    "Consideration of the control of exports from the United States—Suggestions as to "
    "measures for preventing trade beneficial to Germany—Withdrawal by the British and "
    "French Governments of the black list of firms in the United States—Advice of the "
    "Federal Reserve Board to banks against transfers of funds to neutral countries for "
    "German interests, May 10"
)
FRAGMENT = "Mr. Lansing " + "and the Exports Council of the United States " * 8

VOLUME = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="frus1917t">
  <teiHeader><fileDesc>
    <titleStmt><title type="complete">A Test Volume, 1917</title></titleStmt>
    <publicationStmt><publisher>United States Government Printing Office</publisher>
      <idno type="frus">frus1917t</idno></publicationStmt>
  </fileDesc></teiHeader>
  <text><body>
    <div type="chapter" xml:id="ch1"><head>Trade Regulation</head>
      <div type="subchapter" xml:id="ch1subch1"><head>{LONG_HEADING}</head>
        <div type="document" subtype="historical-document" xml:id="d1" n="1">
          <head>The Secretary of State to the Exports Council</head>
          <opener><dateline><placeName>Washington,</placeName>
            <date when="1917-04-09">April 9, 1917.</date></dateline></opener>
          <p>Sir: I have the honor to transmit the report of <persName
              corresp="#p_LR1">{FRAGMENT}</persName>, with <persName
              corresp="#p_HLC1">Mr. Hoover</persName>.</p>
        </div>
      </div>
    </div>
  </body></text>
</TEI>
"""


def import_tei(path) -> str:
    out = io.StringIO()
    call_command("import", "tei", str(path), "--no-progress", "-v", "2", stdout=out)
    return out.getvalue()


def test_a_long_chapter_heading_is_kept_whole_and_a_long_name_makes_no_record(write_file):
    output = import_tei(write_file("frus1917t.xml", VOLUME))
    chapter = models.Collection.objects.get(identifier="", title__startswith="Consideration")
    assert len(chapter.title) > 300
    assert chapter.title.endswith("for German interests, May 10")
    assert len(chapter.printed_title) > 300  # the dashes as printed
    doc = models.Document.objects.get(public_id="frus1917t/d1")
    assert chapter in doc.collections.all()
    assert not models.Agent.objects.filter(name__startswith="Mr. Lansing").exists()
    assert doc.people.filter(name="Mr. Hoover").exists()  # the document's other names
    assert "'Mr. Lansing and the Exports Council" in output
    assert "is no name (" in output


def test_the_1917_volume_imports_with_its_long_headings_whole():
    """The real volume (run it on PostgreSQL: that is where it failed)."""
    path = frus_path() / "frus1917Supp02v02.xml"
    before = _high_water()
    try:
        output = import_tei(path)
        assert "1 failed" not in output and "0 failed" in output
        chapter = models.Collection.objects.get(title__startswith="Consideration of the control")
        assert chapter.title.endswith("for German interests, May 10")
        assert len(chapter.title) > 300
        assert chapter.documents.exists()
    finally:
        empty_archive()
        for model, high in before.items():
            model.objects.filter(pk__gt=high).delete()
