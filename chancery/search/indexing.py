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


def entry_for(document: Document) -> IndexEntry:
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
    )


def _documents(pks: Iterable[int]):
    return Document.objects.filter(pk__in=list(pks)).prefetch_related(
        "translations", "transcripts", "people", "creators", "places", "subjects", "languages"
    )


def index_documents(pks: Iterable[int]) -> int:
    """(Re)index the given documents: published ones are added, the rest removed."""
    pks = list(pks)
    backend = get_backend()
    done = 0
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        documents = list(_documents(chunk))
        _sync_names(documents)
        published = [d for d in documents if d.is_published]
        backend.delete([pk for pk in chunk if pk not in {d.pk for d in published}])
        backend.add([entry_for(d) for d in published])
        done += len(published)
    return done


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
    with transaction.atomic():
        rebuild()
        backend.reset()
        pks = list(Document.objects.published().values_list("pk", flat=True))
        total = 0
        for start in range(0, len(pks), CHUNK):
            total += index_documents(pks[start : start + CHUNK])
            if progress:
                progress(total, len(pks))
    if hasattr(backend, "optimize"):
        backend.optimize()
    return total


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
