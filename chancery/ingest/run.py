"""Run an import: a file all or nothing, a tally, a progress bar, the index at the end.

Every format plugs in a *reader* (path -> iterable of records); this module owns what all
imports share, so they behave the same: a file is written completely or not at all
(malformed input, Ctrl-C or a kill roll it back, index included), ``--dry-run`` does all
the work and then rolls back, and the outcome is tallied per document.

A file is one transaction, except a JSONL restore into an empty archive: that is written
in batches of at most about :data:`BATCH_SECONDS` each, so that it never holds SQLite's
write lock for long, and kept all or nothing by a staging step (chancery/ingest/staging.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chancery.search.indexing import indexing_paused
from chancery.versions.history import importing_file, record_import

from . import staging
from .records import CollectionRef, DocumentRecord, strip_controls
from .report import FileFailed, IngestError, Report
from .writer import Writer

Reader = Callable[[Path], Iterable]
BATCH = 100  # documents whose current state is loaded together (re-imports compare against it)
#: a staged run commits after this long (or STAGED_ITEMS lines)...
BATCH_SECONDS = 1.0
STAGED_ITEMS = 1000
#: ...then pauses this long on SQLite: a writer waiting for the lock polls it every 100 ms
#: at most (SQLite's busy handler), and would rarely find it free between two batches. A
#: reader with a ``read_ahead(seconds)`` (the JSONL restore) parses its next lines meanwhile
WRITERS_TURN = 0.15


class Note:
    """Something a reader wants the user told (an undated document, say)."""

    def __init__(self, text: str):
        self.text = text


class Skip:
    """A record a reader passes over on purpose (say why in ``reason``)."""

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason


def make_progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents"),
        TextColumn("{task.fields[rate]:>6.1f} docs/s"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=False,
    )


def write_items(
    items: Iterable, report: Report, on_document=None, writer=None, finish=True
) -> Writer:
    """Write a reader's items through a :class:`Writer` (inside the caller's transaction)."""
    writer = writer or Writer(report)
    batch: list[DocumentRecord] = []

    def write_batch():
        if not batch:
            return
        writer.prefetch(batch)
        writer.documents(batch)  # in bulk: authorities, documents, texts, relations
        if on_document:
            for _ in batch:
                on_document()
        batch.clear()

    for item in items:
        if isinstance(item, DocumentRecord | CollectionRef):
            _strip_controls(item, report)
        if isinstance(item, DocumentRecord):
            # a document is in the collections read before it, not in one named later
            item.collections = [c for c in item.collections if writer.has_collection(c[0])]
            batch.append(item)
            if len(batch) >= BATCH:
                write_batch()
            continue
        # collections, skips and notes go along with the batch: a volume's chapters do not
        # cut it into small writes
        if isinstance(item, CollectionRef):
            writer.collection(item)
        elif isinstance(item, Skip):
            report.add("skipped")
            report.warnings.append(f"{item.where}: skipped: {item.reason}")
        elif isinstance(item, Note):
            report.warnings.append(item.text)
        elif callable(item):  # a reader's own write step (the JSONL restore)
            write_batch()
            item(writer)
            if on_document:
                for _ in range(getattr(item, "lines", 1)):  # a run of lines (jsonl_bulk.py)
                    on_document()
    write_batch()
    if finish:
        writer.finish()
    else:
        writer.flush()  # a staged batch commits what it made
    return writer


def write_staged(path: Path, items, report: Report, on_document=None) -> None:
    """Write a stageable reader's items in short transactions, as one run (staging.py)."""
    stage = staging.Stage(path.name)
    items.stage_with(stage)
    writer = Writer(report)
    steps = iter(items)
    more = True

    def batch(began: float):
        nonlocal more
        for n, item in enumerate(steps, 1):
            yield item
            if n >= STAGED_ITEMS or time.monotonic() - began > BATCH_SECONDS:
                return
        more = False

    try:
        while more:
            with transaction.atomic(), indexing_paused():
                write_items(batch(time.monotonic()), report, on_document, writer, finish=False)
                stage.commit_batch()
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                getattr(items, "read_ahead", time.sleep)(WRITERS_TURN)  # no lock held
        with transaction.atomic(), indexing_paused():
            writer.finish(index=False, version=False)  # the tally; the index follows publication
            stage.publish()
            record_import(pk for pk, o in writer.outcomes.items() if o != "unchanged")
    except BaseException:
        stage.discard()
        raise
    stage.close()


def _strip_controls(record: DocumentRecord | CollectionRef, report: Report) -> None:
    """Control characters are stripped from a record (not refused), and the report says so."""
    removed = strip_controls(record)
    if removed:
        where = getattr(record, "where", "") or f"collection {record.title!r}"
        report.warnings.append(f"{where}: removed control characters XML cannot carry ({removed})")


def import_file(
    path: Path, reader: Reader, *, dry_run=False, progress=None, total=None, fmt=""
) -> Report:
    """Import one file, all or nothing; the returned report says what happened."""
    with importing_file(path, fmt):  # the versions it makes name the file (chancery/versions)
        return _import_file(path, reader, dry_run=dry_run, progress=progress, total=total)


def refresh_statistics() -> None:
    """PostgreSQL: gather the planner's statistics now, after an import wrote, rather than
    when autovacuum comes by (a minute or more on a busy host). Until then the planner
    sizes every table as it was before the import, and a plan fit for a few hundred
    documents can run once per document of thousands. ``ANALYZE`` reads a fixed sample of
    each table, so its cost does not grow with the archive."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _import_file(path: Path, reader: Reader, *, dry_run, progress, total) -> Report:
    report = Report()
    started = time.monotonic()
    task = progress.add_task(path.name, total=total, rate=0.0) if progress else None

    def tick():
        if progress:
            done = progress.tasks[task].completed + 1
            rate = done / max(time.monotonic() - started, 1e-6)
            progress.update(task, completed=done, rate=rate)

    try:
        report.warnings += staging.recover()  # runs whose import was killed
        items = reader(path)  # a reader may check the whole file here, before the lock
        if getattr(items, "stageable", False) and not dry_run and staging.can_stage():
            write_staged(path, items, report, tick)
        else:
            with transaction.atomic(), indexing_paused():
                write_items(items, report, tick)
                if dry_run:
                    transaction.set_rollback(True)
    except FileFailed as exc:
        report.counts.clear()
        report.add("failed", len(exc.problems))
        report.problems += [str(p) for p in exc.problems]
    except IngestError as exc:
        report.counts.clear()
        report.add("failed")
        report.problems.append(str(exc))
    except (DatabaseError, ValidationError, ValueError, OSError, UnicodeDecodeError) as exc:
        report.counts.clear()
        report.add("failed")
        report.problems.append(f"{path.name}: {type(exc).__name__}: {exc}")
    report.seconds = time.monotonic() - started
    return report
