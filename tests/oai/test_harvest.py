"""A real harvester (Sickle, from PyPI) harvests a live test server through resumption tokens."""

from __future__ import annotations

import pytest
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

from chancery.corpus import models
from tests.factories import DocumentFactory

from .conftest import build_archive, identifier

PUBLISHED = 320
DC_FIELDS = [
    "title", "date", "description", "creator", "subject", "coverage", "language", "type",
    "source", "rights", "identifier",
]  # fmt: skip


@pytest.fixture
def big_archive(transactional_db, settings):
    settings.OAI_PAGE_SIZE = 50
    return build_archive(published=PUBLISHED, drafts=12)


@pytest.fixture
def sickle(live_server):
    return Sickle(f"{live_server.url}/oai", max_retries=0, timeout=60)


def test_sickle_harvests_every_published_record_with_its_dublin_core(sickle, big_archive):
    identify = sickle.Identify()
    assert identify.deletedRecord == "persistent"
    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    harvested = [r.header.identifier for r in records]
    assert len(harvested) == len(set(harvested)) == PUBLISHED  # 7 pages of 50
    assert set(harvested) == {identifier(p) for p in big_archive.published}
    for record in records:
        missing = [name for name in DC_FIELDS if not record.metadata.get(name)]
        assert not missing, f"{record.header.identifier} lacks {missing}"
        public_id = record.header.identifier.split(":", 2)[2]
        assert record.metadata["identifier"] == [f"{sickle.endpoint[:-4]}/document/{public_id}/"]


def test_sickle_harvests_mods_and_sets(sickle, big_archive):
    sets = {s.setSpec: s.setName for s in sickle.ListSets()}
    assert sets["cold-war:berlin"] == "Berlin Crisis"
    in_cold_war = [
        h.identifier for h in sickle.ListIdentifiers(metadataPrefix="mods", set="cold-war")
    ]
    in_treaties = [
        h.identifier for h in sickle.ListIdentifiers(metadataPrefix="mods", set="treaties")
    ]
    assert len(in_cold_war) + len(in_treaties) == PUBLISHED
    record = sickle.GetRecord(
        identifier=identifier(big_archive.published[5]), metadataPrefix="mods"
    )
    assert record.xml.find(".//{http://www.loc.gov/mods/v3}mods") is not None


def test_a_harvest_survives_new_imports_between_pages(sickle, big_archive):
    headers = sickle.ListIdentifiers(metadataPrefix="oai_dc")
    seen = [next(headers).identifier for _ in range(50)]  # the whole first page
    added = [DocumentFactory(public_id=f"late/d{i}").public_id for i in range(30)]
    changed = models.Document.objects.get(public_id=big_archive.published[-1])
    changed.title = "Corrected title"
    changed.save()
    seen += [h.identifier for h in headers]
    assert set(seen) == {identifier(p) for p in big_archive.published + added}
    assert len(seen) == PUBLISHED + len(added)


def test_sickle_sees_deletions_and_no_drafts(sickle, big_archive):
    gone = models.Document.objects.get(public_id=big_archive.published[0])
    gone.delete()
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    deleted = [h.identifier for h in headers if h.deleted]
    assert deleted == [identifier(gone.public_id)]
    drafts = {identifier(d) for d in big_archive.drafts}
    assert not drafts & {h.identifier for h in headers}
    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier=identifier(big_archive.drafts[0]), metadataPrefix="oai_dc")
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
