"""Jobs whose worker died are run again.

django-tasks-db marks a claimed job "running" and nothing more: a worker killed mid-job
(SIGKILL, the machine lost) would leave it running for ever. So each ``chancery worker``
reports in: a :class:`~.models.WorkerBeat` row it writes when it starts and then every
quarter of ``settings.JOB_LEASE`` seconds from a thread of its own, even while a long job
runs. Any worker, when it starts and at each beat, looks for running jobs whose worker has
not reported for ``JOB_LEASE`` seconds (or, never having reported, whose job started longer
ago than that): each is closed as failed with :class:`WorkerLost` as its error, and its
next attempt is queued (counted against ``JOB_ATTEMPTS`` like any failure; a job that has
had all its attempts stays failed). Jobs are run at least once, so a job must be safe to
run twice (OCR is: it replaces a page's text).
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat


class WorkerLost(Exception):
    """The worker running a job stopped reporting (killed, or its machine lost)."""


def lease() -> timedelta:
    return timedelta(seconds=float(settings.JOB_LEASE))


def beat(worker_id: str) -> None:
    """Say that worker ``worker_id`` (this process) is alive."""
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "beat_at": timezone.now(),
            "host": socket.gethostname()[:200],
            "pid": os.getpid(),
        },
    )


def requeue_lost() -> int:
    """Close the jobs of workers that stopped reporting and queue their next attempt;
    returns how many were found."""
    now = timezone.now()
    cutoff = now - lease()
    beats = {b.worker_id: b for b in WorkerBeat.objects.all()}
    found = 0
    for row in DBTaskResult.objects.running().order_by("started_at"):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        last = beats.get(worker)
        seen = last.beat_at if last is not None else row.started_at
        if seen is None or seen >= cutoff:
            continue
        where = f" on {last.host}, process {last.pid}" if last is not None else ""
        error = (
            f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: worker {worker}{where} "
            f"stopped reporting at {seen:%Y-%m-%d %H:%M:%S} UTC, mid-job"
        )
        # Only the worker whose update changed the row queues the next attempt.
        closed = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=error + "\n",
            return_value=None,
        )
        if closed:
            found += 1
            _run_again(row)
    WorkerBeat.objects.filter(beat_at__lt=cutoff).delete()
    return found


def _run_again(row: DBTaskResult) -> None:
    from . import retry

    try:
        task = row.task
    except Exception:  # noqa: BLE001 - the task's code is gone: nothing to run again
        return
    args = row.args_kwargs.get("args") or []
    kwargs = dict(row.args_kwargs.get("kwargs") or {})
    if getattr(task.func, "retried", False):
        attempt = int(kwargs.pop("attempt", 1))
        if attempt >= retry.attempts():
            return  # its last attempt: it stays failed
        kwargs["attempt"] = attempt + 1
    task.using(run_after=None).enqueue(*args, **kwargs)


class Heartbeat(threading.Thread):
    """Reports for a worker every quarter lease, and looks for lost jobs."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = max(0.25, float(settings.JOB_LEASE) / 4)
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    beat(self.worker_id)
                    requeue_lost()
                except DatabaseError:
                    pass  # a locked SQLite database, a lost connection: next beat
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)
