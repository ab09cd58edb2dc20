"""Authorities that only drafts use are unpublished work: hidden everywhere (issue #11).

A draft introduced the subject "Operation Nightfall", the person "Agent Zorro", the place
"Secret Base", the repository "Closed Archive" and the collection "Embargoed Papers". None
may show on a public page, list, sitemap, API or OAI answer until a document using it is
published; staff still find them in the admin.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from chancery.corpus import models
from chancery.corpus.visibility import public
from chancery.search.indexing import index_documents
from tests.factories import (
    AgentFactory,
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    SubjectFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

SECRETS = ["Operation Nightfall", "Agent Zorro", "Secret Base", "Closed Archive",
           "Embargoed Papers"]  # fmt: skip


def _describe(doc, subject, person, place, repository, collection):
    doc.subjects.add(subject)
    doc.people.add(person)
    doc.places.add(place)
    doc.repositories.add(repository)
    models.Membership.objects.create(document=doc, collection=collection)


@pytest.fixture
def archive():
    hidden = dict(
        subject=SubjectFactory(name="Operation Nightfall", slug="nightfall"),
        person=AgentFactory(name="Agent Zorro", slug="zorro"),
        place=PlaceFactory(name="Secret Base", slug="secret-base"),
        repository=models.Repository.objects.create(name="Closed Archive", slug="closed"),
        collection=CollectionFactory(title="Embargoed Papers", slug="embargoed"),
    )
    shown = dict(
        subject=SubjectFactory(name="Diplomacy", slug="diplomacy"),
        person=AgentFactory(name="Andrei Gromyko", slug="gromyko"),
        place=PlaceFactory(name="Moscow", slug="moscow"),
        repository=models.Repository.objects.create(name="Open Archive", slug="open"),
        collection=CollectionFactory(title="Cold War", slug="cold-war"),
    )
    draft = DocumentFactory(public_id="draft/1", title="Draft memo", status=models.Document.DRAFT)
    _describe(draft, **hidden)
    published = DocumentFactory(public_id="pub/1", title="Published memo")
    _describe(published, **shown)
    # a second draft on a shown authority changes nothing: one published use is enough
    _describe(DocumentFactory(public_id="draft/2", status=models.Document.DRAFT), **shown)
    PlaceFactory(name="World", slug="world")  # no documents at all: a hierarchy node, shown
    index_documents(list(models.Document.objects.values_list("pk", flat=True)))
    return {"hidden": hidden, "shown": shown}


def urls(archive, which: str = "hidden") -> list[str]:
    """The public URL of each of the five authorities in the API's and pages' forms."""
    a = archive[which]
    subject, person, place = a["subject"], a["person"], a["place"]
    repository, collection = a["repository"], a["collection"]
    return [
        f"/subject/{subject.slug}/", f"/person/{person.slug}/", f"/place/{place.slug}/",
        f"/repository/{repository.slug}/", f"/collection/{collection.slug}/",
        f"/api/v1/subjects/{subject.slug}", f"/api/v1/people/{person.slug}",
        f"/api/v1/places/{place.slug}", f"/api/v1/repositories/{repository.slug}",
        f"/api/v1/collections/{collection.slug}",
        f"/srv/subject/{subject.pk}.json", f"/srv/contributor/{person.pk}.json",
        f"/srv/coverage/{place.pk}.json", f"/srv/repository/{repository.pk}.json",
        f"/srv/collection/{collection.pk}.json",
        f"/iiif/collection/{collection.slug}.json",
    ]  # fmt: skip


LISTS = [
    "/subjects/", "/people/", "/places/", "/collections/", "/",
    "/api/v1/subjects", "/api/v1/people", "/api/v1/places", "/api/v1/repositories",
    "/api/v1/collections",
    "/srv/subject.json", "/srv/contributor.json", "/srv/coverage.json", "/srv/repository.json",
    "/srv/collection.json", "/srv/record.json?model=Collection",
    "/sitemap-collections.xml", "/sitemap-subjects.xml", "/sitemap-places.xml",
    "/sitemap-repositories.xml",
    "/search/", "/api/v1/search", "/oai?verb=ListSets", "/iiif/collections.json",
    "/oai?verb=ListRecords&metadataPrefix=mods",
]  # fmt: skip


def test_draft_only_authorities_are_404_on_every_public_page_and_api(client, archive):
    for url in urls(archive):
        response = client.get(url)
        assert response.status_code == 404, url


def test_authorities_a_published_document_uses_are_still_public(client, archive):
    for url in urls(archive, "shown"):
        assert client.get(url).status_code == 200, url
    assert client.get("/place/world/").status_code == 200  # used by nothing: a hierarchy node


def test_draft_only_names_appear_in_no_list_facet_sitemap_or_harvest(client, archive):
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        leaked = [name for name in SECRETS if name in body]
        assert not leaked, (url, leaked)
    assert "Diplomacy" in client.get("/subjects/").content.decode()
    assert "Moscow" in client.get("/places/").content.decode()


@pytest.mark.parametrize(
    "url",
    ["/search/?subject=nightfall", "/search/?collection=embargoed", "/search/?place=secret-base",
     "/search/feed/?repository=closed", "/api/v1/search?subject=nightfall",
     "/api/v1/documents?person=zorro", "/api/v1/documents?collection=embargoed"],
)  # fmt: skip
def test_filtering_by_one_is_the_same_400_as_by_a_slug_that_does_not_exist(client, archive, url):
    hidden = client.get(url)
    unknown = client.get(url.rsplit("=", 1)[0] + "=no-such-thing")
    assert hidden.status_code == unknown.status_code == 400


def test_staff_still_see_them_in_the_admin_and_on_their_pages(admin_client, archive):
    page = admin_client.get("/admin/corpus/subject/").content.decode()
    assert "Operation Nightfall" in page
    assert admin_client.get("/admin/corpus/agent/").content.decode().count("Agent Zorro")
    assert admin_client.get("/subject/nightfall/").status_code == 200  # as drafts themselves


def test_publishing_the_draft_makes_them_public(client, archive):
    draft = models.Document.objects.get(public_id="draft/1")
    draft.status = models.Document.PUBLISHED
    draft.save()
    for url in urls(archive):
        assert client.get(url).status_code == 200, url


def test_one_helper_one_query(archive, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(public(models.Subject).values_list("name", flat=True))
    assert names == {"Diplomacy"} | {s.name for s in models.Subject.objects.exclude(
        name__in=["Diplomacy", "Operation Nightfall"])}  # fmt: skip
    assert "Operation Nightfall" not in names


def test_a_draft_only_place_or_collection_above_a_published_one_stays_public(client, archive):
    world = models.Place.objects.get(slug="world")
    secret_base = archive["hidden"]["place"]
    moscow = archive["shown"]["place"]
    models.Place.objects.filter(pk=moscow.pk).update(parent=secret_base)
    models.Place.objects.filter(pk=secret_base.pk).update(parent=world)
    embargoed = archive["hidden"]["collection"]
    models.Collection.objects.filter(slug="cold-war").update(parent=embargoed)
    assert client.get("/place/secret-base/").status_code == 200
    assert client.get("/collection/embargoed/").status_code == 200
    assert "Embargoed Papers" in client.get("/collections/").content.decode()
    sets = client.get("/oai?verb=ListSets").content.decode()
    assert "embargoed:cold-war" in sets and "Embargoed Papers" in sets
    assert client.get("/subject/nightfall/").status_code == 404  # flat: still hidden
    models.Place.objects.filter(pk=moscow.pk).update(parent=None)
    assert client.get("/place/secret-base/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/subjects/", "/people/", "/places/", "/collections/", "/api/v1/people",
     "/api/v1/collections", "/srv/coverage.json", "/sitemap-collections.xml"],
)  # fmt: skip
def test_list_pages_cost_the_same_queries_whatever_the_number_of_authorities(
    client, archive, url, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for i in range(30):
        doc = DocumentFactory(public_id=f"more/{i}")
        doc.subjects.add(SubjectFactory())
        doc.people.add(AgentFactory())
        doc.places.add(PlaceFactory())
        models.Membership.objects.create(document=doc, collection=CollectionFactory())
        _describe(
            DocumentFactory(public_id=f"more-draft/{i}", status=models.Document.DRAFT),
            SubjectFactory(), AgentFactory(), PlaceFactory(),
            models.Repository.objects.create(name=f"Closed {i}"), CollectionFactory(),
        )  # fmt: skip
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
    assert reverse("web:subjects")
