"""The Tantivy engine: an index beside the database that follows it and never leads it.

These tests choose the engine themselves (whatever engine the run uses) and let writes
commit for real (transactional tests), because what they check is what happens at commit,
after a rollback and when the index and the database disagree. The search behaviour shared
by every engine is checked by the rest of the suite, run on Tantivy by ``make test``.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chancery.corpus.demo import load_demo
from chancery.corpus.models import Document, Subject
from chancery.search.backends import _backend_class, get_backend
from chancery.search.backends import tantivy as engine
from chancery.search.facets import FACETS
from chancery.search.indexing import bring_up_to_date, reindex
from chancery.search.query import SearchQuery
from tests.factories import DocumentFactory, SubjectFactory
from tests.queries import settled

TANTIVY = "chancery.search.backends.tantivy.TantivyBackend"

pytestmark = pytest.mark.django_db(transaction=True)
#: tests/conftest.py: these tests index at commit, as in production, whatever the run.
INDEX_FOLLOWS_REAL_COMMITS = True


@pytest.fixture
def tantivy(settings, tmp_path):
    settings.SEARCH_BACKEND = TANTIVY
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    engine.forget_index()
    yield get_backend()
    engine.forget_index()


def found(text: str, **query) -> list[str]:
    results = get_backend().search(SearchQuery(text=text, **query))
    return [hit.document.public_id for hit in results[0 : results.count()]]


def test_a_committed_write_is_searchable_and_a_rolled_back_one_never_is(tantivy):
    with transaction.atomic():
        DocumentFactory(title="Mukden incident report", public_id="kept")
        assert found("Mukden") == []  # not before the commit
    assert found("Mukden") == ["kept"]

    with pytest.raises(RuntimeError), transaction.atomic():
        DocumentFactory(title="Mukden railway guards", public_id="lost")
        raise RuntimeError("the import failed half-way")
    assert found("Mukden") == ["kept"]
    assert tantivy.drift() is None


def test_edits_unpublishing_and_deletion_reach_the_index(tantivy):
    document = DocumentFactory(title="Kwantung army report", public_id="kw")
    assert found("Kwantung") == ["kw"]
    document.title = "Guandong army report"
    document.save()
    assert found("Kwantung") == [] and found("Guandong") == ["kw"]
    document.status = Document.DRAFT
    document.save()
    assert found("Guandong") == []
    document.status = Document.PUBLISHED
    document.save()
    document.delete()
    assert found("Guandong") == []
    assert tantivy.drift() is None


def test_drift_is_detected_and_start_up_rebuilds_the_index(tantivy):
    load_demo()
    assert tantivy.drift() is None
    # Writes that bypass the application (a restored database, a crash between the commit
    # and the index) leave the index behind: the check says so, start-up repairs it.
    from django.utils import timezone

    renamed = Document.objects.filter(public_id="1")
    renamed.update(title="Renamed behind the index's back", updated_at=timezone.now())
    Document.objects.filter(public_id="2").update(status=Document.DRAFT)
    reason = tantivy.drift()
    assert reason and "database publishes" in reason
    lines = []
    assert bring_up_to_date(report=lines.append) == reason
    assert "rebuilding" in lines[0] and "Indexed 11 published documents" in lines[1]
    assert tantivy.drift() is None
    assert found('"Renamed behind"') == ["1"]
    from chancery.search.apps import check_index_drift

    assert check_index_drift(None) == []


def test_reindex_rebuilds_an_empty_or_deleted_index(tantivy, settings):
    load_demo()
    tantivy.reset()
    assert tantivy.indexed_count() == 0 and tantivy.drift()
    assert reindex() == Document.objects.published().count()
    assert tantivy.indexed_count() == 12 and tantivy.drift() is None


def test_an_upgrade_leaves_no_old_index_behind_once_the_new_one_is_built(tantivy, settings):
    """An index of an earlier version (a folder of its own) is removed when this version's
    index has been built whole; a newer version's folder (a downgrade) is kept."""
    load_demo()
    root = settings.SEARCH_INDEX_DIR
    older = root / f"tantivy-v{engine.schema.VERSION - 1}"
    newer = root / f"tantivy-v{engine.schema.VERSION + 1}"
    for folder in (older, newer):
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text("{}")
    assert reindex() == 12
    assert not older.exists() and (newer / "meta.json").exists()
    assert engine.schema.index_dir().exists() and found("Soviet")


