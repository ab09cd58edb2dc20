import os
import tempfile

import pytest

# Each test run gets its own CHANCERY_HOME (secret key, media) before settings load.
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
