"""Merging and splitting people and places in the admin: documents, names, addresses and
search counts follow."""

import pytest
from django.urls import reverse

from chancery.audit.models import AuditEvent
from chancery.corpus import models
from tests.factories import AgentFactory, DocumentFactory, PlaceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def count(client, q: str) -> int:
    return client.get("/api/v1/search", {"q": q}).json()["total"]


@pytest.fixture
def two_wilsons():
    full = AgentFactory(name="Wilson, Woodrow")
    natural = AgentFactory(name="Woodrow Wilson", slug="woodrow-wilson", wikidata="Q34296")
    for n in range(3):
        DocumentFactory(title=f"Telegram {n}").people.add(full)
    both = DocumentFactory(title="Address to Congress")
    both.people.add(full, natural)
    for n in range(2):
        DocumentFactory(title=f"Letter {n}").creators.add(natural)
    return full, natural


def test_merge_moves_documents_names_identifiers_and_redirects(admin_client, client, two_wilsons):
    full, natural = two_wilsons
    old_url = natural.get_absolute_url()
    response = admin_client.post(
        reverse("admin:corpus_agent_changelist"),
        {"action": "merge_selected", "_selected_action": [full.pk, natural.pk]},
        follow=True,
    )
    assert "Merged Woodrow Wilson into Wilson, Woodrow (3 documents moved)" in (
        response.content.decode()
    )
    assert not models.Agent.objects.filter(pk=natural.pk).exists()
    full.refresh_from_db()
    assert full.wikidata == "Q34296"
    assert "Woodrow Wilson" in set(full.variants.values_list("name", flat=True))
    assert full.mentioned_in.count() == 4 and full.created_documents.count() == 2
    moved = client.get(old_url)
    assert moved.status_code == 301 and moved["Location"] == full.get_absolute_url()
    assert moved["Cache-Control"] == "max-age=86400"  # a split can give the address back
    assert count(client, 'person:"Wilson, Woodrow"') == 6
    assert count(client, 'person:"Woodrow Wilson"') == 6
    page = client.get(full.get_absolute_url())
    assert "Documents (6)" in page.content.decode()
    logged = AuditEvent.objects.get(action="merge")  # the administrators' audit log
    assert logged.username == "admin" and "Woodrow Wilson" in logged.detail


def test_split_gives_documents_and_the_old_address_back(admin_client, client, two_wilsons):
    full, natural = two_wilsons
    slug = natural.slug
    admin_client.post(
        reverse("admin:corpus_agent_changelist"),
        {"action": "merge_selected", "_selected_action": [full.pk, natural.pk]},
    )
    letters = list(models.Document.objects.filter(title__startswith="Letter"))
    url = reverse("admin:corpus_agent_split", args=[full.pk])
    assert admin_client.get(url).status_code == 200
    refused = admin_client.post(url, {"name": "Woodrow Wilson"})
    assert refused.status_code == 400 and "Choose the documents" in refused.content.decode()
    admin_client.post(
        url,
        {"name": "Woodrow Wilson", "documents": [d.pk for d in letters],
         "variants": ["Woodrow Wilson"]},
    )  # fmt: skip
    split = models.Agent.objects.get(name="Woodrow Wilson")
    assert split.slug == slug
    assert client.get(f"/person/{slug}/").status_code == 200
    assert set(split.created_documents.all()) == set(letters)
    assert count(client, 'person:"Wilson, Woodrow"') == 4


def test_approving_a_review_merges_places_and_the_facet_follows(admin_client, client):
    right = PlaceFactory(name="Guatemala City")
    slip = PlaceFactory(name="Gautemala")
    DocumentFactory(places=[right])
    DocumentFactory(places=[slip])
    review = models.PlaceReview.objects.create(record=right, candidate=slip, reason="one letter")
    admin_client.post(
        reverse("admin:corpus_placereview_changelist"),
        {"action": "approve", "_selected_action": [review.pk]},
    )
    assert not models.Place.objects.filter(pk=slip.pk).exists()
    facet = client.get("/api/v1/search", {"place": right.slug}).json()["total"]
    assert facet == count(client, 'place:"Guatemala City"') == count(client, "place:Gautemala") == 2
    assert client.get(f"/place/{slip.slug}/").status_code == 301
