"""The index follows the corpus: what gets indexed for a document (:mod:`.entries`), and
when.

Saving a document, its assets or its descriptions re-indexes it in the same
transaction. Bulk importers wrap their work in :func:`indexing_paused` and finish with one
chunked :func:`reindex`, so an interrupted import never leaves a stale index entry.
An index outside the database (Tantivy) is written after the commit; a kill in between
leaves it behind, so it is compared with the database after each write and by searches
once a minute, and :func:`repair` reindexes what it lacks.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterable, Iterator

from django.db import DatabaseError, transaction

from chancery.corpus.models import Document

from . import variants
from .backends import get_backend
from .entries import read_entries

logger = logging.getLogger(__name__)
_paused = contextvars.ContextVar("indexing_paused", default=False)
CHUNK = 500


@contextlib.contextmanager
def indexing_paused() -> Iterator[None]:
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


@contextlib.contextmanager
def checked_once_after() -> Iterator[None]:
    """Index writes in this block skip the check against the database each makes after
    it, and one check is made at the end: an import indexing its documents a chunk at a
    time would otherwise read the whole index and every published document's datestamp
    after each chunk (chancery/ingest/staging.py)."""
    token = _rebuilding.set(True)
    try:
        yield
    finally:
        _rebuilding.reset(token)
    if get_backend().deferred:
        _repair_quietly()


def index_documents(pks: Iterable[int]) -> int:
    """(Re)index the given documents: published ones are added, the rest removed."""
    pks = list(pks)
    backend = get_backend()
    if backend.deferred and not _writing_now.get() and transaction.get_connection().in_atomic_block:
        # An index outside the database follows the commit, never a write that may roll back.
        _defer(pks)
        return 0
    facts = backend.indexes_facts
    done = 0
    with backend.batch():
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            entries, named = read_entries(chunk, facts)
            _sync_names(named)
            published = {e.pk for e in entries}
            backend.delete([pk for pk in chunk if pk not in published])
            backend.add(entries)
            done += len(entries)
    if backend.deferred and not _rebuilding.get():
        _repair_quietly()  # the next write after a crash repairs what the crash left out
    return done


#: True while the index is written outside a transaction's deferral (reindex, commit hooks).
_writing_now = contextvars.ContextVar("index_writing_now", default=False)
_pending: dict[int, set[int]] = {}
#: True while the whole index is rebuilt or repaired (no repair from within).
_rebuilding = contextvars.ContextVar("index_rebuilding", default=False)


def _defer(pks: list[int]) -> None:
    """Remember these documents and index them all once the transaction commits.

    Each call registers a callback, so a rolled-back savepoint drops only its own; the
    first callback to run indexes everything remembered (the rest find nothing), reading
    the committed state: a document remembered by a rolled-back write is simply re-read.
    """
    key = id(transaction.get_connection())
    _pending.setdefault(key, set()).update(pks)
    transaction.on_commit(lambda: _flush(key))


def _flush(key: int) -> None:
    pks = _pending.pop(key, set())
    if pks:
        token = _writing_now.set(True)
        try:
            index_documents(sorted(pks))
        finally:
            _writing_now.reset(token)


# -- an index outside the database, repaired while the site runs ---------------------------
#: Seconds between two drift checks made by one searching process.
CHECK_EVERY = 60.0
_checked_at: float | None = None
#: What the archive and its index were (:func:`_stamp`) when a check last found them in step.
_checked_stamp: str | None = None


def repair_now_and_then() -> None:
    """Check (and repair) the index at most once every ``CHECK_EVERY`` seconds; called by
    searches. Only outside a transaction: a repair must read committed state. Not when
    neither the database nor the index has changed since a check found them in step: the
    check reads every published document (100 to 200 ms at 200,000 documents, 0.5 to 2 s
    at 1,000,000), and an archive nobody writes to paid it on one search a minute."""
    global _checked_at, _checked_stamp
    now = time.monotonic()
    if _checked_at is not None and now - _checked_at < CHECK_EVERY:
        return
    if transaction.get_connection().in_atomic_block:
        return
    _checked_at = now
    stamp = _stamp()  # read before the check: a write during it changes the stamp
    if stamp is not None and stamp == _checked_stamp:
        return
    if _repair_quietly():
        _checked_stamp = stamp
    else:
        _checked_at = None  # try again at the next search


def _stamp() -> str | None:
    """The database's content stamp and the index files' (None: not to be trusted now)."""
    from chancery.web.freshness import content_stamp, index_stamp

    database, index = content_stamp(), index_stamp()
    return None if database is None or index is None else f"{database}|{index}"


def _repair_quietly() -> bool:
    """:func:`repair`, a failure logged rather than raised (a search or a save that just
    committed must not fail for it; the next check tries again)."""
    try:
        repaired = repair()
    except (DatabaseError, OSError, ValueError) as error:
        logger.warning("Search index not checked against the database: %s", error)
        return False
    if repaired:
        logger.warning("Search index repaired: %d documents reindexed", repaired)
    return True


def repair() -> int:
    """Bring an index kept outside the database back in step with it, incrementally.

    A process killed between a commit and its index write leaves committed documents out
    of the index (or an old version of them in it) until something notices. The cheap
    check of start-up (count, sum of ids, sum of change times) is made here; only when it
    differs is the index read whole, and just the documents it lacks, holds in another
    version or should not hold are (re)indexed, but for those of an import indexing them
    itself (chancery/ingest/staging.py: its run published, its process alive; one whose
    process died is repaired here). Returns how many were.
    """
    backend = get_backend()
    if not backend.deferred:
        return 0  # an index inside the database commits with it: nothing can drift
    if backend.drift() is None:  # the cheap check: three sums, no rows read
        return 0
    published = published_stamps()
    held = backend.indexed_stamps()
    stale = [pk for pk, stamp in published.items() if held.get(pk) != stamp]
    stale += [pk for pk in held if pk not in published]
    if stale:  # an import that published its documents indexes them itself: left to it
        from chancery.ingest.staging import still_indexing

        indexing = still_indexing()
        stale = [pk for pk in stale if pk not in indexing]
    token, rebuilding = _writing_now.set(True), _rebuilding.set(True)
    try:
        index_documents(sorted(stale))
    finally:
        _writing_now.reset(token)
        _rebuilding.reset(rebuilding)
    return len(stale)


def published_stamps() -> dict[int, int]:
    """{pk: last change in whole seconds} of the published documents (what an index
    outside the database stores beside each, so that the two can be compared)."""
    rows = Document.objects.published().values_list("pk", "updated_at")
    return {
        pk: int(updated.timestamp()) if updated else 0
        for pk, updated in rows.iterator(chunk_size=5000)
    }


def published_fingerprint() -> tuple[int, int, int]:
    """(count, sum of pks, sum of last-change seconds) of the published documents, summed
    by the database: :func:`published_stamps` folded, without reading 200,000 rows into
    Python (a searching process checks this once a minute)."""
    from django.db import connection
    from django.db.models import Count, IntegerField, Sum
    from django.db.models.expressions import RawSQL

    if connection.vendor == "sqlite":
        # Whole seconds cut from the text (strftime would round .9995 up, as Python does not).
        epoch = "COALESCE(CAST(strftime('%%s', substr(updated_at, 1, 19)) AS INTEGER), 0)"
    else:
        epoch = "COALESCE(FLOOR(EXTRACT(EPOCH FROM updated_at))::bigint, 0)"
    seconds = RawSQL(epoch, [], output_field=IntegerField())  # noqa: S611 — fixed SQL
    row = Document.objects.published().aggregate(n=Count("pk"), pks=Sum("pk"), stamps=Sum(seconds))
    return (row["n"], row["pks"] or 0, row["stamps"] or 0)


def _sync_names(named: dict) -> None:
    """Bulk importers create name variants without signals: catch up on these documents'."""

    if named["agents"]:
        variants.sync_agents(named["agents"])
    if named["places"]:
        variants.sync_places(named["places"])


