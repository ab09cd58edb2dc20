"""Two `chancery worker --burst` processes on one PostgreSQL queue run a batch of jobs, and
no job runs twice (django-tasks-db claims each with SELECT … FOR UPDATE SKIP LOCKED).

PostgreSQL only: on SQLite the module is skipped (its in-memory test database cannot be
shared with other processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from chancery.jobs.retry import job

CHANCERY = Path(sys.executable).with_name("chancery")
ROOT = Path(__file__).resolve().parents[2]
JOBS = 30

pytestmark = pytest.mark.django_db(transaction=True)


@job()
def note_run(context, n: int, log: str) -> int:
    """Append ``n`` to ``log`` (one line per run), taking a moment as real work would."""
    time.sleep(0.2)
    with open(log, "a") as out:
        out.write(f"{n} {os.getpid()}\n")
    return n


def _database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


def test_two_workers_run_every_job_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes share a queue only on PostgreSQL (this is SQLite)")
    log = tmp_path / "runs.log"
    for n in range(JOBS):
        note_run.enqueue(n, str(log))
    env = os.environ | {
        "CHANCERY_DATABASE_URL": _database_url(),
        "CHANCERY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
    }
    workers = [
        subprocess.Popen(  # noqa: S603
            [str(CHANCERY), "worker", "--burst", "--verbosity", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, output
    runs = Counter(int(line.split()[0]) for line in log.read_text().splitlines())
    assert sorted(runs) == list(range(JOBS))
    assert set(runs.values()) == {1}, f"jobs run more than once: {runs}"
    rows = DBTaskResult.objects.all()
    assert {r.status for r in rows} == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in rows)
    pids = {line.split()[1] for line in log.read_text().splitlines()}
    assert len(pids) == 2, "both workers should have taken jobs from the batch"


@job()
def wait_for_gate(context, log: str, gate: str) -> str:
    """Note the start, wait until ``gate`` exists (a long job), note the end."""
    with open(log, "a") as out:
        out.write(f"start {os.getpid()}\n")
    for _ in range(600):
        if os.path.exists(gate):
            break
        time.sleep(0.1)
    with open(log, "a") as out:
        out.write(f"done {os.getpid()}\n")
    return "read"


def _wait_for(predicate, what: str, seconds: float = 120) -> None:
    for _ in range(int(seconds * 10)):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def test_a_job_whose_worker_was_killed_runs_again(tmp_path, admin_client):
    """SIGKILL a worker mid-job: another worker finds the job's lease expired, closes it as
    failed (the worker lost) and runs it again as the next attempt, which finishes."""
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes share a queue only on PostgreSQL (this is SQLite)")
    from django.urls import reverse

    log, gate = tmp_path / "runs.log", tmp_path / "gate"
    first = wait_for_gate.enqueue(str(log), str(gate))
    env = os.environ | {
        "CHANCERY_DATABASE_URL": _database_url(),
        "CHANCERY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
        "CHANCERY_JOB_LEASE": "2",  # a beat every half second
    }
    command = [str(CHANCERY), "worker", "--verbosity", "0"]
    doomed = subprocess.Popen(command, env=env)  # noqa: S603
    _wait_for(lambda: log.exists() and "start" in log.read_text(), "the first worker's start")
    doomed.kill()  # SIGKILL: no clean-up, the job's row stays "running"
    doomed.wait()
    assert DBTaskResult.objects.get(pk=first.id).status == "RUNNING"
    gate.touch()
    rescuer = subprocess.Popen(command, env=env)  # noqa: S603
    try:
        _wait_for(lambda: "done" in log.read_text(), "the job to run again and finish")
        _wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").exists(), "its result")
    finally:
        rescuer.terminate()
        rescuer.wait(timeout=60)
    runs = log.read_text().split()
    assert runs == ["start", str(doomed.pid), "start", str(rescuer.pid), "done", str(rescuer.pid)]
    lost = DBTaskResult.objects.get(pk=first.id)
    assert lost.status == "FAILED"
    assert f"process {doomed.pid} stopped reporting" in lost.traceback
    again = DBTaskResult.objects.exclude(pk=first.id).get()
    assert again.status == "SUCCESSFUL" and again.return_value == "read"
    assert again.args_kwargs["kwargs"]["attempt"] == 2
    page = admin_client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "1 of 3, retried" in page and "2 of 3" in page
