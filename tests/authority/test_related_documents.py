"""The documents of a person or place, through each relation: what ``person:`` and the
record's own filters find, and how the database is asked for them."""

import pytest

from chancery.corpus.authorities import AUTHORITY_KINDS, related_to
from chancery.corpus.models import Document
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery
from tests.factories import AgentFactory, DocumentFactory, language

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def kennan(db):
    """George Kennan as the author of one telegram, the contributor of another, named in a
    third; a fourth names somebody else."""
    kennan = AgentFactory(name="Kennan, George F.", slug="kennan")
    other = AgentFactory(name="Bohlen, Charles E.", slug="bohlen")
    docs = {
        name: DocumentFactory(title=f"The {name} telegram on the treaty")
        for name in ("long", "short", "named", "other")
    }
    docs["long"].creators.add(kennan)
    docs["short"].contributors.add(kennan)
    docs["named"].people.add(kennan, other)
    docs["other"].people.add(other)
    for doc in docs.values():
        doc.save()  # indexed again with its people
    return kennan, docs


def titles(text: str) -> set[str]:
    return {h.document.title for h in get_backend().search(SearchQuery(text=text))[0:20]}


def test_a_person_filter_finds_the_documents_of_every_relation(kennan):
    _, docs = kennan
    of_kennan = {docs[n].title for n in ("long", "short", "named")}
    assert titles('person:"Kennan, George F."') == of_kennan
    assert titles('telegram -person:"Kennan, George F."') == {docs["other"].title}


def test_the_record_filter_reads_each_relation_by_itself(kennan):
    """One subquery per relation, each read through its record column's index: no join of
    the three relations, whose rows multiply per document and which PostgreSQL, planning on
    the statistics of before an import, ran once per document (a search stopped at its
    time limit)."""
    agent, docs = kennan
    condition = AUTHORITY_KINDS["person"].documents(agent.pk)
    found = Document.objects.filter(condition)
    assert set(found.values_list("title", flat=True)) == {
        docs[n].title for n in ("long", "short", "named")
    }
    sql = str(found.query)
    assert "JOIN" not in sql
    for table in ("creators", "contributors", "people"):
        assert f'"corpus_document_{table}" U0 WHERE U0."agent_id" IN' in sql, sql


def test_no_record_finds_no_document_and_its_negation_every_one(kennan):
    _, docs = kennan
    nobody = related_to(("creators", "contributors", "people"), [])
    assert not Document.objects.filter(nobody).exists()
    assert Document.objects.exclude(nobody).count() == len(docs)


def test_a_relation_through_another_model_is_followed(db):
    """``lang:`` reads a document's languages and its transcripts' languages."""
    russian = language("rus", "Russian")
    doc = DocumentFactory(title="Protocol in the original")
    doc.transcripts.create(language=russian, html="<p>Протокол</p>")
    DocumentFactory(title="Protocol in English")
    found = Document.objects.filter(related_to(("languages", "transcripts__language"), ["rus"]))
    assert list(found.values_list("title", flat=True)) == ["Protocol in the original"]
