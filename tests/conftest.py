import os
import tempfile

import pytest

# The processes a test starts get a scratch CHANCERY_HOME unless the run has one (`make`
# gives each pass its own; the settings are loaded before this file, and the environment
# defaults the suite needs before them are in pyproject.toml's [tool.pytest_env]).
os.environ.setdefault("CHANCERY_HOME", tempfile.mkdtemp(prefix="chancery-test-"))

FRUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpora", "frus")


@pytest.fixture(autouse=True, scope="session")
def _requests_keep_the_test_connection():
    """Requests sent straight to the WSGI app (Schemathesis) must not close the test's
    database connection, as Django's test client already ensures for its own: on
    PostgreSQL that would end the test's transaction (in-memory SQLite ignores a close)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def kept_pages(settings):
    """Pages kept per process, as in production (tests otherwise render every request)."""
    from chancery.web import freshness

    settings.PAGE_CACHE_BYTES = 8 * 1024 * 1024
    freshness.PAGES.clear()
    yield
    freshness.PAGES.clear()


@pytest.fixture(autouse=True)
def _no_kept_pages(settings):
    """Tests count a page's queries by asking for it again: pages are not kept between
    requests unless a test turns it on (tests/test_freshness.py). ETags remain."""
    settings.PAGE_CACHE_BYTES = 0
    # A test's rolled-back writes do not move the archive's stamp: what was kept under a
    # previous test's stamp (browse counts, searches' facets and lookups) is forgotten.
    from .queries import nothing_kept

    nothing_kept()


@pytest.fixture
def demo(db):
    """The demo archive, loaded through the same code as `chancery demo`."""
    from chancery.corpus.demo import load_demo

    load_demo()


@pytest.fixture
def frus_dir():
    path = os.path.abspath(FRUS)
    if not os.path.isdir(path):
        pytest.skip(f"FRUS volumes not found at {path}: the shared corpora are absent")
    return path


@pytest.fixture(autouse=True)
def _migration_data_after_flush(request):
    """A transactional test (live server) ends by flushing every table, which also empties
    the rows a migration loaded: the shipped name-variants table. Reload it for each such
    test, as a fresh archive has it."""
    marker = request.node.get_closest_marker("django_db")
    if "live_server" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        from chancery.search.variants import load_table

        load_table()


@pytest.fixture(autouse=True)
def _tantivy_index_follows_the_test_database(request):
    """With the Tantivy engine the index lives outside the database, so a test's rollback
    does not take its entries away: each test starts from an index rebuilt to match the
    database when the two differ, and writes reach the index at once (a test's
    transaction never commits, so waiting for the commit would index nothing)."""
    from django.conf import settings

    own_commits = getattr(request.module, "INDEX_FOLLOWS_REAL_COMMITS", False)
    if own_commits or not settings.SEARCH_BACKEND.endswith("TantivyBackend"):
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker or {"db", "transactional_db", "live_server", "demo"} & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    transactional = "live_server" in request.fixturenames or (
        marker and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from chancery.search import indexing
    from chancery.search.backends import get_backend

    if get_backend().drift():
        indexing.reindex()
    token = indexing._writing_now.set(True)
    yield
    indexing._writing_now.reset(token)
