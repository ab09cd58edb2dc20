"""Run an import: one transaction per file, a tally, a progress bar, the index at the end.

Every format plugs in a *reader* (path -> iterable of records); this module owns what all
imports share, so they behave the same: a file is written completely or not at all
(malformed input, Ctrl-C or a kill roll it back, index included), ``--dry-run`` does all
the work and then rolls back, and the outcome is tallied per document.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chancery.search.indexing import indexing_paused

from .records import CollectionRef, DocumentRecord, strip_controls
from .report import FileFailed, IngestError, Report
from .writer import Writer

Reader = Callable[[Path], Iterable]
BATCH = 100  # documents whose current state is loaded together (re-imports compare against it)


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


def write_items(items: Iterable, report: Report, on_document=None) -> Writer:
    """Write a reader's items through a :class:`Writer` (inside the caller's transaction)."""
    writer = Writer(report)
    batch: list[DocumentRecord] = []

    def write_batch():
        writer.prefetch(batch)
        for record in batch:
            writer.document(record)
            if on_document:
                on_document()
        batch.clear()

    for item in items:
        if isinstance(item, DocumentRecord | CollectionRef):
            _strip_controls(item, report)
        if isinstance(item, DocumentRecord):
            batch.append(item)
            if len(batch) >= BATCH:
                write_batch()
            continue
        write_batch()
        if isinstance(item, CollectionRef):
            writer.collection(item)
        elif isinstance(item, Skip):
            report.add("skipped")
            report.warnings.append(f"{item.where}: skipped: {item.reason}")
        elif isinstance(item, Note):
            report.warnings.append(item.text)
        elif callable(item):  # a reader's own write step (the JSONL restore)
            item(writer)
            if on_document:
                on_document()
    write_batch()
    writer.finish()
    return writer


def _strip_controls(record: DocumentRecord | CollectionRef, report: Report) -> None:
    """Control characters are stripped from a record (not refused), and the report says so."""
    removed = strip_controls(record)
    if removed:
        where = getattr(record, "where", "") or f"collection {record.title!r}"
        report.warnings.append(f"{where}: removed control characters XML cannot carry ({removed})")


def import_file(path: Path, reader: Reader, *, dry_run=False, progress=None, total=None) -> Report:
    """Import one file in one transaction; the returned report says what happened."""
    report = Report()
    started = time.monotonic()
    task = progress.add_task(path.name, total=total, rate=0.0) if progress else None

    def tick():
        if progress:
            done = progress.tasks[task].completed + 1
            rate = done / max(time.monotonic() - started, 1e-6)
            progress.update(task, completed=done, rate=rate)

    try:
        items = reader(path)  # a reader may check the whole file here, before the lock
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
