"""A test archive of several hundred documents, and the OAI-PMH response checks."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone
from lxml import etree

from chancery.corpus import models
from chancery.search.indexing import index_documents
from tests.factories import (
    AgentFactory,
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    SubjectFactory,
    TypeFactory,
    language,
)

HERE = Path(__file__).parent
OAI_RULES = etree.XMLSchema(etree.parse(str(HERE / "oai-pmh-rules.xsd")))
DC_RULES = etree.XMLSchema(etree.parse(str(HERE / "oai_dc-rules.xsd")))
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "mods": "http://www.loc.gov/mods/v3",
    "id": "http://www.openarchives.org/OAI/2.0/oai-identifier",
}
#: The oai-identifier syntax (OAI-PMH 2.0 guidelines, "Specification and XML Schema for
#: the OAI Identifier Format").
OAI_IDENTIFIER = re.compile(
    r"^oai:[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+:[a-zA-Z0-9\-_.!~*'();/?:@&=+$,%]+$"
)
SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
NAMESPACE = "archive.example.org"


def validate(body: bytes) -> etree._Element:
    """Parse a response and check it against the protocol's rules; return the root."""
    root = etree.fromstring(body)
    OAI_RULES.assertValid(root)
    assert SECONDS.match(root.findtext("oai:responseDate", namespaces=NS))
    request = root.find("oai:request", NS)
    codes = {e.get("code") for e in root.findall("oai:error", NS)}
    if codes & {"badVerb", "badArgument"}:
        assert dict(request.attrib) == {}, "badVerb/badArgument: request must have no attributes"
    for header in root.iterfind(".//oai:header", NS):
        assert OAI_IDENTIFIER.match(header.findtext("oai:identifier", namespaces=NS))
        assert SECONDS.match(header.findtext("oai:datestamp", namespaces=NS))
    for record in root.iterfind(".//oai:record", NS):
        deleted = record.find("oai:header", NS).get("status") == "deleted"
        assert (record.find("oai:metadata", NS) is None) == deleted
    for dc in root.iterfind(".//oai:metadata/oai_dc:dc", NS):
        DC_RULES.assertValid(copy.deepcopy(dc))
    return root


def oai(client, method: str = "get", **params) -> etree._Element:
    response = getattr(client, method)("/oai", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return validate(response.content)


def error_code(root) -> str | None:
    error = root.find("oai:error", NS)
    return error.get("code") if error is not None else None


def identifier(public_id: str) -> str:
    return f"oai:{NAMESPACE}:{public_id}"


def build_archive(published: int = 300, drafts: int = 10) -> SimpleNamespace:
    """Several hundred richly described documents, bulk-created, then indexed."""
    doc_type = TypeFactory()
    rights = models.Rights.objects.create(
        name="Public domain", text="No known copyright.", url="https://example.org/pd"
    )
    repository = models.Repository.objects.create(name="National Archives")
    cold_war = CollectionFactory(
        slug="cold-war", title="Cold War", short_description="East and West, 1945-1991."
    )
    berlin = CollectionFactory(slug="berlin", title="Berlin Crisis", parent=cold_war)
    cuba = CollectionFactory(slug="cuba", title="Cuban Missile Crisis", parent=cold_war)
    treaties = CollectionFactory(slug="treaties", title="Treaties")
    subjects = [SubjectFactory() for _ in range(4)]
    places = [PlaceFactory() for _ in range(3)]
    people = [AgentFactory() for _ in range(3)]
    ministry = AgentFactory(name="Ministry of Foreign Affairs", kind=models.Agent.ORGANISATION)
    languages = [language("rus", "Russian"), language("eng", "English")]
    now = timezone.now()

    docs = DocumentFactory.build_batch(
        published + drafts,
        doc_type=doc_type,
        rights=rights,
        source="Fond 5, opis 30, delo 1",
    )
    for i, doc in enumerate(docs):
        doc.date = f"{1950 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        doc.apply_date()
        if i >= published:
            doc.status = models.Document.DRAFT
        else:
            doc.published_at = now
    docs = models.Document.objects.bulk_create(docs)
    homes = [berlin, cuba, treaties]
    models.Membership.objects.bulk_create(
        models.Membership(collection=homes[i % 3], document=d, position=i)
        for i, d in enumerate(docs)
    )
    Doc = models.Document
    Doc.subjects.through.objects.bulk_create(
        Doc.subjects.through(document=d, subject=subjects[i % 4]) for i, d in enumerate(docs)
    )
    Doc.places.through.objects.bulk_create(
        Doc.places.through(document=d, place=places[i % 3]) for i, d in enumerate(docs)
    )
    Doc.languages.through.objects.bulk_create(
        Doc.languages.through(document=d, language=languages[i % 2]) for i, d in enumerate(docs)
    )
    Doc.creators.through.objects.bulk_create(
        Doc.creators.through(document=d, agent=people[i % 3] if i % 4 else ministry)
        for i, d in enumerate(docs)
    )
    Doc.repositories.through.objects.bulk_create(
        Doc.repositories.through(document=d, repository=repository) for d in docs
    )
    index_documents([d.pk for d in docs])
    return SimpleNamespace(
        published=[d.public_id for d in docs[:published]],
        drafts=[d.public_id for d in docs[published:]],
        docs=docs,
        collections={"cold-war": cold_war, "berlin": berlin, "cuba": cuba, "treaties": treaties},
    )


@pytest.fixture
def archive(db):
    return build_archive(published=60, drafts=5)
