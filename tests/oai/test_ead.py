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


@pytest.fixture
def sickle(live_server, transactional_db, settings):
    settings.OAI_NAMESPACE = NAMESPACE
    settings.OAI_PAGE_SIZE = 2
    load_demo()
    return Sickle(f"{live_server.url}/oai", max_retries=0, timeout=60)


def test_sickle_harvests_each_top_collection_as_valid_ead3(sickle):
    formats = {f.metadataPrefix: f.metadataNamespace for f in sickle.ListMetadataFormats()}
    assert formats["ead"] == EAD_NS
    records = list(sickle.ListRecords(metadataPrefix="ead"))  # several pages of 2
    top = models.Collection.objects.filter(parent=None)
    assert sorted(r.header.identifier for r in records) == sorted(
        f"oai:{NAMESPACE}:collection/{c.slug}" for c in top
    )
    checker = schema()  # the EAD3 schema, when installed (CHANCERY_SCHEMAS_DIR)
    for record in records:
        ead = record.xml.find(".//{http://www.openarchives.org/OAI/2.0/}metadata/e:ead", EAD)
        assert ead is not None
        if checker is not None:
            checker.assertValid(etree.ElementTree(ead))
    sino = next(r for r in records if r.header.identifier.endswith("/sino-soviet-relations"))
    ead = sino.xml.find(".//e:ead", EAD)
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
    formats = {f.metadataPrefix: f.metadataNamespace for f in sickle.ListMetadataFormats()}
    assert formats["ead2002"] == EAD2002_NS
    records = list(sickle.ListRecords(metadataPrefix="ead2002"))
    assert len(records) == models.Collection.objects.filter(parent=None).count()
    checker = schema2002()  # the EAD 2002 schema, when installed (CHANCERY_SCHEMAS_DIR)
    ns = {"n": EAD2002_NS}
    for record in records:
        ead = record.xml.find(".//{http://www.openarchives.org/OAI/2.0/}metadata/n:ead", ns)
        assert ead is not None
        if checker is not None:
            checker.assertValid(etree.ElementTree(ead))
    sino = next(r for r in records if r.header.identifier.endswith("/sino-soviet-relations"))
    assert len(sino.xml.findall(".//n:c[@level='item']", ns)) == 7
