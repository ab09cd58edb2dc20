"""The job queue: a failing job is retried with backoff, then kept as failed with its error,
and the admin shows it so."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from chancery.jobs import retry

CALLS: list[int] = []


@retry.job()
def flaky(context, n: int) -> int:
    CALLS.append(n)
    raise RuntimeError(f"page {n} could not be read")


@retry.job()
def works(context, n: int) -> int:
    retry.report_progress(context, n, n, "pages")
    return n * 2


pytestmark = pytest.mark.django_db


def test_a_failing_job_is_retried_then_shown_failed(settings, admin_client):
    settings.JOB_ATTEMPTS = 3
    settings.JOB_BACKOFF = 0
    CALLS.clear()
    flaky.enqueue(7)
    call_command("worker", "--burst", verbosity=0)
    assert CALLS == [7, 7, 7]
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in rows] == ["FAILED"] * 3
    assert [r.args_kwargs["kwargs"].get("attempt", 1) for r in rows] == [1, 2, 3]
    assert "page 7 could not be read" in rows[-1].traceback
    page = admin_client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "3 of 3, gave up" in page
    assert "2 of 3, retried" in page
    assert "RuntimeError: page 7 could not be read" in page


def test_a_retry_waits_for_its_backoff(settings):
    settings.JOB_ATTEMPTS = 2
    settings.JOB_BACKOFF = 3600
    CALLS.clear()
    flaky.enqueue(1)
    call_command("worker", "--burst", verbosity=0)
    assert CALLS == [1]  # the second attempt is due in an hour: a burst leaves it queued
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.args_kwargs["kwargs"]["attempt"] == 2


def test_a_job_reports_its_progress(admin_client):
    result = works.enqueue(5)
    call_command("worker", "--burst", verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).return_value == 10
    page = admin_client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "5 of 5 pages" in page
