"""``chancery worker``: run background jobs from the database queue (django-tasks-db's
worker: each job is claimed in its own transaction with ``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL, an exclusive transaction on SQLite, so no two workers run one job). The
worker reports in while it runs, and runs again the jobs of workers that stopped reporting
(jobs/lease.py); it lowers its own CPU priority by ``CHANCERY_WORKER_NICE``."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from chancery.jobs import lease
from chancery.jobs.models import WorkerBeat


def lower_priority(wanted: int) -> None:
    """Be ``wanted`` nice (never less nice than the process already is)."""
    if hasattr(os, "nice") and wanted > 0:
        current = os.nice(0)
        if wanted > current:
            os.nice(wanted - current)


class Command(DBWorkerCommand):
    help = "Run background jobs (OCR ...) from the queue; --burst: run what is due, then exit."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Work through the jobs that are due, then exit (jobs waiting for a retry "
            "later are left for the next run).",
        )
        # Every queue by default; no code reloading unless asked.
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        # One thread per Tesseract: a worker is a unit of parallelism already, and OpenMP's
        # threads spin on a busy machine (bench/README.md: a fifth of the CPU per page).
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        lower_priority(int(settings.WORKER_NICE))
        if options.pop("burst"):
            options["batch"] = True
            options["startup_delay"] = False
        worker_id = options["worker_id"]
        lease.beat(worker_id)
        lease.requeue_lost()
        heartbeat = lease.Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            WorkerBeat.objects.filter(worker_id=worker_id).delete()