def reindex(progress=None) -> int:
    """Rebuild the whole index from the database, and the name variants with it."""

    backend = get_backend()
    token, rebuilding = _writing_now.set(True), _rebuilding.set(True)
    try:
        with transaction.atomic(), backend.batch():
            variants.rebuild()
            backend.reset()
            pks = list(Document.objects.published().values_list("pk", flat=True))
            total = 0
            for start in range(0, len(pks), CHUNK):
                total += index_documents(pks[start : start + CHUNK])
                if progress:
                    progress(total, len(pks))
    finally:
        _writing_now.reset(token)
        _rebuilding.reset(rebuilding)
    if backend.supports_optimize:
        backend.optimize()
    backend.rebuilt()
    return total


def bring_up_to_date(report=print) -> str | None:
    """Rebuild an index kept outside the database if it no longer matches it, or an index
    inside it that a migration emptied (start-up, and after ``migrate``).

    Returns the reason it was rebuilt, or None when it was current.
    """
    backend = get_backend()
    reason = backend.drift() or emptied(backend)
    if reason:
        report(f"The search index is out of step with the database ({reason}): rebuilding it.")
        report(f"Indexed {reindex()} published documents.")
    return reason


def emptied(backend) -> str | None:
    """Why an index inside the database needs filling: it is empty while documents are
    published (search migration 0003_search_layers recreates the SQLite table empty)."""
    if backend.deferred or not Document.objects.published().exists():
        return None
    if backend.indexed_count():
        return None
    return "the index is empty but documents are published"


def is_paused() -> bool:
    return _paused.get()


def schedule(pks: Iterable[int]) -> None:
    """Index these documents now, inside the caller's transaction (unless paused).

    The index lives in the same database, so a rollback takes the index change back with
    the document change: no stale or missing entry after a failed or interrupted write.
    """
    if _paused.get():
        return
    index_documents(pks)
