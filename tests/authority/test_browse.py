"""People and places by letter, filtered and paged, in a bounded number of queries."""

import pytest

from chancery.corpus import models
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

SURNAMES = ["Ávila", "Baker", "balfour", "Conger", "Hay", "Li", "Wilson", "Zhou", "Østergaard"]


def many_people(n: int) -> list[models.Agent]:
    """``n`` people with published documents, made in bulk (names sort surname first)."""
    agents = [models.Agent(name=f"{SURNAMES[i % len(SURNAMES)]}, Person {i:05d}",
                      slug=f"person-{i}") for i in range(n)]  # fmt: skip
    for agent in agents:
        agent.sort_key = models.sort_key(agent.name)
    models.Agent.objects.bulk_create(agents, batch_size=500)
    agents = list(models.Agent.objects.order_by("pk"))
    documents = [DocumentFactory() for _ in range(5)]
    through = models.Document.people.through
    through.objects.bulk_create(
        [through(document_id=documents[i % 5].pk, agent_id=a.pk) for i, a in enumerate(agents)]
    )
    return agents


def test_people_are_sorted_by_surname_without_case_or_accents_and_paged(
    client, django_assert_max_num_queries
):
    many_people(450)
    with django_assert_max_num_queries(12):
        response = client.get("/people/")
    page = response.context["page"]
    assert page.paginator.count == 450 and page.paginator.num_pages == 5
    names = [a.name for a in response.context["items"]]
    assert names[0].startswith("Ávila") and names[50].startswith("Baker")
    second = client.get("/people/", {"page": 2}).context["items"]
    assert second[0].name.startswith("balfour")  # lower case sorts with its letter
    with django_assert_max_num_queries(12):
        last = client.get("/people/", {"page": 5})
    assert last.context["items"][-1].name.startswith("Østergaard")
    assert 'rel="prev"' in last.content.decode()


def test_people_by_letter_and_by_name(client, django_assert_max_num_queries):
    many_people(90)
    with django_assert_max_num_queries(12):
        response = client.get("/people/", {"letter": "w"})
    assert {a.name.split(",")[0] for a in response.context["items"]} == {"Wilson"}
    assert response.context["items"][0].n == 1
    letters = {entry["letter"]: entry["n"] for entry in response.context["letters"]}
    assert letters["W"] == 10 and letters["#"] == 10 and letters["Q"] == 0
    assert 'aria-current="page">W' in response.content.decode()
    filtered = client.get("/people/", {"name": "conger"})
    assert filtered.context["page"].paginator.count == 10
    assert client.get("/people/", {"letter": "ß"}).status_code == 400
    assert client.get("/people/", {"page": 99}).status_code == 400


def test_places_by_letter_show_their_parent(client, django_assert_max_num_queries):
    china = models.Place.objects.create(name="China")
    beijing = models.Place.objects.create(name="Beijing", parent=china)
    DocumentFactory(places=[beijing])
    with django_assert_max_num_queries(14):
        response = client.get("/places/", {"letter": "B"})
    assert [p.name for p in response.context["items"]] == ["Beijing"]
    assert "in China" in response.content.decode()
    assert [p.name for p in client.get("/places/").context["items"]] == ["Beijing", "China"]
