"""Editors and reviewers see the job queue in the admin (is a scan read yet, did it fail?);
contributors do not, and nobody but the worker changes a job."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from chancery.jobs import retry

from ..ocr.test_correction import user_client

pytestmark = pytest.mark.django_db


@retry.job()
def counted(context, n: int) -> int:
    retry.report_progress(context, n, n, "pages")
    return n


def test_the_groups_made_by_migrations_see_the_jobs():
    """An archive upgraded in place: its Editors group gets the queue by migration."""
    for name in ("Editors", "Reviewers", "Administrators"):
        perms = set(
            Group.objects.get(name=name).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        assert ("jobs", "view_job") in perms, name
        assert ("ocr", "change_machinetext") in perms, name
    contributors = Group.objects.get(name="Contributors").permissions
    assert not contributors.filter(content_type__app_label="jobs").exists()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_an_editor_sees_the_jobs_list_and_a_job(role, monkeypatch):
    result = counted.enqueue(4)
    call_command("worker", "--burst", verbosity=0)
    client = user_client("edna", role, monkeypatch)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:jobs_job_changelist") in index
    page = client.get(reverse("admin:jobs_job_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "counted" in text and "4 of 4 pages" in text
    detail = client.get(reverse("admin:jobs_job_change", args=[result.id]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # read-only: nobody but a worker changes it


def test_a_contributor_does_not_see_the_jobs(monkeypatch):
    client = user_client("cora", "contributor", monkeypatch)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:jobs_job_changelist") not in index
    assert client.get(reverse("admin:jobs_job_changelist")).status_code == 403
