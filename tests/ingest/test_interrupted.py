"""An import stopped half-way (Ctrl-C, a kill) leaves no trace: no document, no index entry."""

import pytest
from lxml import etree

from chancery.corpus import models
from chancery.ingest.records import CollectionRef, DocumentRecord, TextRef
from chancery.ingest.run import import_file
from chancery.ingest.tei import date_from_attributes
from chancery.search.backends import get_backend

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def test_ctrl_c_in_the_middle_of_a_file_writes_nothing(tmp_path):
    def reader(path):
        yield CollectionRef(key="k", title="Volume")
        for n in range(150):  # more than one batch: some documents are already written
            yield DocumentRecord(public_id=f"x/{n}", title=f"Doc {n}",
                                 transcripts=[TextRef("<p>words</p>", "eng")])  # fmt: skip
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(tmp_path / "x.xml", reader)
    assert not models.Document.objects.exists()
    assert not models.Collection.objects.exists()
    assert get_backend().indexed_count() == 0


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('when="1919-01-12T10:30:00"', "1919-01-12"),
        ('from="1919-01-12" to="1919-01-20"', "1919-01-12/1919-01-20"),
        ('notBefore="1861-06-01" notAfter="1861-06-30"', "1861-06-01/1861-06-30"),
        ("", ""),
    ],
)
def test_date_attributes(attributes, expected):
    assert date_from_attributes(etree.fromstring(f"<date {attributes}/>")) == expected
