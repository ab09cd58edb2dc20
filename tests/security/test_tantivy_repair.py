"""A Tantivy index left behind by a crash (killed between the database commit and the index
write) is repaired by the next write, or by a search once the check interval has passed,
not only at the next start. Runs on any engine: it builds its own Tantivy index."""

import time

import pytest
from django.db import connection
from django.utils import timezone

from chancery.corpus.models import Document
from chancery.search import indexing
from chancery.search.backends import get_backend
from chancery.search.backends import tantivy as engine
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)
#: tests/conftest.py: these tests index at commit, as in production, whatever the run.
INDEX_FOLLOWS_REAL_COMMITS = True
COMMITTED = 60


@pytest.fixture
def tantivy(settings, tmp_path, monkeypatch):
    settings.SEARCH_BACKEND = "chancery.search.backends.tantivy.TantivyBackend"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    engine.forget_index()
    monkeypatch.setattr(indexing, "_checked_at", None)
    monkeypatch.setattr(indexing, "_checked_stamp", None)
    yield get_backend()
    engine.forget_index()


def found(text: str) -> set[str]:
    results = get_backend().search(SearchQuery(text=text))
    return {hit.document.public_id for hit in results[0 : results.count()]}


def crash_between_commit_and_index(tantivy) -> None:
    """Documents committed to the database whose index write never happened: rows written
    without the application (no signal, no on-commit indexing), as a kill leaves them."""
    DocumentFactory(public_id="seen", title="Zanzibar consulate accounts")
    assert found("Zanzibar") == {"seen"}
    now = timezone.now()
    Document.objects.bulk_create(
        Document(
            public_id=f"lost/{n}",
            title=f"Zanzibar despatch {n}",
            status="published",
            published_at=now,
            created_at=now,
            updated_at=now,
        )  # fmt: skip
        for n in range(COMMITTED)
    )
    later = now.replace(year=now.year + 1)
    seen = Document.objects.filter(public_id="seen")
    seen.update(title="Renamed: Pemba accounts", updated_at=later)
    assert not connection.in_atomic_block
    assert tantivy.drift()  # what start-up would have found


def test_the_next_write_repairs_what_a_crash_left_out(tantivy, monkeypatch):
    crash_between_commit_and_index(tantivy)
    monkeypatch.setattr(indexing, "_checked_at", 10**12)  # no search-time check in this test
    assert found("Zanzibar") == {"seen"}  # stale: the crash left the index behind

    DocumentFactory(public_id="next", title="An unrelated save")  # any later write
    assert tantivy.drift() is None
    assert found("Zanzibar") == {f"lost/{n}" for n in range(COMMITTED)}
    assert found("Pemba") == {"seen"}


def test_a_search_after_the_check_interval_repairs_it(tantivy, monkeypatch):
    crash_between_commit_and_index(tantivy)
    monkeypatch.setattr(indexing, "_checked_at", None)  # the interval has passed
    assert found("Zanzibar") == {f"lost/{n}" for n in range(COMMITTED)}
    assert found("Pemba") == {"seen"}
    assert tantivy.drift() is None


def test_a_document_deleted_behind_the_index_leaves_it(tantivy, monkeypatch):
    DocumentFactory(public_id="kept", title="Mombasa harbour")
    DocumentFactory(public_id="gone", title="Mombasa customs")
    assert found("Mombasa") == {"kept", "gone"}
    Document.objects.filter(public_id="gone")._raw_delete(Document.objects.db)
    monkeypatch.setattr(indexing, "_checked_at", None)
    assert found("Mombasa") == {"kept"}


def test_searches_within_the_interval_do_not_check_again(tantivy, monkeypatch):
    DocumentFactory(public_id="a", title="Lamu")
    calls = []
    monkeypatch.setattr(indexing, "repair", lambda: calls.append(1) or 0)
    monkeypatch.setattr(indexing, "_checked_at", None)
    for _ in range(5):
        found("Lamu")
    assert len(calls) == 1


def test_an_archive_unchanged_since_a_check_is_not_read_again(tantivy, monkeypatch):
    """The check reads every published document (seconds at 1,000,000): a search a minute
    paid it on an archive nobody writes to. Any write, or a change to the index, brings
    it back."""
    DocumentFactory(public_id="a", title="Lamu")
    time.sleep(0.1)  # past the moments in which a stamp is not trusted (freshness.py)
    assert found("Lamu") == {"a"}  # the first check: in step
    calls = []
    monkeypatch.setattr(indexing, "repair", lambda: calls.append(1) or 0)
    monkeypatch.setattr(indexing, "_checked_at", None)  # the interval has passed
    assert found("Lamu") == {"a"}
    assert calls == []  # nothing written since: nothing read
    DocumentFactory(public_id="b", title="Lamu harbour")
    time.sleep(0.1)
    calls.clear()  # (a write checks on its own: test_the_next_write_repairs…)
    monkeypatch.setattr(indexing, "_checked_at", None)
    assert found("Lamu") == {"a", "b"}
    assert calls == [1]
