"""A long restore written in short transactions, all-or-nothing through a staging step.

On SQLite one writer holds the database at a time: a whole-archive JSONL restore in one
transaction would hold it for minutes, and every save in the admin meanwhile would wait and
fail. A restore into an empty archive (:func:`can_stage`) is therefore written in batches
of a second or less, each its own transaction, as one :class:`~.models.ImportRun`:

1. every row the run creates is recorded (:class:`~.models.StagedRow`, committed with the
   batch that made it); its documents are written as drafts without ``published_at``, so
   the public site, search, feeds and OAI do not show them, and the authorities and
   collections it created are hidden from the public too (:func:`hidden`);
2. a last short transaction publishes the run: each document gets the status and
   ``published_at`` of the file, changes to rows that were there before and the OAI
   tombstones of the file are written (:meth:`Stage.defer`); the documents are indexed in
   chunks after it;
3. an error undoes the run (:meth:`Stage.discard`): its rows and stored files are deleted
   and the archive is as it was. A run whose process was killed is undone by the next
   import (:func:`recover`); one killed while indexing is indexed then.

Anything else (an import into an archive that has documents, a re-import that updates
them, a dry run) is one transaction per file, as before: see docs/importing.md.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from chancery.corpus import models as corpus
from chancery.corpus.inserts import insert
from chancery.oai.models import Tombstone
from chancery.search.backends import get_backend
from chancery.search.indexing import checked_once_after, index_documents

from .models import ImportRun, StagedRow

DOCUMENT = "corpus.document"
#: a run whose process is on another machine and silent this long is taken for dead
STALE = timedelta(hours=1)
INDEX_CHUNK = 100  # documents indexed (or undone) per transaction
#: chunks indexed per commit of an index outside the database (a Tantivy commit merges)
CHUNKS_PER_COMMIT = 10


def can_stage() -> bool:
    """An empty archive: no documents, collections, people, places or tombstones (only
    lookups such as languages, which a run may change only in its last transaction), and
    no other run under way (call :func:`recover` first)."""
    empty = (corpus.Document, corpus.Collection, corpus.Agent, corpus.Place, Tombstone, ImportRun)
    return not any(model.objects.exists() for model in empty)


def hidden(model) -> Q:
    """Rows of ``model`` that an unfinished run created: not public yet."""
    staged = StagedRow.objects.filter(model=model._meta.label_lower, run__state=ImportRun.WRITING)
    if isinstance(model._meta.pk, models.IntegerField):  # BigAutoField and AutoField too
        return Q(pk__in=staged.values("object_id"))
    return Q(pk__in=staged.values("name"))  # a text key (a language's code): see created()


class Stage:
    """The run being written: what its batches created, recorded as they commit."""

    def __init__(self, source: str):
        with transaction.atomic():
            self.run = ImportRun.objects.create(
                source=source[:300], host=socket.gethostname()[:200], pid=os.getpid()
            )
        self._rows: list[StagedRow] = []
        self._files: list[str] = []  # every file stored, committed or not
        self._later: list = []
        self.publishing = False

    def created(self, obj, status: str = "", published_at=None) -> None:
        number = isinstance(obj.pk, int)
        self._rows.append(
            StagedRow(
                run=self.run,
                model=obj._meta.label_lower,
                object_id=obj.pk if number else None,
                name="" if number else str(obj.pk),  # a language's code
                status=status,
                published_at=published_at,
            )
        )

    def stored(self, name: str) -> None:
        self._files.append(name)
        self._rows.append(StagedRow(run=self.run, model=StagedRow.FILE, name=name))

    def defer(self, step) -> None:
        """A write to what the public already sees: done when the run is published."""
        self._later.append(step)

    def commit_batch(self) -> None:
        """Record the batch's rows; call inside the batch's transaction, at its end."""
        insert(StagedRow, self._rows)
        self._rows = []
        ImportRun.objects.filter(pk=self.run.pk).update(touched_at=timezone.now())

    def publish(self) -> None:
        """Inside the last transaction: the file's documents become what the file says."""
        self.commit_batch()
        self.publishing = True
        for step in self._later:
            step()
        rows = StagedRow.objects.filter(run=self.run, model=DOCUMENT)
        adapt, quote = connection.ops.adapt_datetimefield_value, connection.ops.quote_name
        values = [(status, adapt(published_at), pk) for pk, status, published_at
                  in rows.values_list("object_id", "status", "published_at")]  # fmt: skip
        # one plain UPDATE per document: no save(), no signals, updated_at stays the file's
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(corpus.Document._meta.db_table)} "  # noqa: S608 (a model's table)
                "SET status = %s, published_at = %s WHERE id = %s",
                values,
            )
        ImportRun.objects.filter(pk=self.run.pk).update(state=ImportRun.PUBLISHED)

    def close(self) -> None:
        """After publishing: index the documents, then forget the run."""
        _index_and_forget(self.run)

    def discard(self) -> None:
        """Undo the run: what its committed batches wrote, and the files it stored."""
        _undo(self.run, self._files)


