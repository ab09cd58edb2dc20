"""OAI-PMH 2.0 verbs and every protocol error, each response checked against the rules."""

from __future__ import annotations

import datetime as dt

import pytest

from chancery.corpus import models
from chancery.oai.models import Tombstone
from tests.factories import DocumentFactory

from .conftest import NS, error_code, identifier, oai


def headers(root) -> list[str]:
    return [h.findtext("oai:identifier", namespaces=NS) for h in root.iterfind(".//oai:header", NS)]


def harvest(client, verb="ListIdentifiers", **params) -> list:
    """Every header of a list request, following resumption tokens."""
    root = oai(client, verb=verb, **params)
    if error_code(root):
        return []
    found = list(root.iterfind(".//oai:header", NS))
    token = root.findtext(f"oai:{verb}/oai:resumptionToken", namespaces=NS)
    while token:
        root = oai(client, verb=verb, resumptionToken=token)
        found += root.iterfind(".//oai:header", NS)
        token = root.findtext(f"oai:{verb}/oai:resumptionToken", namespaces=NS)
    return found


def ids(found) -> set[str]:
    return {h.findtext("oai:identifier", namespaces=NS) for h in found}


def test_identify_declares_what_the_repository_supports(client, archive):
    root = oai(client, verb="Identify")
    ident = root.find("oai:Identify", NS)
    assert ident.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai"
    assert ident.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert ident.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert ident.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.findtext(".//id:repositoryIdentifier", namespaces=NS) == "archive.example.org"
    earliest = ident.findtext("oai:earliestDatestamp", namespaces=NS)
    first = models.Document.objects.published().order_by("updated_at").first().updated_at
    assert earliest == first.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_post_is_answered_like_get(client, archive):
    root = oai(client, method="post", verb="ListSets")
    assert root.find("oai:ListSets", NS) is not None


