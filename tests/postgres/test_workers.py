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
