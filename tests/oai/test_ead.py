"""Collections harvested as EAD3 finding aids over OAI-PMH, by a real harvester (Sickle)."""

from __future__ import annotations

import pytest
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import CannotDisseminateFormat

from chancery.corpus import models
from chancery.corpus.demo import load_demo
from chancery.ingest.ead import EAD_NS, schema
from chancery.ingest.ead2002 import EAD2002_NS
from chancery.ingest.ead2002 import schema as schema2002

from .conftest import NAMESPACE, validate

EAD = {"e": EAD_NS}
N2002 = {"n": EAD2002_NS}
OAI = "http://www.openarchives.org/OAI/2.0/"


@pytest.fixture
def sickle(live_server, transactional_db, settings):
    settings.OAI_NAMESPACE = NAMESPACE
    settings.OAI_PAGE_SIZE = 2
    load_demo()
    return Sickle(f"{live_server.url}/oai", max_retries=0, timeout=60)


def harvested(sickle, prefix: str, ns: str, checker) -> dict[str, etree._Element]:
    """Every top-level collection harvested in ``prefix`` (several pages of 2): its finding
    aid by its local identifier (``collection/<slug>``), each one offered in namespace
    ``ns``, found in its record and valid against ``checker`` (the published schema, when
    installed: CHANCERY_SCHEMAS_DIR)."""
    formats = {f.metadataPrefix: f.metadataNamespace for f in sickle.ListMetadataFormats()}
    assert formats[prefix] == ns
    found = {}
    for record in sickle.ListRecords(metadataPrefix=prefix):
        ead = record.xml.find(f".//{{{OAI}}}metadata/{{{ns}}}ead")
        assert ead is not None
        if checker is not None:
            checker.assertValid(etree.ElementTree(ead))
        found[record.header.identifier.removeprefix(f"oai:{NAMESPACE}:")] = ead
    top = models.Collection.objects.filter(parent=None)
    assert sorted(found) == sorted(f"collection/{c.slug}" for c in top)
    return found


def test_sickle_harvests_each_top_collection_as_valid_ead3(sickle):
    ead = harvested(sickle, "ead", EAD_NS, schema())["collection/sino-soviet-relations"]
    titles = [t.text for t in ead.iterfind(".//e:c[@level='item']/e:did/e:unittitle", EAD)]
    assert len(titles) == 7  # the published documents of both parts, described
    assert not ead.findall(".//e:odd[@localtype='transcript:eng']", EAD)  # no texts over OAI


def test_ead_is_for_collections_and_the_other_formats_for_documents(sickle, client):
    record = sickle.GetRecord(
        identifier=f"oai:{NAMESPACE}:collection/sino-soviet-relations", metadataPrefix="ead"
    )
    assert record.xml.find(".//e:archdesc/e:did/e:unittitle", EAD).text == "Sino-Soviet Relations"
    formats = sickle.ListMetadataFormats(
        identifier=f"oai:{NAMESPACE}:collection/end-of-the-cold-war"
    )
    assert [f.metadataPrefix for f in formats] == ["ead", "ead2002"]
    document = models.Document.objects.published().first()
    with pytest.raises(CannotDisseminateFormat):
        sickle.GetRecord(identifier=f"oai:{NAMESPACE}:{document.public_id}", metadataPrefix="ead")
    with pytest.raises(CannotDisseminateFormat):
        sickle.GetRecord(
            identifier=f"oai:{NAMESPACE}:collection/end-of-the-cold-war", metadataPrefix="mods"
        )
    dc = [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc")]
    assert not any("collection/" in i for i in dc)
    validate(client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "ead"}).content)


def test_sickle_harvests_each_top_collection_as_valid_ead2002(sickle):
    eads = harvested(sickle, "ead2002", EAD2002_NS, schema2002())
    items = eads["collection/sino-soviet-relations"].findall(".//n:c[@level='item']", N2002)
    assert len(items) == 7