def native_engine() -> str:
    """The engine that lives in the database in use (FTS5 on SQLite, PostgreSQL's own)."""
    from django.conf import settings

    paths = settings.SEARCH_BACKENDS.values()
    return next(p for p in paths if _backend_class(p).database == connection.vendor)


def test_same_answers_as_the_database_engine_counts_facets_histogram_and_order(tantivy, settings):
    load_demo()
    native = native_engine()
    queries = [
        SearchQuery(text="Soviet"),
        SearchQuery(text="Soviet Union China"),
        SearchQuery(text='"Soviet Union"'),
        SearchQuery(text="sov* -Cuba"),
        SearchQuery(text="Beijing"),  # expands to Peking and other forms
        SearchQuery(text="person:Khrushchev"),
        SearchQuery(text="", sort="date"),
        SearchQuery(text="", sort="-date"),
        SearchQuery(text="Soviet", filters={"decade": ("1950", "1980")}),
        SearchQuery(text="", start=__import__("datetime").date(1950, 1, 1), date_mode="within"),
    ]
    answers = {}
    for backend in (TANTIVY, native):
        settings.SEARCH_BACKEND = backend
        if backend == native:
            reindex()  # the demo was indexed by Tantivy only
        rows = []
        for query in queries:
            results = get_backend().search(query)
            count = results.count()
            hits = [hit.document.public_id for hit in results[0:count]]
            facets = {
                name: sorted((v.value, v.count) for v in values)
                for name, values in results.facets().items()
            }
            ranked = hits if query.sort != "relevance" else sorted(hits)
            rows.append((count, ranked, facets, results.year_counts()))
        answers[backend] = rows
    for query, mine, theirs in zip(queries, answers[TANTIVY], answers[native], strict=True):
        assert mine == theirs, query


def test_title_order_ignores_case_and_accents(tantivy):
    for n, title in enumerate(["Ciphered telegram", "CPSU directive", "Éclaircissement", "Zeal"]):
        DocumentFactory(title=title, public_id=f"t{n}")
    results = get_backend().search(SearchQuery(sort="title"))
    titles = [hit.document.title for hit in results[0:4]]
    assert titles == ["Ciphered telegram", "CPSU directive", "Éclaircissement", "Zeal"]


def test_facets_and_histogram_come_from_the_index_not_the_database(tantivy):
    load_demo()
    results = get_backend().search(SearchQuery(text="Soviet"))
    with CaptureQueriesContext(connection) as queries:
        results.count()
        facets = results.facets()
        years = results.year_counts()
    # Labels of the facet values only: one small query per authority facet, none per match
    # (and, on PostgreSQL, the archive's content stamp under which a search's lookups and
    # the labels are kept: outside a request chancery/search/kept.py reads it for each;
    # in one, the freshness middleware reads it once).
    stamp = 2 if connection.vendor == "postgresql" else 0
    assert len(queries) <= len(FACETS) + stamp
    assert sum(v.count for v in facets["decade"]) == results.count()
    assert sum(n for _, n in years) == results.count()


def test_a_subject_renamed_by_another_process_shows_in_the_next_search(tantivy):
    # facet labels are kept until the archive changes, not for a while: a rename this
    # process never heard of (another worker's save, here an update without signals)
    # shows in the very next search once the write is committed
    subject = SubjectFactory(name="Boxer Protocol")
    DocumentFactory(title="Indemnity talks at Peking", public_id="pk", subjects=[subject])

    def labels():
        settled()
        results = get_backend().search(SearchQuery(text="indemnity"))
        return [v.label for v in results.facets(only=("subject",))["subject"]]

    assert labels() == ["Boxer Protocol"]
    Subject.objects.filter(pk=subject.pk).update(name="Peace Protocol of 1901")
    assert labels() == ["Peace Protocol of 1901"]


def test_index_lives_where_settings_say_and_rebuilds_from_nothing(tantivy, settings):
    load_demo()
    assert (settings.SEARCH_INDEX_DIR / f"tantivy-v{engine.VERSION}" / "meta.json").exists()


def test_an_unknown_engine_is_named_in_a_clear_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SEARCH_BACKEND = "nonsense.Engine"
    with pytest.raises(ImproperlyConfigured, match="CHANCERY_SEARCH_BACKEND: “nonsense.Engine”"):
        get_backend()
