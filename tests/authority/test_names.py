"""The naming rules records are matched, kept out and sorted by (no database)."""

import pytest

from chancery.corpus.names import fold, person_key, sort_key, strip_titles
from chancery.ingest.reconcile import (
    classify_person,
    is_place_shaped,
    one_edit_apart,
    person_parts,
    place_candidates,
)


def test_hyphens_spaces_case_and_accents_do_not_make_another_name():
    assert fold("Wu Ting-fang") == fold("Wu Ting fang") == fold("WU TING FANG")
    assert fold("Bogotà") == fold("Bogota")
    assert person_key("Hay, John") == person_key("Mr. John Hay") == "john hay"


def test_titles_are_dropped_for_matching():
    assert strip_titles("Baron Gerolt") == "gerolt"
    assert person_key("the Earl of Clarendon") == "clarendon"
    assert person_key("Prince Kung") == "kung"


@pytest.mark.parametrize(
    "name, key",
    [
        ("Wilson, Woodrow", "wilson woodrow"),
        ("Woodrow Wilson", "wilson woodrow"),
        ("Mr. E. B. Washburne", "washburne e b"),
        ("Li Hung-chang", "li hung chang"),
        ("Beneš, Eduard", "benes eduard"),
        ("the Duke de Gramont", "gramont"),
        ("H. Gould-Adams", "gouldadams h"),
    ],
)
def test_people_sort_surname_first_without_case_or_accents(name, key):
    assert sort_key(name) == key


def test_a_sentence_fragment_is_its_people():
    assert person_parts("Baron Gerolt to Mr. Fish") == ["Baron Gerolt", "Mr. Fish"]
    assert person_parts("Ching and Li Hung-chang") == ["Ching", "Li Hung-chang"]
    assert person_parts("Note from Prince Kung") == ["Prince Kung"]
    assert person_parts("Hay, John") == ["Hay, John"]
    assert person_parts("Ching, Li Hung Chang") == ["Ching", "Li Hung Chang"]


@pytest.mark.parametrize(
    "name",
    ["the Secretary of State", "The minister of foreign affairs", "the British minister",
     "the Consul General", "Friday", "1870.)", "The Secretary of War", "the King of Prussia"],
)  # fmt: skip
def test_offices_dates_and_months_are_nobody(name):
    assert classify_person(name) == ""


def test_bodies_are_organisations_and_peers_are_people():
    assert classify_person("the Board of Trade") == "organisation"
    assert classify_person("Foreign Office") == "organisation"
    assert classify_person("the Earl of Clarendon") == "person"
    assert classify_person("Mr. Fish") == "person"


@pytest.mark.parametrize(
    "text", ["Foreign Office", "Admiralty", "Palace", "Winter Palace", "1870.)", "Friday",
             "Downing Street", "Treasury Department", "A. E. F"],
)  # fmt: skip
def test_offices_buildings_and_dates_are_no_places(text):
    assert place_candidates(text) == [] or not is_place_shaped(place_candidates(text)[0])


def test_a_place_is_cut_from_the_office_that_wrote_from_it():
    assert place_candidates("American Legation. Berlin") == ["Berlin"]
    assert place_candidates("Legation of the United StatesMexico") == ["Mexico"]
    assert place_candidates("Department of State Washington") == ["Washington"]
    assert place_candidates("Mass") == ["Massachusetts"]
    assert place_candidates("St. Petersburg") == ["St. Petersburg"]


def test_one_letter_slips():
    assert one_edit_apart("gautemala", "guatemala")
    assert one_edit_apart("paris", "parts")
    assert not one_edit_apart("peking", "nanking")


def test_the_gazetteer_is_well_formed_and_joins_historical_forms():
    from chancery.corpus.names import compact
    from chancery.ingest.reconcile import GAZETTEER, gazetteer

    rows = [line.split("\t") for line in GAZETTEER.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]  # fmt: skip
    assert len(rows) > 200
    assert all(len(row) == 6 and row[0].isdigit() and row[1] for row in rows)
    assert len({row[0] for row in rows}) == len(rows)  # one line per GeoNames place
    table = gazetteer()
    assert table[compact("Pekin")] is table[compact("Peking")] is table[compact("Beijing")]
    assert table[compact("Tien-tsin")].name == "Tianjin"
    assert table[compact("Washington")].geonames == "4140963"  # the city, not the state
    assert table[compact("Constantinople")].name == "Istanbul"
