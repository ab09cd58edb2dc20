"""Spelling-tolerant matching and "did you mean" from the engine's vocabulary, as a user
sees them (the same answers on every engine: tests/search/test_contract.py)."""

import pytest
from django.contrib.auth import get_user_model

from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery
from chancery.search.suggest import correct, neighbours
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def pethick(db):
    DocumentFactory(public_id="pethik", title="Dispatch on the Chefoo riots", summary="",
                    date="1901-03-02", text="<p>Mr. Pethik reported the riots.</p>")  # fmt: skip
    DocumentFactory(public_id="pethick", title="Report of Mr. Pethick", summary="",
                    date="1901-04-02", text="<p>The riots at Chefoo.</p>")  # fmt: skip


def test_one_edit_is_a_deletion_an_addition_a_change_or_a_swap():
    near = neighbours("peth")
    assert {"pet", "peath", "path", "epth", "pteh"} <= near
    assert "peth" not in near and "hetp" not in near and "pat" not in near
    assert len(neighbours("pethik")) < 54 * 7  # a few hundred look-ups, whatever the archive


def test_the_page_says_what_was_also_searched(client, pethick):
    response = client.get("/search/", {"q": "Pethik"})
    page = response.context["page"]
    assert [hit.document.public_id for hit in page.hits] == ["pethik", "pethick"]
    html = response.content.decode()
    assert '<strong lang="">pethick</strong> (similar spelling)' in html
    assert "close to “Pethik”, ranked below it" in html


def test_the_json_api_lists_the_close_spelling(client, pethick):
    data = client.get("/api/v1/search", {"q": "Pethik"}).json()
    assert data["total"] == 2
    assert {"term": "Pethik", "forms": ["pethick"], "schemes": ["similar spelling"],
            "generated": True, "similar": True} in data["query"]["also_searched"]  # fmt: skip


def test_explain_shows_the_close_spelling_and_why_it_ranks_lower(client, pethick):
    staff = get_user_model().objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(staff)
    html = client.get("/search/", {"q": "Pethik", "explain": "1"}).content.decode()
    assert "similar spellings in the archive (ranked below)" in html
    assert "Pethik: pethick (1 documents)" in html


def test_a_word_no_document_has_finds_its_close_spelling(client, pethick):
    page = client.get("/search/", {"q": "Pethack"}).context["page"]
    assert [hit.document.public_id for hit in page.hits] == ["pethick"]
    assert page.similar == [("Pethack", [("pethick", 1)])]
    assert not page.suggestion  # nothing better to suggest: it was searched already


def test_did_you_mean_looks_one_edit_up_in_the_index(pethick):
    backend = get_backend()
    assert correct("Pethicc", backend) == "Pethick"
    assert correct("pethick", backend) is None  # a word of the archive is not corrected
    assert correct("Zanzibar", backend) is None


def test_a_common_word_is_not_widened_even_with_a_close_spelling_around(db):
    for n in range(4):
        DocumentFactory(title=f"Consul report {n}", summary="")
    DocumentFactory(title="Consuls of the ports", summary="")
    DocumentFactory(title="Counsel to the legation", summary="")

    def widened(text: str) -> list:
        results = get_backend().search(SearchQuery(text=text))
        results.count()
        return results.parsed.similar

    assert widened("consul") == []
    # a rare one is, to words of the archive only, never to a stopword or the same stem
    assert widened("counsul") == [("counsul", [("consul", 4), ("counsel", 1)])]


def test_a_word_written_without_this_process_knowing_is_suggested_at_once(client, pethick):
    """A word another process's import adds (here written to the index's vocabulary
    without this process's index code, as another process would) is a close spelling in
    the very next search: the vocabulary is kept under the archive's content stamp, not
    for a while."""
    if not get_backend().supports_similar_terms or get_backend().vendor != "sqlite":
        pytest.skip("the FTS5 vocabulary is read whole and kept; other engines look up")
    from django.db import connection

    from chancery.search.backends.sqlite_fts5.schema import WORDS

    assert client.get("/search/", {"q": "Zanzibur"}).context["page"].similar == []
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WORDS} (rowid, words) VALUES (%s, %s)",  # noqa: S608
                       [987654, "Consul at Zanzibar"])  # fmt: skip
    page = client.get("/search/", {"q": "Zanzibur"}).context["page"]
    assert page.similar == [("Zanzibur", [("zanzibar", 1)])]
