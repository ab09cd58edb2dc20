"""The queue in the admin: every job with its state, attempt, progress and error."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from . import retry
from .models import Job

admin.site.unregister(DBTaskResult)


@admin.register(Job)
class JobAdmin(DBTaskResultAdmin):
    list_display = (
        "task_name",
        "subject",
        "status",
        "attempt",
        "progress_shown",
        "error",
        "enqueued_at",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "queue_name")
    search_fields = ("task_path", "exception_class_path")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("progress")

    @admin.display(description="for")
    def subject(self, obj: DBTaskResult) -> str:
        args = obj.args_kwargs.get("args") or []
        return ", ".join(str(a) for a in args)

    @admin.display(description="attempt")
    def attempt(self, obj: DBTaskResult) -> str:
        n = int((obj.args_kwargs.get("kwargs") or {}).get("attempt", 1))
        text = f"{n} of {retry.attempts()}"
        if obj.status == "FAILED":
            text += ", retried" if n < retry.attempts() else ", gave up"
        return text

    @admin.display(description="progress")
    def progress_shown(self, obj: DBTaskResult) -> str:
        progress = getattr(obj, "progress", None)
        return str(progress) if progress else ""

    @admin.display(description="error")
    def error(self, obj: DBTaskResult) -> str:
        if obj.status != "FAILED":
            return ""
        last = obj.traceback.strip().splitlines()[-1:] or [obj.exception_class_path]
        return last[0][:200]
