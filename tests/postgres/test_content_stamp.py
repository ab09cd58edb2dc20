"""The content stamp on PostgreSQL (issue 18): a counter of committed writes that keys the
ETags, kept pages and kept counts of anonymous readers (chancery/web/freshness.py,
migration web 0001_postgres_content_stamp).

Real commits (transactional tests), some from a second connection as another worker or an
import would make them. PostgreSQL only: on SQLite the module is skipped.
"""

import io

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

from chancery.corpus.models import Document
from chancery.urls import urlpatterns as site
from chancery.web import freshness

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stamp"),
]
#: The apps whose tables a reader's pages show: each of their tables moves the stamp.
READER_APPS = ("corpus_", "ocr_", "oai_", "search_", "versions_", "reversion_")
CSV = "public_id,title,date,summary\ncsv/1,Zanzibar cable,1901-02-03,About the cable.\n"


@pytest.fixture(autouse=True)
def _empty_search_table():
    yield
    # The search table is not Django's to flush between tests: leave it as we found it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pg")


@pytest.fixture
def other():
    """A second connection to the same database: another worker, an import."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as conn:
        yield conn


def stamp() -> str:
    value = freshness.content_stamp()
    assert value is not None and value.startswith("pg:")
    return value


def test_every_table_a_reader_sees_moves_the_stamp():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
            "AND NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid "
            "AND t.tgname = c.relname || '_stamp')"
        )
        untracked = {name for (name,) in cursor.fetchall()}
    assert not {t for t in untracked if t.startswith(READER_APPS)}
    assert "django_session" in untracked and "jobs_jobprogress" in untracked


def test_an_admin_edit_moves_the_stamp_and_the_next_page_shows_it(
    client, admin_client, demo, kept_pages
):
    draft = Document.objects.get(public_id="10")
    before = stamp()
    first = client.get("/search/", {"q": '"Five Great Powers"'})
    assert first.status_code == 200 and first.has_header("ETag")
    assert client.get("/document/10/").status_code == 404
    home = client.get("/").content  # kept, with its count of published records
    admin_client.post(
        "/admin/corpus/document/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    after = stamp()
    assert after != before
    again = client.get("/search/", {"q": '"Five Great Powers"'}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert "Five Great Powers" in again.content.decode()
    assert client.get("/document/10/").status_code == 200
    assert client.get("/").content != home
    # nothing written since: the same page is not modified, and kept
    assert client.get("/document/10/", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 200
    tag = client.get("/document/10/")["ETag"]
    assert client.get("/document/10/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert stamp() == after


def test_an_import_moves_the_stamp_and_kept_counts_follow(client, demo, kept_pages, tmp_path):
    before_home = client.get("/").content  # with its count of records
    missing = client.get("/search/", {"q": "zanzibar"})
    assert "Zanzibar cable" not in missing.content.decode()
    before = stamp()
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(CSV, encoding="utf-8")
    call_command("import", "csv", str(sheet), "--no-progress", stdout=io.StringIO())
    assert stamp() != before
    found = client.get("/search/", {"q": "zanzibar"}, HTTP_IF_NONE_MATCH=missing["ETag"])
    assert found.status_code == 200 and "Zanzibar cable" in found.content.decode()
    assert client.get("/").content != before_home  # the kept count was dropped


def test_only_commits_move_it_and_writers_never_wait_for_it(other):
    """An import's open transaction neither moves the stamp (its writes are not visible
    yet) nor holds the counter: another writer commits meanwhile without waiting."""
    start = stamp()
    other.execute("INSERT INTO corpus_language (code, name) VALUES ('zzz', 'Test')")
    assert stamp() == start  # written, not committed: readers see nothing new
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")  # fail, not hang, should it wait
        try:
            Document.objects.create(public_id="w/1", title="Meanwhile")
        finally:
            cursor.execute("RESET lock_timeout")
    meanwhile = stamp()
    assert meanwhile != start
    other.commit()
    assert stamp() not in (start, meanwhile)
    final = stamp()
    other.execute("UPDATE corpus_language SET name = 'Rolled back' WHERE code = 'zzz'")
    other.rollback()
    assert stamp() == final
    with other.cursor() as cursor:
        pending = cursor.execute("SELECT count(*) FROM chancery_content_stamp_pending")
        assert pending.fetchone() == (0,)


def test_a_transaction_reads_its_own_writes_under_a_stamp_of_its_own():
    from django.db import transaction

    start = stamp()
    with transaction.atomic():
        Document.objects.create(public_id="t/1", title="One")
        one = stamp()
        Document.objects.filter(public_id="t/1").update(title="Two")
        two = stamp()
        assert len({start, one, two}) == 3
    assert stamp() not in (start, one, two)


def test_a_page_rendered_while_a_write_commits_is_neither_kept_nor_tagged(
    client, demo, kept_pages, settings, other
):
    """The stamp is read before the view and again after it: a write committed between
    the two may be in the page, so the page is not kept under the older stamp."""
    settings.ROOT_URLCONF = __name__
    first = client.get("/racing/")
    assert first.status_code == 200 and not first.has_header("ETag")
    assert not freshness.PAGES.entries
    assert client.get("/racing/").content != first.content  # rendered again


def racing(request):
    """A page during whose rendering another connection commits a write."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("UPDATE corpus_document SET title = title || '!' WHERE public_id = '1'")
    return HttpResponse(Document.objects.get(public_id="1").title)


urlpatterns = [path("racing/", include(([path("", racing, name="racing")], "web"))), *site]
