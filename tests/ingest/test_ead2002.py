"""EAD 2002 out: valid against the official schema (with its XLink schema read from beside
it, never the network), and describing what the EAD3 export describes."""

import io

import pytest
from django.core.management import call_command
from lxml import etree

from chancery.corpus import models as m
from chancery.corpus.schemas import missing
from chancery.ingest.ead2002 import EAD2002_NS, SCHEMA, XLINK_NS, XLINK_SCHEMA, schema

pytestmark = pytest.mark.django_db
NS = {"n": EAD2002_NS, "x": XLINK_NS}


def export(key: str, out) -> etree._Element:
    result = io.StringIO()
    call_command("export", "ead", key, str(out), "--ead-version", "2002", stdout=result)
    assert "as EAD2002" in result.getvalue()
    checker = schema()
    if checker is None:
        pytest.skip(missing(SCHEMA) + "; " + missing(XLINK_SCHEMA))
    checker.assertValid(etree.parse(str(out)))
    return etree.parse(str(out)).getroot()


def test_a_collection_and_its_subtree_export_as_valid_ead2002(demo, tmp_path):
    root = export("sino-soviet-relations", tmp_path / "sino.xml")
    assert root.findtext("n:eadheader/n:eadid", namespaces=NS) == "sino-soviet-relations"
    archdesc = root.find("n:archdesc", NS)
    assert archdesc.get("level") == "collection"
    parts = [c.findtext("n:did/n:unittitle", namespaces=NS)
             for c in archdesc.iterfind("n:dsc/n:c", NS)]  # fmt: skip
    sino = m.Collection.objects.get(slug="sino-soviet-relations")
    assert parts == [c.title for c in sino.children.all()]
    items = root.findall(".//n:c[@level='item']", NS)
    published = m.Document.objects.published().filter(collections__path__startswith=sino.path)
    assert sorted(i.findtext("n:did/n:unitid", namespaces=NS) for i in items) == sorted(
        published.distinct().values_list("public_id", flat=True)
    )
    dao = items[0].find("n:did/n:dao", NS)
    assert dao.get(f"{{{XLINK_NS}}}href").startswith("/document/")
    dated = next(i for i in items if i.find("n:did/n:unitdate", NS) is not None)
    doc = m.Document.objects.get(public_id=dated.findtext("n:did/n:unitid", namespaces=NS))
    assert (
        dated.find("n:did/n:unitdate", NS)
        .get("normal", "")
        .startswith(doc.date_earliest.isoformat())
    )
    names = [n.text for n in root.iterfind(".//n:controlaccess/n:persname", NS)]
    assert names and all(n and n.strip() for n in names)  # EAD3's <part> is the name's text


def test_a_frus_volume_exports_as_valid_ead2002(frus_archive, tmp_path):
    root = export("frus1861", tmp_path / "frus1861.xml")
    volume = m.Collection.objects.get(identifier="frus1861", parent=None)
    items = root.findall(".//n:c[@level='item']", NS)
    published = m.Document.objects.published().filter(collections__path__startswith=volume.path)
    assert len(items) == published.distinct().count() > 100
