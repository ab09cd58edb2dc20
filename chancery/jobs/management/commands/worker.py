"""``chancery worker``: run background jobs from the database queue (django-tasks-db's
worker: each job is claimed in its own transaction with ``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL, an exclusive transaction on SQLite, so no two workers run one job)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand


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
        if options.pop("burst"):
            options["batch"] = True
            options["startup_delay"] = False
        super().handle(*args, **options)