def _undo(run: ImportRun, files: Iterable[str] = ()) -> None:
    rows = StagedRow.objects.filter(run=run)
    names = set(files) | set(rows.filter(model=StagedRow.FILE).values_list("name", flat=True))
    labels = list(rows.exclude(model=StagedRow.FILE).values_list("model", flat=True).distinct())
    labels.sort(key=lambda label: label != DOCUMENT)  # documents first: they use the rest
    for label in labels:
        model = apps.get_model(label)
        pks = [n if pk is None else pk
               for pk, n in rows.filter(model=label).values_list("object_id", "name")]  # fmt: skip
        for start in range(0, len(pks), INDEX_CHUNK):
            with transaction.atomic():  # a draft never published leaves no tombstone
                model.objects.filter(pk__in=pks[start : start + INDEX_CHUNK]).delete()
    for name in names:
        if not corpus.Scan.objects.filter(file=name).exists():  # unless a kept row uses it
            default_storage.delete(name)
    with transaction.atomic():
        run.delete()


def _index_and_forget(run: ImportRun) -> None:
    """Index the run's documents a chunk at a time, then forget the run (the run's
    ``touched_at`` says it is alive meanwhile). An index outside the database is written by
    one writer, as ``chancery reindex`` writes it, committing every
    :data:`CHUNKS_PER_COMMIT` chunks (the documents show in search a thousand at a time),
    and is checked against the database once, at the end, not after every chunk."""
    staged = StagedRow.objects.filter(run=run, model=DOCUMENT).values_list("object_id", flat=True)
    pks = [pk for pk in staged if pk is not None]
    backend = get_backend()
    with checked_once_after():
        with backend.batch():
            for n, start in enumerate(range(0, len(pks), INDEX_CHUNK), 1):
                with transaction.atomic():
                    index_documents(pks[start : start + INDEX_CHUNK])
                    ImportRun.objects.filter(pk=run.pk).update(touched_at=timezone.now())
                if n % CHUNKS_PER_COMMIT == 0:
                    backend.commit_batch()
        with transaction.atomic():
            run.delete()


def _this_process(run: ImportRun) -> bool:
    return run.host == socket.gethostname() and run.pid == os.getpid()


def _abandoned(run: ImportRun) -> bool:
    if run.host != socket.gethostname():
        return timezone.now() - run.touched_at > STALE
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return run.pid == os.getpid()  # a run of this very process is over


def still_indexing() -> set[int]:
    """The documents of published runs whose import is alive and indexing them: the
    search index's drift check leaves them to it (search/indexing.py). Those of a run whose
    process died are not: the check repairs them (and the next import forgets the run). The
    importing process's own writes check the index too: its run is alive to it."""
    runs = [run for run in ImportRun.objects.filter(state=ImportRun.PUBLISHED)
            if not _abandoned(run) or _this_process(run)]  # fmt: skip
    if not runs:
        return set()
    rows = StagedRow.objects.filter(run__in=runs, model=DOCUMENT)
    return {pk for pk in rows.values_list("object_id", flat=True) if pk is not None}


def recover() -> list[str]:
    """Finish or undo the runs whose import died; returns what was done, to report."""
    done = []
    for run in ImportRun.objects.order_by("pk"):
        if not _abandoned(run):
            continue
        if run.state == ImportRun.PUBLISHED:  # this process indexes them now: its run
            ImportRun.objects.filter(pk=run.pk).update(host=socket.gethostname(), pid=os.getpid())
            _index_and_forget(run)
            done.append(f"{run.source}: an interrupted import's indexing was finished")
        else:
            _undo(run)
            done.append(f"{run.source}: an interrupted import was undone (nothing of it kept)")
    return done
