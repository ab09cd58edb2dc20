"""The TEI reader on its own (no database): every shared volume, and the date rules."""

import pytest
from lxml import etree

from chancery.ingest.records import DocumentRecord
from chancery.ingest.tei import VolumeReader, doc_type_for, written_date

from .conftest import frus_path

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def test_every_shared_volume_reads_completely():
    """All twelve volumes: one record per document div, each titled, @when dates exact."""
    folder = frus_path()
    volumes = sorted(folder.glob("*.xml"))
    assert len(volumes) == 12
    for path in volumes:
        records = [r for r in VolumeReader(path) if isinstance(r, DocumentRecord)]
        root = etree.parse(str(path)).getroot()
        divs = [d for d in root.iter(TEI + "div") if d.get("type") == "document"]
        assert len(records) == len(divs), path.name
        assert len({r.public_id for r in records}) == len(records), path.name
        assert all(r.title.strip() for r in records), path.name
        by_id = {r.public_id: r for r in records}
        for div in divs:
            date = div.find(f"{TEI}dateline//{TEI}date[@when]")
            if date is not None and div.get(XML_ID):
                public_id = f"{path.stem}/{div.get(XML_ID)}"
                assert by_id[public_id].date == date.get("when")[:10], public_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Minutes of a meeting held at Paris, January 12, 1919", "1919-01-12"),
        ("Conference on Load Lines, held at London, May 20–July 5, 1930", "1930-05-20/1930-07-05"),
        ("held at New York, April 10–11, 1930", "1930-04-10/1930-04-11"),
        ("Paris, June —, 1861", ""),
        ("Washington, June, 1861", "1861-06"),
        ("no date here", ""),
    ],
)
def test_dates_written_in_a_heading_or_dateline(text, expected):
    assert written_date(text) == expected


@pytest.mark.parametrize(
    ("source", "title", "expected"),
    [
        ("[Telegram]", "The Secretary of State to the Ambassador in France", "Telegram"),
        ("File No. 861.51/131", "Memorandum by the Secretary of State", "Memorandum"),
        ("", "The Secretary of State to the Minister in China", "Instruction"),
        ("", "The Minister in China (Conger) to the Secretary of State", "Despatch"),
        ("", "The British Embassy to the Department of State", "Note"),
        ("", "Announcement by President Wilson", ""),
    ],
)
def test_document_type_from_source_note_or_title(source, title, expected):
    assert doc_type_for(source, title) == expected
