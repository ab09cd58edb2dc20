"""Arbitrary query strings and parameters never make the search answer 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.search.facets import FACETS

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

PARAMS = ["q", "page", "per_page", "sort", "start_date", "end_date", "date_mode", *FACETS]
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["1", "0", "-1", "2", "1958", "1958-09", "relevance", "date", "-date", "AND"]),
    st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
)
params = st.dictionaries(st.sampled_from(PARAMS), values, max_size=5)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=80), extra=params)
def test_search_never_errors(client, demo, query, extra):
    for path in ("/search/", "/api/v1/search"):
        response = client.get(path, {"q": query, **extra})
        assert response.status_code in (200, 400), (path, query, extra)
        if path.startswith("/api") and response.status_code == 400:
            assert response.json()["error"]["message"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet=st.sampled_from('ab"-*OR() :.'), max_size=30))
def test_query_syntax_soup_still_answers_200(client, demo, query):
    assert client.get("/search/", {"q": query}).status_code == 200
