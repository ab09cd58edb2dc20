"""HTTP caching for anonymous readers (issue 18): ETags from the archive's content stamp,
304 on a repeated conditional GET, pages kept until the next write, nothing kept for a
signed-in editor."""

import sqlite3
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus.models import Document
from chancery.web import freshness

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def settle():
    """Wait until the last write is older than the settling time: a stamp of files (the
    Tantivy index folder) that changed just now is not trusted, and no ETag is given."""
    time.sleep(freshness.SETTLING_NS / 1e9 * 2)


@pytest.fixture(autouse=True)
def _settled(request):
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")
        settle()


@pytest.mark.parametrize(
    "path", ["/search/?q=Castro", "/api/v1/search?q=Castro", "/document/1/", "/people/"]
)
def test_a_repeated_conditional_get_is_not_modified(client, demo, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Cache-Control"] == "no-cache" and "Cookie" in first["Vary"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    if path.startswith("/api/"):
        assert again["Access-Control-Allow-Origin"] == "*"
    # another address has another tag
    assert client.get(path + "&page=1" if "?" in path else path + "?page=1")["ETag"] != etag


def test_an_edit_changes_the_etag_and_the_page(client, demo, kept_pages):
    doc = Document.objects.published().get(public_id="1")
    first = client.get("/document/1/")
    with CaptureQueriesContext(connection) as captured:
        kept = client.get("/document/1/")  # kept: answered without running the view
    # no query, but the stamp's (on PostgreSQL, one read of the counter's row)
    assert kept.content == first.content
    assert [q["sql"] for q in captured] == (
        [freshness._COUNTER_SQL] if connection.vendor == "postgresql" else []
    )
    doc.title = "A title the editor corrected"
    doc.save()
    settle()
    changed = client.get("/document/1/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "A title the editor corrected" in changed.content.decode()
    search = client.get("/search/", {"q": "corrected"}).content.decode()
    assert "A title the editor corrected" in search


def test_a_write_without_signals_also_changes_the_page(client, demo, kept_pages):
    """Imports write in bulk (no model signals): the stamp still moves."""
    first = client.get("/types/")
    Document.objects.published().filter(public_id="1").update(status=Document.DRAFT)
    settle()
    changed = client.get("/types/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.content != first.content


def test_a_signed_in_editor_gets_no_caching_headers(admin_client, client, demo, kept_pages):
    anonymous = client.get("/document/1/")
    editor = admin_client.get("/document/1/", HTTP_IF_NONE_MATCH=anonymous.get("ETag", "*"))
    assert editor.status_code == 200
    assert not editor.has_header("ETag")
    assert "no-store" in editor["Cache-Control"] and "private" in editor["Cache-Control"]
    # an editor's preview of a draft (the demo's record 10) is never kept for others
    assert admin_client.get("/document/10/").status_code == 200
    assert client.get("/document/10/").status_code == 404


def test_the_file_stamp_moves_with_every_commit(tmp_path):
    """On a database file (SQLite in WAL mode) each commit changes the stamp."""
    name = str(tmp_path / "archive.sqlite3")
    db = sqlite3.connect(name)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    stamps = []
    for n in range(3):
        time.sleep(freshness.SETTLING_NS / 1e9 * 1.5)  # older than the settling time
        stamps.append(freshness.file_stamp([name, f"{name}-wal"]))
        db.execute("INSERT INTO t VALUES (?)", (n,))
        db.commit()
    db.close()
    assert None not in stamps and len(set(stamps)) == 3


def test_static_files_are_kept_for_good_once_collected(settings, tmp_path):
    """After collectstatic (chancery serve runs it), pages name hashed files that a browser
    may keep for good, served compressed."""
    import re

    from django.core.management import call_command
    from django.http import HttpResponse
    from django.templatetags.static import static
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("chancery/site.css")
    assert re.fullmatch(r"/static/chancery/site\.[0-9a-f]{12}\.css", url)
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] in ("gzip", "br")
    plain = middleware(RequestFactory().get("/static/chancery/site.css"))
    assert "immutable" not in plain["Cache-Control"]  # an unhashed name may change


def test_a_page_holding_a_csrf_token_is_never_shared(client, settings, kept_pages):
    """A reader's CSRF token reveals the secret of their cookie: a page holding one is
    neither kept for the next reader nor given an ETag."""
    from django.test import Client

    settings.ROOT_URLCONF = "tests.csrf_urls"
    settle()
    first = client.get("/form/")
    second = Client().get("/form/")
    assert first.status_code == second.status_code == 200
    assert not first.has_header("ETag") and not second.has_header("ETag")
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert first.content != second.content
