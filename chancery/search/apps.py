from django.apps import AppConfig
from django.core import checks


class SearchConfig(AppConfig):
    """Full-text search: query parsing, facets, and the engines behind one interface."""

    name = "chancery.search"
    label = "search"

    def ready(self):
        from . import signals

        signals.connect()
        checks.register(check_fts5, checks.Tags.database)
        checks.register(check_index_drift)


def check_fts5(app_configs, **kwargs):
    """SQLite without FTS5 cannot run the embedded engine: say so by name."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite" or "sqlite_fts5" not in settings.SEARCH_BACKEND:
        return []
    import sqlite3

    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    except sqlite3.OperationalError:
        return [
            checks.Error(
                "This Python's SQLite has no FTS5 module; search cannot run.",
                hint="Use a Python built against SQLite 3.9+ with FTS5, or PostgreSQL.",
                id="chancery.E001",
            )
        ]
    finally:
        probe.close()
    return []


def check_index_drift(app_configs, **kwargs):
    """An index kept outside the database (Tantivy) that no longer matches it."""
    from django.db import DatabaseError

    from .backends import get_backend

    backend = get_backend()
    if not backend.deferred:
        return []
    try:
        reason = backend.drift()
    except DatabaseError:  # not migrated yet
        return []
    if not reason:
        return []
    return [
        checks.Warning(
            f"The search index is out of step with the database: {reason}.",
            hint="Run `chancery reindex` (`chancery serve` does it at start-up).",
            id="chancery.W002",
        )
    ]
