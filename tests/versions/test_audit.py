"""The audit log: logins, failed logins, publications, deletions, exports; admins only."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client

from chancery import audit
from chancery.audit.models import AuditEvent
from chancery.corpus import models as m

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_logins_and_failed_logins_are_logged(make_user):
    make_user("rhea", "reviewer")
    client = Client()
    client.post("/admin/login/", {"username": "rhea", "password": "wrong"})
    client.post("/admin/login/", {"username": "rhea", "password": "archives are forever 1958"})
    assert actions() == ["login failed", "login"]
    failed, ok = AuditEvent.objects.order_by("id")
    assert "rhea" in failed.detail and ok.username == "rhea" and ok.ip == "127.0.0.1"


def test_deletions_publications_exports_and_other_apps_entries(login, record, tmp_path):
    admin = login("ada", "administrator")
    draft = m.Document.objects.create(public_id="x/1", title="To publish", status="draft")
    admin.post("/admin/corpus/document/", {"action": "publish", "_selected_action": [draft.pk]})
    admin.post(f"/admin/corpus/document/{record.pk}/delete/", {"post": "yes"})
    assert not m.Document.objects.filter(pk=record.pk).exists()
    call_command("export", "jsonl", str(tmp_path / "a.jsonl"), stdout=io.StringIO())
    audit.record("merge", target=m.Agent.objects.create(name="Gromyko"), detail="merged #9")
    assert actions() == ["login", "publish", "delete", "export", "merge"]
    deleted = AuditEvent.objects.get(action="delete")
    assert deleted.username == "ada" and "Telegram from Moscow" in deleted.target


def test_only_administrators_read_and_export_the_log(login, make_user):
    audit.record("merge", detail='=HYPERLINK("http://evil")')
    for role in ("contributor", "editor", "reviewer"):
        client = login(f"someone-{role}", role)
        assert client.get("/admin/audit/auditevent/").status_code == 403
        assert client.get("/admin/audit/auditevent/export.csv").status_code == 403
    admin = login("ada", "administrator")
    page = admin.get("/admin/audit/auditevent/")
    assert page.status_code == 200 and "Export as CSV" in page.content.decode()
    response = admin.get("/admin/audit/auditevent/export.csv", {"action__exact": "merge"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["at", "action", "username"]
    assert [r[1] for r in rows[1:]] == ["merge"]  # the list's filter applies
    assert rows[1][6].startswith("'=")  # a formula is text to a spreadsheet
    assert AuditEvent.objects.filter(action="export", target="audit log").exists()
    # nobody can edit or delete an entry
    entry = AuditEvent.objects.first()
    assert (
        admin.post(f"/admin/audit/auditevent/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
