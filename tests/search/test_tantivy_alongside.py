"""A search page on Tantivy counts its facets on another thread while it finds its hits.

The aggregation behind the facets and the years does not depend on the ranked hits, and
the binding releases the GIL while it runs: the page begins it before ranking and waits
for it only when it lists the facets (chancery/search/alongside.py). Readers must see the
same facets and years as when they are counted after the hits, on a real FRUS volume; a
page whose facets are kept, and a feed that shows none, must begin nothing; and under
gevent, the server's default, the call must still run on a native thread of its own.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
from lxml import html as lxml_html

from chancery.search import alongside
from chancery.search.backends.tantivy.searching import Searching
from chancery.search.query import SearchQuery
from chancery.web import freshness
from tests.queries import settled

pytest_plugins = ["tests.search.tantivy_fixtures"]


@pytest.fixture
def begun(monkeypatch):
    """The calls begun alongside, each with the native thread it ran on."""
    calls: list[dict] = []
    start = alongside.start

    def spy(call, *args):
        record = {"call": getattr(call, "__name__", repr(call))}
        calls.append(record)

        def run():
            record["thread"] = threading.get_native_id()
            return call(*args)

        return start(run)

    monkeypatch.setattr(alongside, "start", spy)
    return calls


def _facets(payload) -> dict[str, dict[str, int]]:
    return {
        name: {v["value"]: v["count"] for v in values} for name, values in payload["facets"].items()
    }


@pytest.mark.parametrize("q", ["treaty", "legation guard Peking", "minister 1900..1901"])
def test_the_facets_counted_alongside_are_those_counted_after_the_hits(
    tantivy_1901, client, begun, monkeypatch, q
):
    freshness.forget()
    counted = []  # counts the request's own thread runs (the undated one went alongside)
    count_of = Searching.count_of
    monkeypatch.setattr(
        Searching, "count_of", lambda s, query: counted.append(1) or count_of(s, query)
    )
    payload = client.get("/api/v1/search", {"q": q}).json()
    assert counted == []
    assert [c["call"] for c in begun] == ["_aside_counts"], q
    assert begun[0]["thread"] != threading.get_native_id()
    # The same search asked part by part, the facets counted once the hits are found.
    results = tantivy_1901.search(SearchQuery(text=q))
    assert payload["total"] == results.count() > 0
    results[0:10]
    expected = {
        name: {v.value: v.count for v in values} for name, values in results.facets().items()
    }
    assert _facets(payload) == expected, q
    if results.has_dates:  # counted on the same thread, after the aggregation
        assert payload["undated"] == results.undated_count() > 0
    assert len(begun) == 1  # nothing more


def test_the_search_page_lists_the_same_facets_with_its_hits(tantivy_1901, client, begun):
    freshness.forget()
    page = client.get("/search/", {"q": "indemnity"})
    assert page.status_code == 200
    assert [c["call"] for c in begun] == ["_aside_counts"]
    tree = lxml_html.fromstring(page.content)
    listed = [
        (item.xpath("string(a)").strip(), item.xpath("string(span[@class='count'])"))
        for item in tree.xpath("//aside[@class='facets']//li[span[@class='count']]")
    ]
    decades = tantivy_1901.search(SearchQuery(text="indemnity")).facets()["decade"]
    assert decades
    for value in decades:
        assert (value.label, f"{value.count:,}") in listed, (value, listed)


def test_the_next_page_of_a_search_begins_nothing_its_facets_being_kept(
    tantivy_1901, client, begun
):
    settled()  # the index written a moment ago: what a search keeps is kept once trusted
    freshness.forget()
    first = client.get("/search/", {"q": "treaty"})
    assert first.status_code == 200 and len(begun) == 1
    second = client.get("/search/", {"q": "treaty", "page": 2})
    assert second.status_code == 200
    assert len(begun) == 1  # the aside of the first page is kept for the second

    def aside(response) -> str:
        tree = lxml_html.fromstring(response.content)
        return lxml_html.tostring(tree.xpath("//aside[@class='facets']")[0], encoding="unicode")

    assert aside(second) == aside(first)


def test_a_feed_of_a_search_begins_nothing(tantivy_1901, client, begun):
    response = client.get("/search/feed/", {"q": "treaty"})
    assert response.status_code == 200, response.content[:200]
    assert b"<entry" in response.content
    assert begun == []


def test_under_gevent_the_call_runs_on_a_native_thread_beside_the_request():
    """gevent (``chancery serve``'s default) makes ``threading`` greenlets: a call begun
    there must still run on a native thread, the request's own going on meanwhile."""
    script = textwrap.dedent(
        """
        from gevent import monkey
        monkey.patch_all()
        import threading
        from gevent.monkey import get_original
        from chancery.search import alongside

        Lock = get_original("threading", "Lock")
        native = get_original("threading", "get_native_id")
        release = Lock()
        release.acquire()

        def waits_for_the_request():
            # a greenlet would block the request's thread here for good: only a native
            # thread can wait while the request goes on and releases the lock
            assert release.acquire(timeout=10), "the request never went on"
            return native()

        pending = alongside.start(waits_for_the_request)
        release.release()  # the request going on, without yielding to gevent's hub
        ran_on = pending.result()
        print("other" if ran_on != native() else "same")
        """
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "other"
