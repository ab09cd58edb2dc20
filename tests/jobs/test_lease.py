"""A job whose worker stopped reporting (killed mid-job) is closed as failed, naming the
lost worker, and run again as its next attempt; a live worker's job is left alone.
(The same with a real worker process killed by SIGKILL: tests/postgres/test_workers.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chancery.jobs import lease, retry
from chancery.jobs.models import WorkerBeat

RUNS: list[int] = []

pytestmark = pytest.mark.django_db


@retry.job()
def remembered(context, n: int) -> int:
    RUNS.append(n)
    return n


def _claimed_by(worker: str, result_id, minutes_ago: float) -> None:
    """The job as a worker left it: claimed and running, last heard of ``minutes_ago``."""
    row = DBTaskResult.objects.get(pk=result_id)
    row.claim(worker)
    when = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=when)
    WorkerBeat.objects.create(worker_id=worker, host="scanner-2", pid=4242, beat_at=when)


def test_a_lost_workers_job_runs_again_as_its_next_attempt(settings, admin_client):
    settings.JOB_LEASE = 60
    RUNS.clear()
    result = remembered.enqueue(3)
    _claimed_by("w-killed", result.id, minutes_ago=5)
    call_command("worker", "--burst", verbosity=0)
    assert RUNS == [3]
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == "FAILED"
    assert "worker w-killed on scanner-2, process 4242 stopped reporting" in lost.traceback
    again = DBTaskResult.objects.exclude(pk=result.id).get()
    assert again.status == "SUCCESSFUL" and again.return_value == 3
    assert again.args_kwargs["kwargs"]["attempt"] == 2
    assert not WorkerBeat.objects.filter(worker_id="w-killed").exists()
    page = admin_client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "1 of 3, retried" in page
    assert "WorkerLost: worker w-killed" in page


def test_a_job_of_a_worker_still_reporting_is_left_running(settings):
    settings.JOB_LEASE = 600
    RUNS.clear()
    result = remembered.enqueue(4)
    _claimed_by("w-busy", result.id, minutes_ago=1)
    assert lease.requeue_lost() == 0
    call_command("worker", "--burst", verbosity=0)
    assert RUNS == []
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_a_lost_job_on_its_last_attempt_stays_failed(settings):
    settings.JOB_LEASE = 60
    settings.JOB_ATTEMPTS = 2
    RUNS.clear()
    result = remembered.using().enqueue(5, attempt=2)
    _claimed_by("w-gone", result.id, minutes_ago=5)
    assert lease.requeue_lost() == 1
    assert [r.status for r in DBTaskResult.objects.all()] == ["FAILED"]


def test_a_worker_reports_while_it_runs_and_leaves_no_trace(settings):
    RUNS.clear()
    remembered.enqueue(6)
    call_command("worker", "--burst", verbosity=0)
    assert RUNS == [6]
    assert not WorkerBeat.objects.exists()  # a worker that stops cleanly removes its row
