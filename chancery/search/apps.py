from django.core import checks
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

from chancery.corpus.apps import SignalledConfig

#: Search migrations that leave the index empty (they recreate its table): once ``migrate``
#: has applied one of them, the archive's published documents are indexed again. A migration
#: never calls the indexer itself: it would run today's code on that day's schema.
EMPTIES_INDEX = {("search", "0003_search_layers"), ("search", "0009_search_machine_text")}


class SearchConfig(SignalledConfig):
    """Full-text search: query parsing, facets, and the engines behind one interface."""

    name = "chancery.search"
    label = "search"
    default = True

    def ready(self):
        super().ready()
        checks.register(check_fts5, checks.Tags.database)
        checks.register(check_index_drift)
        post_migrate.connect(reindex_after_migrate, sender=self)


def reindex_after_migrate(sender, using=DEFAULT_DB_ALIAS, plan=None, verbosity=1, **kwargs):
    """Once ``migrate`` has brought the database to the latest migrations, rebuild the
    index and the name variants (today's indexer on the finished schema) if it applied a
    migration of :data:`EMPTIES_INDEX` to an archive with published documents, or finds
    the index empty beside them (a ``migrate`` that stopped half-way). ``chancery serve``
    fills an index it finds empty too."""
    if using != DEFAULT_DB_ALIAS or not plan:
        return
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    from .backends import get_backend
    from .indexing import emptied, reindex

    applied = {(m.app_label, m.name) for m, backwards in plan if not backwards}
    reason = emptied(get_backend())
    if applied & EMPTIES_INDEX:
        from chancery.corpus.models import Document

        if Document.objects.published().exists():
            reason = "a migration recreated its tables"
    if reason:
        total = reindex()
        if verbosity:
            print(f"Search index rebuilt ({reason}): {total} published documents.")


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
