"""Three FRUS volumes imported: one record per person and place, as an archivist checks."""

import itertools
from collections import defaultdict

import pytest

from chancery.corpus import models
from chancery.corpus.names import compact, is_bare_surname, person_key
from chancery.ingest.reconcile import classify_person, countries, gazetteer

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def _pairs(model, review, forms_of) -> set[frozenset]:
    """Pairs of records sharing a normalised form that the review list does not hold."""
    owners: dict[str, set[int]] = defaultdict(set)
    for record in model.all().prefetch_related("variants"):
        for form in forms_of(record):
            owners[form].add(record.pk)
    held = {frozenset(p) for p in review.objects.values_list("record_id", "candidate_id")}
    clashes = set()
    for form, pks in owners.items():
        for a, b in itertools.combinations(sorted(pks), 2):
            if frozenset((a, b)) not in held:
                clashes.add((form, frozenset((a, b))))
    return clashes


def test_no_two_people_share_a_normalised_name_or_variant_unless_under_review(
    authority_archive,
):
    def forms(agent):
        names = [agent.name, *(v.name for v in agent.variants.all())]
        return {person_key(n) for n in names if person_key(n)}

    clashes = _pairs(models.Agent.objects.filter(kind="person"), models.AgentReview, forms)
    named = sorted(
        (form, sorted(models.Agent.objects.filter(pk__in=pair).values_list("name", flat=True)))
        for form, pair in clashes
    )
    assert not named, named[:20]


def test_no_two_places_share_a_name_or_variant_unless_under_review(authority_archive):
    def forms(place):
        return {compact(n) for n in [place.name, *(v.name for v in place.variants.all())]}

    assert not _pairs(models.Place.objects, models.PlaceReview, forms)


def test_pekin_peking_and_beijing_are_one_place_identified_in_geonames(authority_archive):
    beijing = models.Place.objects.get(variants__name="Pekin")
    assert beijing.name == "Beijing" and beijing.geonames == "1816670"
    assert {"Pekin", "Peking"} <= set(beijing.variants.values_list("name", flat=True))
    assert ("GeoNames", "1816670", "https://www.geonames.org/1816670") in beijing.identifiers()
    assert not models.Place.objects.filter(name__in=["Pekin", "Peking"]).exists()


def test_a_gazetteer_place_sits_in_its_country(authority_archive, client):
    """City in country, from the gazetteer: one country record each, identified in GeoNames,
    shown on the place page and in the API."""
    beijing = models.Place.objects.get(geonames="1816670")
    assert (beijing.parent.name, beijing.parent.geonames) == ("China", "1814991")
    assert models.Place.objects.get(name="Washington").parent.name == "United States"
    identified = models.Place.objects.exclude(geonames="")
    parents = {p.parent for p in identified if p.parent_id}
    assert len(parents) > 10 and all(c.geonames and c.parent_id is None for c in parents)
    assert len({c.geonames for c in parents}) == len(parents)  # one record a country
    # without a parent: the countries, and the places of a country whose name a place of
    # it bears ("Guatemala", the capital in the datelines): no second "Guatemala" is made
    for place in identified.filter(parent=None):
        entry = gazetteer().get(compact(place.name))
        country = countries().get(entry.country) if entry else None
        if country is None or country.geonames == place.geonames:
            continue  # a country itself
        forms = {compact(n) for n in models.PlaceVariant.objects.values_list("name", flat=True)}
        assert compact(country.name) in forms, place.name
    page = client.get(beijing.get_absolute_url()).content.decode()
    assert f'Part of <a href="{beijing.parent.get_absolute_url()}">China</a>' in page
    assert client.get(f"/api/v1/places/{beijing.slug}").json()["parent"] == beijing.parent.slug


@pytest.mark.parametrize("name", ["Foreign Office", "Admiralty", "Palace", "Winter Palace",
                                  "1870.)", "Friday", "Department of State", "Mass"])  # fmt: skip
def test_offices_buildings_and_dates_are_not_places(authority_archive, name):
    assert not models.Place.objects.filter(name=name).exists()


def test_no_person_record_is_an_office_a_place_or_a_fragment(authority_archive):
    places = {compact(n) for n in models.Place.objects.values_list("name", flat=True)}
    places |= {compact(n) for n in models.PlaceVariant.objects.values_list("name", flat=True)}
    for agent in models.Agent.objects.filter(kind="person"):
        assert classify_person(agent.name) == "person", agent.name
        assert compact(agent.name) not in places, agent.name
        assert " to " not in agent.name and " and " not in agent.name, agent.name
    for fragment in ("Baron Gerolt to Mr. Fish", "Ching and Li Hung-chang",
                     "the Secretary of State", "The minister of foreign affairs"):  # fmt: skip
        assert not models.Agent.objects.filter(name=fragment).exists()
    assert models.Agent.objects.filter(name="Board of Trade", kind="organisation").exists()


