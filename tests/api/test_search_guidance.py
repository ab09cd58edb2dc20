"""The JSON twin of the search page carries the same guidance as the page."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def test_json_search_says_which_other_name_forms_it_searched(client, demo):
    data = client.get("/api/v1/search", {"q": "Peking"}).json()
    forms = {f for e in data["query"]["also_searched"] for f in e["forms"]}
    assert "Beijing" in forms
    assert data["total"] == 2  # the Roshchin memorandum and the 1989 summit, both "Beijing"


def test_json_search_has_the_histogram_with_the_facet_counts(client, demo):
    data = client.get("/api/v1/search", {"q": "China"}).json()
    bars = {b["label"]: b["count"] for b in data["histogram"]["bars"] if b["count"]}
    decades = {f["label"]: f["count"] for f in data["facets"]["decade"]}
    assert bars == decades
    assert all(b["url"] for b in data["histogram"]["bars"] if b["count"])


def test_json_search_suggests_a_spelling_from_the_archive(client, demo):
    data = client.get("/api/v1/search", {"q": "Gorbahcev"}).json()
    assert data["total"] == 0
    assert data["suggestion"]["text"] == "Gorbachev"


def test_json_search_counts_undated_documents_when_dates_are_given(client, demo):
    assert client.get("/api/v1/search", {"q": "China"}).json()["undated"] is None
    dated = client.get("/api/v1/search", {"q": "China", "start_date": "1950"}).json()
    assert dated["undated"] == 0
