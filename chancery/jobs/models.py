"""How far a running job has got (pages read of a scan): one row per job that reports it."""

from __future__ import annotations

from django.db import models
from django_tasks_db.models import DBTaskResult


class JobProgress(models.Model):
    result = models.OneToOneField(
        DBTaskResult, on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    #: What the numbers count ("pages").
    unit = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "job progress"

    def __str__(self) -> str:
        return f"{self.done} of {self.total} {self.unit}".strip()


class Job(DBTaskResult):
    """The queue as the admin shows it (a proxy of django-tasks-db's result row)."""

    class Meta:
        proxy = True
        verbose_name = "job"
        verbose_name_plural = "jobs"


class WorkerBeat(models.Model):
    """A running ``chancery worker``: when it last reported (jobs/lease.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = "worker"

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.host}, process {self.pid})"
