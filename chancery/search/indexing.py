"""The index follows the corpus: what gets indexed for a document, and when.

Saving a document, its assets or its descriptions re-indexes it in the same
transaction. Bulk importers wrap their work in :func:`indexing_paused` and finish with one
chunked :func:`reindex`, so an interrupted import never leaves a stale index entry.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.db import transaction

from chancery.corpus.models import Document
from chancery.corpus.sanitize import html_to_text

from .backends import get_backend
from .backends.base import IndexEntry

_paused = contextvars.ContextVar("indexing_paused", default=False)
CHUNK = 500


@contextlib.contextmanager
def indexing_paused() -> Iterator[None]:
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def facts_of(document: Document) -> dict:
    """What an engine that filters, sorts and counts facets by itself needs of a document."""
    return {
        "stamp": int(document.updated_at.timestamp()) if document.updated_at else 0,
        "collection": [c.pk for c in document.collections.all()],
        "subject": [s.pk for s in document.subjects.all()],
        "place": [p.pk for p in document.places.all()],
        "repository": [r.pk for r in document.repositories.all()],
        "agent": {
            a.pk
            for a in [
                *document.people.all(),
                *document.creators.all(),
                *document.contributors.all(),
            ]
        },
        "type": document.doc_type_id,
        "transcript_languages": {
            t.language_id for t in document.transcripts.all() if t.language_id
        },
        "earliest": document.date_earliest,
        "latest": document.date_latest,
        "decade": document.decade,
    }


def entry_for(document: Document, facts: bool = False) -> IndexEntry:
    """Plain-text fields of one document (prefetched as in :func:`_documents`)."""
    translation = " ".join(html_to_text(t.html) for t in document.translations.all())
    transcript = " ".join(html_to_text(t.html) for t in document.transcripts.all())
    names = [a.name for a in document.people.all()]
    names += [a.name for a in document.creators.all()]
    names += [p.name for p in document.places.all()]
    names += [s.name for s in document.subjects.all()]
    return IndexEntry(
        pk=document.pk,
        title=document.title,
        summary=html_to_text(document.summary),
        body=f"{translation} {transcript}".strip(),
        names=" · ".join(names),
        languages=[lang.code for lang in document.languages.all()],
        translation=translation,
        transcript=transcript,
        facts=facts_of(document) if facts else None,
    )


RELATIONS = ("translations", "transcripts", "people", "creators", "places", "subjects", "languages")
#: What ``facts_of`` reads besides.
FACT_RELATIONS = ("collections", "repositories", "contributors")


def _documents(pks: Iterable[int], facts: bool = False):
    relations = RELATIONS + (FACT_RELATIONS if facts else ())
    return Document.objects.filter(pk__in=list(pks)).prefetch_related(*relations)


def index_documents(pks: Iterable[int]) -> int:
    """(Re)index the given documents: published ones are added, the rest removed."""
    pks = list(pks)
    backend = get_backend()
    if backend.deferred and not _writing_now.get() and transaction.get_connection().in_atomic_block:
        # An index outside the database follows the commit, never a write that may roll back.
        _defer(pks)
        return 0
    facts = backend.deferred
    done = 0
    with backend.batch():
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            documents = list(_documents(chunk, facts))
            _sync_names(documents)
            published = [d for d in documents if d.is_published]
            backend.delete([pk for pk in chunk if pk not in {d.pk for d in published}])
            backend.add([entry_for(d, facts) for d in published])
            done += len(published)
    return done


#: True while the index is written outside a transaction's deferral (reindex, commit hooks).
_writing_now = contextvars.ContextVar("index_writing_now", default=False)
_pending: dict[int, set[int]] = {}


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


def _sync_names(documents) -> None:
    """Bulk importers create name variants without signals: catch up on these documents'."""
    from . import variants

    agents = {a.pk for d in documents for a in [*d.people.all(), *d.creators.all()]}
    places = {p.pk for d in documents for p in d.places.all()}
    if agents:
        variants.sync_agents(agents)
    if places:
        variants.sync_places(places)


def reindex(progress=None) -> int:
    """Rebuild the whole index from the database, and the name variants with it."""
    from .variants import rebuild

    backend = get_backend()
    token = _writing_now.set(True)
    try:
        with transaction.atomic(), backend.batch():
            rebuild()
            backend.reset()
            pks = list(Document.objects.published().values_list("pk", flat=True))
            total = 0
            for start in range(0, len(pks), CHUNK):
                total += index_documents(pks[start : start + CHUNK])
                if progress:
                    progress(total, len(pks))
    finally:
        _writing_now.reset(token)
    if hasattr(backend, "optimize"):
        backend.optimize()
    return total


def bring_up_to_date(report=print) -> str | None:
    """Rebuild an index kept outside the database if it no longer matches it (start-up).

    Returns the reason it was rebuilt, or None when it was current (or cannot drift).
    """
    backend = get_backend()
    reason = backend.drift()
    if reason:
        report(f"The search index is out of step with the database ({reason}): rebuilding it.")
        report(f"Indexed {reindex()} published documents.")
    return reason


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