def test_metadata_formats_for_the_repository_and_for_one_record(client, archive):
    root = oai(client, verb="ListMetadataFormats")
    prefixes = [p.text for p in root.iterfind(".//oai:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "mods", "ead", "ead2002"]  # ead*: collections (test_ead.py)
    root = oai(client, verb="ListMetadataFormats", identifier=identifier(archive.published[0]))
    assert len(root.findall(".//oai:metadataFormat", NS)) == 2


def test_sets_are_collections_nested_as_parent_child(client, archive):
    root = oai(client, verb="ListSets")
    specs = {s.findtext("oai:setSpec", namespaces=NS): s for s in root.iterfind(".//oai:set", NS)}
    assert set(specs) == {"cold-war", "cold-war:berlin", "cold-war:cuba", "treaties"}
    assert specs["cold-war:berlin"].findtext("oai:setName", namespaces=NS) == "Berlin Crisis"
    description = specs["cold-war"].findtext(".//dc:description", namespaces=NS)
    assert description == "East and West, 1945-1991."


def test_harvesting_a_set_includes_its_subsets(client, archive, settings):
    settings.OAI_PAGE_SIZE = 7
    whole = ids(harvest(client, metadataPrefix="oai_dc", set="cold-war"))
    berlin = ids(harvest(client, metadataPrefix="oai_dc", set="cold-war:berlin"))
    cuba = ids(harvest(client, metadataPrefix="oai_dc", set="cold-war:cuba"))
    treaties = ids(harvest(client, metadataPrefix="oai_dc", set="treaties"))
    assert berlin and cuba and treaties
    assert whole == berlin | cuba
    assert not whole & treaties
    assert whole | treaties == {identifier(p) for p in archive.published}


def test_get_record_carries_the_dublin_core_a_harvester_needs(client, archive):
    public_id = archive.published[0]
    root = oai(client, verb="GetRecord", identifier=identifier(public_id), metadataPrefix="oai_dc")
    dc = root.find(".//oai_dc:dc", NS)

    def values(name):
        return [e.text for e in dc.iterfind(f"dc:{name}", NS)]

    doc = models.Document.objects.get(public_id=public_id)
    assert values("title") == [doc.title]
    assert values("date") == ["1950-01-01"]
    assert values("description") == ["The ambassador reports on the negotiations."]
    assert values("creator") == ["Ministry of Foreign Affairs"]
    assert values("subject") and values("coverage")
    assert values("language") == ["ru"]
    assert "Text" in values("type") and "Telegram" in values("type")
    assert "Fond 5, opis 30, delo 1" in values("source")
    assert "Public domain" in values("rights")
    assert values("identifier") == [f"http://testserver/document/{public_id}/"]
    header = root.find(".//oai:header", NS)
    assert [s.text for s in header.iterfind("oai:setSpec", NS)] == ["cold-war:berlin"]


def test_get_record_in_mods_keeps_structure_dublin_core_flattens(client, archive):
    public_id = archive.published[1]
    root = oai(client, verb="GetRecord", identifier=identifier(public_id), metadataPrefix="mods")
    mods = root.find(".//mods:mods", NS)
    assert mods.get("version") == "3.7"
    name = mods.find("mods:name", NS)
    assert name.get("type") == "personal"
    assert name.findtext("mods:role/mods:roleTerm[@type='code']", namespaces=NS) == "cre"
    edtf = mods.find("mods:originInfo/mods:dateCreated[@encoding='edtf']", NS)
    assert edtf.text == "1951-02-02" and edtf.get("keyDate") == "yes"
    lang = mods.find("mods:language/mods:languageTerm[@authority='iso639-2b']", NS)
    assert lang.text == "eng"
    host = mods.find("mods:relatedItem[@type='host']", NS)
    assert host.findtext("mods:titleInfo/mods:title", namespaces=NS) == "Cuban Missile Crisis"
    url = mods.findtext("mods:location/mods:url[@usage='primary']", namespaces=NS)
    assert url == f"http://testserver/document/{public_id}/"


def test_an_approximate_date_range_reaches_mods(client, db):
    doc = DocumentFactory(date="1951-12-24/1952-01-03")
    root = oai(
        client, verb="GetRecord", identifier=identifier(doc.public_id), metadataPrefix="mods"
    )
    dates = root.findall(".//mods:originInfo/mods:dateCreated[@encoding='w3cdtf']", NS)
    assert [(d.get("point"), d.text) for d in dates] == [
        ("start", "1951-12-24"),
        ("end", "1952-01-03"),
    ]


# -- datestamps ----------------------------------------------------------------------------


def _stamp(public_id: str, moment: dt.datetime) -> None:
    models.Document.objects.filter(public_id=public_id).update(updated_at=moment)


def test_from_and_until_select_by_datestamp_at_both_granularities(client, archive):
    old, edge, new = archive.published[:3]
    _stamp(old, dt.datetime(2001, 5, 1, 12, 0, 0, tzinfo=dt.UTC))
    _stamp(edge, dt.datetime(2001, 5, 2, 23, 59, 59, 500000, tzinfo=dt.UTC))
    _stamp(new, dt.datetime(2001, 5, 3, 0, 0, 0, tzinfo=dt.UTC))
    day = ids(
        harvest(client, metadataPrefix="oai_dc", **{"from": "2001-05-02", "until": "2001-05-02"})
    )
    assert day == {identifier(edge)}
    upto = ids(harvest(client, metadataPrefix="oai_dc", until="2001-05-02T23:59:59Z"))
    assert upto == {identifier(old), identifier(edge)}
    since = ids(
        harvest(
            client,
            metadataPrefix="oai_dc",
            **{"from": "2001-05-02T23:59:59Z", "until": "2001-05-03T00:00:00Z"},
        )
    )
    assert since == {identifier(edge), identifier(new)}
    root = oai(client, verb="GetRecord", identifier=identifier(edge), metadataPrefix="oai_dc")
    assert root.findtext(".//oai:datestamp", namespaces=NS) == "2001-05-02T23:59:59Z"


def test_resumption_tokens_report_size_and_cursor(client, archive, settings):
    settings.OAI_PAGE_SIZE = 25
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.find(".//oai:resumptionToken", NS)
    assert token.get("completeListSize") == "60" and token.get("cursor") == "0"
    root = oai(client, verb="ListIdentifiers", resumptionToken=token.text)
    assert root.find(".//oai:resumptionToken", NS).get("cursor") == "25"
    last = oai(
        client,
        verb="ListIdentifiers",
        resumptionToken=root.findtext(".//oai:resumptionToken", namespaces=NS),
    )
    final = last.find(".//oai:resumptionToken", NS)
    assert final.get("cursor") == "50" and not final.text
    assert len(last.findall(".//oai:header", NS)) == 10


def test_a_page_costs_the_same_queries_whatever_its_size(client, archive, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(size):
        settings.OAI_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as ctx:
            oai(client, verb="ListRecords", metadataPrefix="oai_dc")
        return len(ctx.captured_queries)

    assert queries(5) == queries(50)


# -- deleted records and drafts ------------------------------------------------------------


def test_unpublished_and_deleted_documents_are_reported_deleted_persistently(client, archive):
    withdrawn, deleted = archive.published[:2]
    doc = models.Document.objects.get(public_id=withdrawn)
    doc.status = models.Document.DRAFT
    doc.save()
    models.Document.objects.get(public_id=deleted).delete()

    found = {h.findtext("oai:identifier", namespaces=NS): h for h in harvest(
        client, verb="ListRecords", metadataPrefix="oai_dc"
    )}  # fmt: skip
    for public_id, spec in ((withdrawn, "cold-war:berlin"), (deleted, "cold-war:cuba")):
        header = found[identifier(public_id)]
        assert header.get("status") == "deleted"
        assert [s.text for s in header.iterfind("oai:setSpec", NS)] == [spec]
    in_set = ids(harvest(client, metadataPrefix="oai_dc", set="cold-war"))
    assert identifier(deleted) in in_set
    root = oai(client, verb="GetRecord", identifier=identifier(deleted), metadataPrefix="mods")
    assert root.find(".//oai:header", NS).get("status") == "deleted"
    assert root.find(".//oai:metadata", NS) is None

    doc.status = models.Document.PUBLISHED
    doc.save()
    assert not Tombstone.objects.filter(identifier=withdrawn).exists()
    root = oai(client, verb="GetRecord", identifier=identifier(withdrawn), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") is None


def test_a_draft_never_published_does_not_exist(client, archive):
    draft = archive.drafts[0]
    for verb, extra in (("GetRecord", {"metadataPrefix": "oai_dc"}), ("ListMetadataFormats", {})):
        root = oai(client, verb=verb, identifier=identifier(draft), **extra)
        assert error_code(root) == "idDoesNotExist"
    models.Document.objects.get(public_id=draft).delete()
    root = oai(client, verb="GetRecord", identifier=identifier(draft), metadataPrefix="oai_dc")
    assert error_code(root) == "idDoesNotExist"
    everything = ids(harvest(client, verb="ListRecords", metadataPrefix="oai_dc"))
    assert not everything & {identifier(d) for d in archive.drafts}
    assert len(everything) == 60


# -- one test per protocol error -----------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"verb": "Harvest"}, {"verb": ["Identify", "Identify"]}],
    ids=["missing", "unknown", "repeated"],
)
def test_bad_verb(client, db, params):
    root = oai(client, **params)
    assert error_code(root) == "badVerb"
    assert root.find("oai:request", NS).attrib == {}


@pytest.mark.parametrize(
    "params",
    [
        {"verb": "Identify", "identifier": "x"},
        {"verb": "ListRecords"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "mods"]},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2001-13-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2001-01-01T00:00:00"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2001-01-01",
         "until": "2001-02-01T00:00:00Z"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2002-01-01",
         "until": "2001-01-01"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "cold war"},
    ],
    ids=[
        "unknown-argument", "missing-prefix", "missing-identifier", "repeated-argument",
        "token-not-exclusive", "impossible-date", "not-a-date", "local-time",
        "mixed-granularity", "from-after-until", "bad-setspec",
    ],
)  # fmt: skip
def test_bad_argument(client, archive, params):
    root = oai(client, **params)
    assert error_code(root) == "badArgument"


@pytest.mark.parametrize("token", ["garbage", "eyJ2ZXJiIjoiTGlzdFJlY29yZHMifQ:tampered"])
def test_bad_resumption_token(client, archive, token):
    root = oai(client, verb="ListRecords", resumptionToken=token)
    assert error_code(root) == "badResumptionToken"
    assert root.find("oai:request", NS).get("resumptionToken") == token


def test_a_token_belongs_to_its_verb(client, archive, settings):
    settings.OAI_PAGE_SIZE = 10
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.findtext(".//oai:resumptionToken", namespaces=NS)
    assert (
        error_code(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    )
    assert error_code(oai(client, verb="ListSets", resumptionToken=token)) == "badResumptionToken"


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers", "GetRecord"])
def test_cannot_disseminate_format(client, archive, verb):
    params = {"verb": verb, "metadataPrefix": "marc21"}
    if verb == "GetRecord":
        params["identifier"] = identifier(archive.published[0])
    assert error_code(oai(client, **params)) == "cannotDisseminateFormat"


@pytest.mark.parametrize(
    "ident", ["oai:archive.example.org:no/such/doc", "oai:other.example.org:test/d1", "d1"]
)
def test_id_does_not_exist(client, archive, ident):
    root = oai(client, verb="GetRecord", identifier=ident, metadataPrefix="oai_dc")
    assert error_code(root) == "idDoesNotExist"


@pytest.mark.parametrize(
    "extra", [{"from": "2999-01-01"}, {"until": "1999-01-01"}, {"set": "no-such-collection"}]
)
def test_no_records_match(client, archive, extra):
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc", **extra)
    assert error_code(root) == "noRecordsMatch"


def test_no_records_match_in_an_empty_archive(client, db):
    assert error_code(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")) == (
        "noRecordsMatch"
    )


def test_no_set_hierarchy_without_collections(client, db):
    DocumentFactory()
    assert error_code(oai(client, verb="ListSets")) == "noSetHierarchy"
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc", set="anything")
    assert error_code(root) == "noSetHierarchy"


def test_other_http_methods_are_refused(client, db):
    assert client.put("/oai").status_code == 405


def test_identify_in_an_empty_archive_still_has_an_earliest_datestamp(client, db):
    root = oai(client, verb="Identify")
    assert root.findtext(".//oai:earliestDatestamp", namespaces=NS) == "1970-01-01T00:00:00Z"
