"""Jobs that are retried with backoff.

django-tasks runs a task once: an exception marks its row failed. :func:`job` wraps a
function so that a failure enqueues the next attempt (``attempt`` in its kwargs) to run after
``backoff * 2 ** (attempt - 1)`` seconds, up to ``settings.JOB_ATTEMPTS`` attempts; each
failed attempt keeps its row, error and traceback, so the admin shows every try and the last
one stays failed. :func:`report_progress` records how far a running job has got.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task

#: Seconds before the second attempt; doubled for each later one (30 s, 60 s, 120 s ...).
DEFAULT_BACKOFF = 30.0


def attempts() -> int:
    return int(settings.JOB_ATTEMPTS)


def backoff_delay(attempt: int) -> float:
    """The wait before attempt ``attempt + 1``."""
    base = float(getattr(settings, "JOB_BACKOFF", DEFAULT_BACKOFF))
    return base * 2 ** (attempt - 1)


def job(**options: Any) -> Callable:
    """``@job()`` makes a retried task of ``func(context, *args, **kwargs)``; ``options``
    go to django-tasks' ``@task`` (priority, queue_name)."""

    def wrap(func: Callable) -> Any:
        @functools.wraps(func)
        def run(context: TaskContext, *args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(context, *args, **kwargs)
            except Exception:
                if attempt < attempts():
                    when = timezone.now() + dt.timedelta(seconds=backoff_delay(attempt))
                    queued.using(run_after=when).enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        run.retried = True  # type: ignore[attr-defined]  # lease.py counts its attempts
        queued = task(takes_context=True, **options)(run)
        return queued

    return wrap


def enqueue_on_commit(queued: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue once the current transaction commits (a job never sees rows rolled back)."""
    transaction.on_commit(lambda: queued.enqueue(*args, **kwargs))


def report_progress(context: TaskContext, done: int, total: int, unit: str = "") -> None:
    from .models import JobProgress

    JobProgress.objects.update_or_create(
        result_id=context.task_result.id, defaults={"done": done, "total": total, "unit": unit}
    )