def test_offices_from_the_list_of_persons_are_kept_with_dates(authority_archive):
    baker = models.Agent.objects.get(name="Baker, Newton D.")
    assert [(o.title, o.dates) for o in baker.offices.all()] == [("Secretary of War", "1919")]
    assert "list of persons" in baker.sources
    balfour = models.Agent.objects.get(name="Balfour, Arthur James")
    assert len(balfour.offices.all()) == 2
    assert models.Office.objects.filter(dates="").count() == 0


def test_offices_in_the_list_of_persons_give_relations_to_their_bodies(authority_archive):
    baker = models.Agent.objects.get(name="Baker, Ray Stannard")
    (relation,) = baker.relations.all()
    assert (relation.other.name, relation.other.kind, relation.relation_type) == (
        "Commission to Negotiate Peace", "organisation", "hierarchical-parent"
    )  # fmt: skip
    assert relation.other.inverse_relations.count() > 20
    made = models.Agent.objects.filter(sources__startswith="Named in an office")
    assert made.count() >= 20
    assert not made.filter(name__contains="Secretary")


def test_a_bare_surname_in_a_volume_with_a_list_is_the_listed_person(authority_archive):
    """'Lansing' in the 1919 volume is Robert Lansing, the only Lansing listed there."""
    assert not models.Agent.objects.filter(name="Lansing").exists()
    lansing = models.Agent.objects.get(name="Lansing, Robert")
    assert lansing.mentioned_in.count() > 10


def test_a_bare_surname_elsewhere_waits_for_an_editor(authority_archive):
    """A surname alone that matches a full name is a review item, not a silent merge."""
    bare = [a for a in models.Agent.objects.filter(kind="person") if is_bare_surname(a.name)]
    reviewed = set(models.AgentReview.objects.values_list("candidate_id", flat=True)) | set(
        models.AgentReview.objects.values_list("record_id", flat=True)
    )
    assert any(a.pk in reviewed for a in bare)
    assert models.AgentReview.objects.filter(status="open").count() > 0


def test_people_sort_by_surname(authority_archive):
    names = list(models.Agent.objects.filter(kind="person").values_list("sort_key", flat=True))
    assert names == sorted(names)
    assert models.Agent.objects.get(name="Balfour, Arthur James").sort_key == "balfour arthur james"


def test_the_facet_and_the_field_query_give_the_same_count(authority_archive, client):
    """For every place whose name no other place's name holds as words (the field query
    is a word match, so place:Mexico also finds New Mexico by design)."""
    places = list(models.Place.objects.prefetch_related("variants"))
    checked = 0
    for place in places:
        words = f" {person_key(place.name)} "
        if any(words in f" {person_key(o.name)} " for o in places if o.pk != place.pk):
            continue
        if not place.documents.exists():
            continue
        facet = client.get("/api/v1/search", {"place": place.slug}).json()["total"]
        field = client.get("/api/v1/search", {"q": f'place:"{place.name}"'}).json()["total"]
        assert facet == field, place.name
        checked += 1
        if checked >= 25:
            break
    assert checked >= 10


def test_a_person_page_lists_what_person_search_finds(authority_archive, client):
    """For people whose name no other record's name or variant holds as words (the field
    query is a word match): the page's count is the count of person:"Name"."""
    people = list(models.Agent.objects.filter(kind="person").prefetch_related("variants"))
    forms = {a.pk: [person_key(n) for n in [a.name, *(v.name for v in a.variants.all())]]
             for a in people}  # fmt: skip
    checked = 0
    for agent in sorted(people, key=lambda a: -len(a.name)):
        key = f" {person_key(agent.name)} "
        if " " not in key.strip() or any(
            key in f" {form} " for pk, fs in forms.items() if pk != agent.pk for form in fs
        ):
            continue
        page = client.get(agent.get_absolute_url()).context["page"].paginator.count
        if not page:
            continue
        found = client.get("/api/v1/search", {"q": f'person:"{agent.name}"'}).json()["total"]
        assert page == found, agent.name
        checked += 1
        if checked >= 25:
            break
    assert checked >= 10
    li = models.Agent.objects.get(name="Li Hung-chang")
    assert not models.Agent.objects.filter(name__icontains="Ching, Li").exists()
    page = client.get(li.get_absolute_url()).context["page"].paginator.count
    assert page == client.get("/api/v1/search", {"q": 'person:"Li Hung-chang"'}).json()["total"]
