"""Historical and foreign place names from the GeoNames gazetteer (search.gazetteer):
a query naming a town by one name finds the documents that use another, below those with
the typed name, and says so; `match_places` gives place records coordinates and their
country; ordinary English words are never taken for places. Runs on the configured engine
(SQLite FTS5, Tantivy, PostgreSQL: the expansion is in the plan, engines only honour it)."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chancery.corpus import models
from chancery.search import gazetteer
from chancery.search.analysis import fold_key
from chancery.search.backends import get_backend
from chancery.search.models import NameForm
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory, PlaceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def ranked(text):
    return [h.document.title for h in get_backend().search(SearchQuery(text=text))[0:20]]


# Pairs the curated variants table does not hold (checked below): the gazetteer's own.
@pytest.mark.parametrize(
    "query,text",
    [
        ("Tampere", "<p>The consul at Tammerfors reported.</p>"),
        ("Tammerfors", "<p>Strikes at Tampere.</p>"),
        ("Paknam", "<p>The forts of Samut Prakan fired.</p>"),
        ("Kirov", "<p>Exiles at Viatka.</p>"),
        ("Ghizeh", "<p>The pyramids of Giza.</p>"),
    ],
)
def test_a_renamed_town_is_found_by_its_other_name(query, text):
    assert not NameForm.objects.filter(key=fold_key(query)).exists()  # not the variants table
    DocumentFactory(title="The one", summary="", text=text)
    DocumentFactory(title="Another", summary="", text="<p>Nothing about it.</p>")
    assert ranked(query) == ["The one"]


@pytest.mark.parametrize(
    "old,new",
    [("Pressburg", "Bratislava"), ("Lemberg", "Lviv"), ("Danzig", "Gdańsk"),
     ("Memel", "Klaipėda"), ("Königsberg", "Kaliningrad"), ("Tsingtao", "Qingdao"),
     ("Constantinople", "Istanbul")],
)  # fmt: skip
def test_the_gazetteer_knows_the_well_known_renames_without_the_table(old, new):
    assert gazetteer.forms(old.split())[0] == (new, "gazetteer")
    assert old in [name for name, _ in gazetteer.forms(new.split())]


def test_a_small_towns_names_are_not_widened():
    """Manzhouli (55,000 people) is "Manchuria" in GeoNames: the region is not the town."""
    assert gazetteer.forms(["Manchuria"]) == [] and gazetteer.match("Manchuria") is None
    assert gazetteer.forms(["Wilson"]) == []  # Wilson, North Carolina


def test_the_typed_name_ranks_first_and_the_page_says_gazetteer(client):
    # the other name is in the title of the second: without the weighting it would rank
    # first (title weight 10 against text weight 1)
    DocumentFactory(title="Tammerfors despatch", summary="", text="<p>A visit.</p>")
    DocumentFactory(title="Report", summary="", text="<p>Consul at Tampere.</p>")
    response = client.get("/search/", {"q": "Tampere"})
    assert [h.document.title for h in response.context["page"].hits] == [
        "Report", "Tammerfors despatch"
    ]  # fmt: skip
    html = response.content.decode()
    assert "Also searched for:" in html
    assert "Tammerfors</strong> (gazetteer)" in html
    data = client.get("/api/v1/search", {"q": "Tampere"}).json()
    (entry,) = [e for e in data["query"]["also_searched"] if e["generated"]]
    assert dict(zip(entry["forms"], entry["schemes"], strict=True))["Tammerfors"] == "gazetteer"
    staff = get_user_model().objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(staff)
    explained = client.get("/search/", {"q": "Tampere", "explain": "1"}).content.decode()
    assert "Tammerfors (gazetteer)" in explained


@pytest.mark.parametrize("word", ["Reading", "Mass", "Palace", "Nice", "Mobile", "Canton"])
def test_an_ordinary_english_word_is_no_town_of_the_gazetteer(word):
    assert gazetteer.forms([word]) == []
    assert gazetteer.match(word) is None


def test_no_ordinary_word_anywhere_in_the_data():
    """The rule of scripts/build_place_names.py holds for the whole file, not only the
    words above: no other name is a lowercase word of a common English vocabulary."""
    common = {"reading", "mass", "palace", "bath", "split", "orange", "street", "office"}
    for place in gazetteer.places():
        for name in place.others:
            assert name.casefold() not in common, (place.name, name)


def test_match_places_gives_coordinates_and_country_and_leaves_unknown_names():
    lemberg = PlaceFactory(name="Lemberg")
    pressburg = PlaceFactory(name="Pressburg")
    reading = PlaceFactory(name="Reading")
    palace = PlaceFactory(name="Palace")
    nowhere = PlaceFactory(name="Xanadu Creek")
    out = io.StringIO()
    call_command("match_places", stdout=out)
    for place in (lemberg, pressburg, reading, palace, nowhere):
        place.refresh_from_db()
    assert lemberg.geonames == "702550"
    assert (round(lemberg.latitude, 2), round(lemberg.longitude, 2)) == (
        Decimal("49.84"), Decimal("24.02")
    )  # fmt: skip
    assert lemberg.parent.name == "Ukraine" and lemberg.parent.geonames == "690791"
    assert pressburg.parent.name == "Slovakia"
    for unmatched in (reading, palace, nowhere):
        assert not unmatched.geonames and unmatched.latitude is None and unmatched.parent is None
    assert "2 places matched" in out.getvalue()
    assert "Reading" in out.getvalue().splitlines()[-1]


def test_a_matched_place_shows_coordinates_and_country_on_its_page_and_in_the_api(client):
    place = PlaceFactory(name="Danzig", slug="danzig")
    DocumentFactory(title="Free City").places.add(place)
    call_command("match_places", stdout=io.StringIO())
    page = client.get("/place/danzig/").content.decode()
    assert "54.352270, 18.649120" in page
    assert ">Poland</a>" in page
    data = client.get("/api/v1/places/danzig").json()
    assert data["geonames"] == "3099434" and data["parent"] == "poland"
    assert round(data["latitude"], 2) == 54.35


def test_two_records_of_one_town_are_left_for_an_editor():
    PlaceFactory(name="Danzig")
    PlaceFactory(name="Gdańsk")
    out = io.StringIO()
    call_command("match_places", stdout=out)
    assert not models.Place.objects.exclude(geonames="").exclude(name="Poland").exists()
    assert "Danzig / Gdańsk" in out.getvalue()
