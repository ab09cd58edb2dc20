"""Denial of service: every search request within the cost budget, a time limit that ends
the query and not the worker, and a server that survives slow clients and a crashed master.

The search cases run on whichever engine the run is configured for (Tantivy by default
on SQLite; ``CHANCERY_SEARCH_BACKEND=fts5`` or ``CHANCERY_DATABASE_URL=postgresql://…``
for the others). The server cases start real ``chancery serve`` processes on a free
loopback port (marked ``slow``; each bounded to seconds).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from chancery.corpus import models
from chancery.search import budget
from chancery.search.indexing import index_documents, indexing_paused
from chancery.search.query import parse_query
from chancery.search.snippets import Matcher
from tests.factories import DocumentFactory

pytestmark = pytest.mark.engine

ALPHABET = " ".join(f"{chr(c)}*" for c in range(ord("a"), ord("z") + 1))
WORDS = "treaty treaties treasury treason treat treatment the then there these they"


@pytest.fixture
def archive(db):
    with indexing_paused():
        docs = [
            DocumentFactory(
                public_id=f"dos/d{n}",
                title=f"Telegram {n} on the treaty: {WORDS.split()[n % 6]}",
                text=f"<p>{WORDS} and {'abcdefghijklmnopqrstuvwxyz'[n % 26]}lpha {n}.</p>",
            )
            for n in range(30)
        ]
        # One long text: highlighting must not grow with it.
        DocumentFactory(
            public_id="dos/long",
            title="A very long report",
            text="<p>" + ("the then there these they treaty " * 20_000) + "</p>",
        )
    index_documents(models.Document.objects.values_list("pk", flat=True))
    return docs


def _notes(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return " ".join(response.json().get("query", {}).get("notes", []))
    return response.content.decode()


# --- the budget, on every engine -----------------------------------------------------------


def test_a_cheap_search_gives_its_normal_results(client, archive):
    data = client.get("/api/v1/search?q=treaty&per_page=100").json()
    assert data["total"] == 31
    page = client.get("/search/?q=treaty")
    assert page.status_code == 200 and "of 31" in page.content.decode().replace("\xa0", " ")


@pytest.mark.parametrize(
    "url",
    [
        f"/search/?q={ALPHABET}&per_page=100",
        f"/api/v1/search?q={ALPHABET}&per_page=100",
        f"/srv/record.json?q={ALPHABET}&itemsPerPage=100",
        f"/search/feed/?q={ALPHABET}",
    ],
)
def test_the_26_prefixes_are_answered_relaxed(client, archive, url):
    response = client.get(url)
    assert response.status_code == 200
    if "/srv/" in url:  # the Wilson shape has no notes: the bounded search is the answer
        assert "totalItems" in response.json()["pagination"]
        return
    if "/feed/" in url:
        return
    text = _notes(response)
    assert f"Only the first {budget.MAX_GROUPS} of the 26 words" in text
    assert "a prefix search needs at least 3 letters" in text


def test_the_budget_cuts_what_the_engines_see(archive):
    from chancery.search.backends import get_backend
    from chancery.search.query import SearchQuery

    text = " ".join(f"word{n} OR alt{n}" for n in range(40)) + " " + ALPHABET
    results = get_backend().search(SearchQuery(text=text))
    parsed = results.parsed
    assert len(parsed.groups) <= budget.MAX_GROUPS
    assert sum(t.prefix for g in parsed.groups for t in g) <= budget.MAX_PREFIXES
    results.count(), results[0:100]  # and the engine answers it
    assert any("Only the first" in n for n in parsed.notes)


@pytest.mark.parametrize(
    "query, note",
    [
        (" ".join(f"w{n}" for n in range(200)), "words or phrases were searched"),
        (" OR ".join(f"treaty{n}" for n in range(60)), "alternatives"),
        (" ".join(f"-x{n}" for n in range(100)) + " treaty", "exclusions were applied"),
        ("trea* treas* treat* thes* ther*", "prefix searches are made per query"),
        ("ab* tr*", "needs at least 3 letters"),
    ],
)
def test_query_bombs_are_relaxed_and_say_so(client, archive, query, note):
    response = client.get("/api/v1/search", {"q": query, "per_page": 100})
    assert response.status_code == 200
    assert note in _notes(response)


@pytest.mark.parametrize(
    "query",
    [
        '"' + '"the "of' * 100,  # nested and unbalanced quotes
        ("(((" * 100) + "treaty" + (")))" * 100),
        "treaty " + "AND OR NOT " * 80,
        "title:the* " * 40,
        "*" * 900,
        "a" * 1000,
        "\u0442\u0435\u0441\u0442* " * 100,
    ],
)
def test_odd_queries_are_answered_within_budget(client, archive, query):
    for url in ("/search/", "/api/v1/search", "/srv/record.json"):
        response = client.get(url, {"q": query})
        assert response.status_code in (200, 400), (url, response.status_code)


def test_a_very_long_query_is_a_400_naming_q(client, archive):
    response = client.get("/api/v1/search", {"q": "treaty " * 400})
    assert response.status_code == 400
    assert "q" in response.json()["error"]["fields"]


def test_a_prefix_standing_for_too_many_words_is_a_400(client, archive, monkeypatch):
    monkeypatch.setattr(budget, "MAX_PREFIX_EXPANSIONS", 3)
    response = client.get("/api/v1/search", {"q": "trea*"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "“trea*” matches more than 3 different words" in message
    page = client.get("/search/", {"q": "trea*"})
    assert page.status_code == 400
    assert page.content.decode().count("type more letters") == 1  # said once, not twice
    assert 'name="q" value="trea*"' in page.content.decode()  # the form, to try again
    srv = client.get("/srv/record.json", {"q": "trea*"})
    assert srv.status_code == 400 and "more than 3" in srv.json()["error"]["message"]
    # a narrower prefix stays within the budget
    assert client.get("/api/v1/search", {"q": "treas*"}).status_code == 200


@pytest.mark.parametrize(
    "url, name",
    [
        ("/search/?q=treaty&per_page=101", "per_page"),
        ("/search/?q=treaty&per_page=100000", "per_page"),
        ("/api/v1/search?q=treaty&per_page=1000", "per_page"),
        ("/search/?q=treaty&page=101&per_page=100", "page"),
        ("/api/v1/search?q=treaty&page=1000000", "page"),
        ("/srv/record.json?q=treaty&itemsPerPage=500", "itemsPerPage"),
        ("/srv/record.json?q=treaty&itemsPerPage=100&page=101", "page"),
        ("/srv/record.json?q=treaty&page=999999999999", "page"),
    ],
)
def test_huge_pages_and_windows_are_400_naming_the_parameter(client, archive, url, name):
    response = client.get(url)
    assert response.status_code == 400
    assert name in response.content.decode()


def test_the_deepest_allowed_page_is_answered(client, archive):
    # page 100 at 100 a page is the window's edge: answered (empty), not refused
    response = client.get("/srv/record.json?q=treaty&page=100&itemsPerPage=100")
    assert response.status_code == 200 and response.json()["list"] == []


def test_highlighting_is_bounded(archive):
    matcher = Matcher.for_query(parse_query(" ".join(f"word{n}" for n in range(100))))
    assert len(matcher.keys) + len(matcher.prefixes) <= budget.MAX_HIGHLIGHT_TERMS
    text = "the then there these they " * 20_000
    spans = Matcher.for_query(parse_query("the* then there")).spans(text)
    assert 0 < len(spans) <= budget.MAX_HIGHLIGHT_SPANS


def test_the_long_text_is_answered_with_a_snippet(client, archive):
    response = client.get("/srv/record.json", {"q": "the* treaty", "itemsPerPage": 100})
    assert response.status_code == 200
    data = client.get("/api/v1/search", {"q": "report treaty", "per_page": 100}).json()
    long = [h for h in data["hits"] if h["id"] == "dos/long"]
    assert long and "<mark>" in long[0]["snippet_html"]


# --- the time limit ----------------------------------------------------------------------


@pytest.mark.skipif(
    os.environ.get("CHANCERY_DATABASE_URL", "").startswith("postgres"), reason="SQLite"
)
def test_the_time_limit_interrupts_a_slow_sqlite_query(db):
    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) "
        "SELECT count(*) FROM n"
    )
    with pytest.raises(budget.SearchTimeout), budget.time_limit(0.3), connection.cursor() as c:
        c.execute(slow)  # minutes without the limit
    with connection.cursor() as cursor:  # the connection goes on working
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.skipif(
    not os.environ.get("CHANCERY_DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_the_time_limit_cancels_a_slow_postgres_statement():
    with pytest.raises(budget.SearchTimeout), budget.time_limit(0.3), connection.cursor() as c:
        c.execute("SELECT pg_sleep(30)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db(transaction=True)
def test_a_search_past_the_time_limit_is_a_503_and_the_next_one_works(
    client, settings, monkeypatch
):
    with indexing_paused():
        for n in range(5):
            DocumentFactory(public_id=f"slow/d{n}", text=f"<p>{WORDS}</p>")
    index_documents(models.Document.objects.values_list("pk", flat=True))
    settings.SEARCH_TIMEOUT = 1e-6
    monkeypatch.setattr(budget, "PROGRESS_STEPS", 1)
    page = client.get("/search/", {"q": "treaty"})
    assert page.status_code == 503
    assert page["Retry-After"] and "was stopped" in page.content.decode()
    for url in ("/api/v1/search", "/srv/record.json"):
        response = client.get(url, {"q": "treaty"})
        assert response.status_code == 503, url
        assert "was stopped" in response.json()["error"]["message"]
        assert response["Retry-After"]
    settings.SEARCH_TIMEOUT = 5
    assert client.get("/api/v1/search", {"q": "treaty"}).json()["total"] == 5


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str = "/search/?q=treaty", timeout: float = 10) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait_until_serving(port: int, process: subprocess.Popen, seconds: float = 40) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert process.poll() is None, process.stdout.read().decode()[-2000:]
        try:
            if _get(port, "/", timeout=2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"chancery serve did not answer on port {port} within {seconds} s")


@pytest.fixture(scope="module")
def server_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("serve-home")
    env = _server_env(home)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "chancery.cli", "migrate", "-v", "0"], env=env, check=True
    )
    return home


def _server_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHANCERY_", "DJANGO_"))}
    env.update(CHANCERY_HOME=str(home), HOME=str(home), CHANCERY_ALLOWED_HOSTS="127.0.0.1")
    return env


def _serve(home: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "chancery.cli", "serve", "--port", str(port), "--workers", "2"],
        env=_server_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.mark.slow
def test_slow_clients_do_not_starve_chancery_serve(server_home):
    port = _free_port()
    process = _serve(server_home, port)
    held = []
    try:
        _wait_until_serving(port, process)
        for n in range(12):  # twice the six that starved the three sync workers
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(f"GET /search/?q=slow{n} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            held.append(s)
        time.sleep(1)
        for s in held:
            s.sendall(b"X-Still-Typing: 1\r\n")
        assert _get(port, timeout=10) == 200
        assert _get(port, "/api/v1/search?q=treaty", timeout=10) == 200
    finally:
        for s in held:
            s.close()
        _stop(process)
    # no control socket shared by every gunicorn of the user
    assert not (server_home / ".gunicorn" / "gunicorn.ctl").exists()


@pytest.mark.slow
def test_chancery_serve_starts_again_after_its_master_is_killed(server_home):
    port = _free_port()
    first = _serve(server_home, port)
    second = None
    try:
        _wait_until_serving(port, first)
        os.kill(first.pid, signal.SIGKILL)  # the master (exec'd in place of the cli)
        first.wait(timeout=10)
        second = _serve(server_home, port)
        _wait_until_serving(port, second)
        assert _get(port) == 200
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
