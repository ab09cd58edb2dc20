"""Roles and review, through real admin requests: who may publish, review, and where."""

from __future__ import annotations

import pytest

from chancery.audit.models import AuditEvent
from chancery.corpus import models as m
from chancery.versions.history import versions_of
from chancery.versions.models import ReviewComment, RevisionInfo

from .conftest import change_url, read_form

pytestmark = pytest.mark.django_db

ADD = "/admin/corpus/document/add/"
INLINES = ("membership_set", "translations", "transcripts", "scans")


def new_document(**fields) -> dict:
    data = {"public_id": "new/1", "title": "A new memorandum", "summary": "", "date": "1961",
            "source": "", "status": "draft", "public_note": "", "review_comment": ""}  # fmt: skip
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def test_a_contributor_writes_drafts_but_cannot_publish(login, record):
    client = login("cato", "contributor")
    refused = client.post(ADD, new_document(status="published"))
    assert refused.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in refused.content.decode()
    assert not m.Document.objects.filter(public_id="new/1").exists()
    assert client.post(ADD, new_document()).status_code == 302
    assert m.Document.objects.get(public_id="new/1").status == m.Document.DRAFT
    # nor submit for review, nor change a published record, nor use the publish action
    assert client.post(ADD, new_document(public_id="new/2", status="review")).status_code == 200
    assert client.post(change_url(record), {"title": "Vandalised"}).status_code == 403
    draft = m.Document.objects.get(public_id="new/1")
    client.post("/admin/corpus/document/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == m.Document.DRAFT


def test_an_editor_submits_and_a_reviewer_publishes_with_comments(login):
    editor = login("erin", "editor")
    assert editor.post(ADD, new_document(status="published")).status_code == 200
    assert editor.post(ADD, new_document(status="review",
                                         review_comment="Ready, please check the date")
                       ).status_code == 302  # fmt: skip
    doc = m.Document.objects.get(public_id="new/1")
    assert doc.status == m.Document.REVIEW

    reviewer = login("rhea", "reviewer")
    data = read_form(reviewer, change_url(doc))
    data.update(status=["published"], review_comment=["Checked against the original."])
    assert reviewer.post(change_url(doc), data).status_code == 302
    doc.refresh_from_db()
    assert doc.status == m.Document.PUBLISHED and doc.published_at
    assert [c.action for c in ReviewComment.objects.filter(document=doc)] == [
        "submitted",
        "published",
    ]
    page = reviewer.get(change_url(doc)).content.decode()
    assert "Ready, please check the date" in page and "Checked against the original." in page
    # publishing is a version, and in the audit log
    latest = versions_of(doc).last()
    assert latest.revision.info.event == "publish" and latest.revision.user.username == "rhea"
    assert AuditEvent.objects.filter(action="publish", username="rhea").exists()


def test_an_editors_change_to_a_published_record_waits_for_a_reviewer(login, record):
    editor = login("erin", "editor")
    data = read_form(editor, change_url(record))
    assert "status" not in data  # read-only for an editor on a published record
    data.update(date=["1958-03-04"], public_note=["date corrected"])
    assert editor.post(change_url(record), data).status_code == 302
    stamp = record.updated_at
    record.refresh_from_db()
    assert record.date == "1958-03-03"  # the public still sees the reviewed text
    assert record.updated_at == stamp  # and harvesters are told of no change
    pending = versions_of(record).last()
    assert pending.revision.info.state == RevisionInfo.PENDING
    # an editor cannot approve it
    approve = f"/admin/corpus/document/{record.pk}/history/{pending.pk}/revert/"
    assert editor.post(approve).status_code == 403

    reviewer = login("rhea", "reviewer")
    waiting = reviewer.get("/admin/corpus/document/", {"review": "waiting"}).content.decode()
    assert "Telegram from Moscow" in waiting
    page = reviewer.get(change_url(record)).content.decode()
    assert "A change awaits review" in page
    shown = reviewer.get(f"/admin/corpus/document/{record.pk}/history/{pending.pk}/")
    assert "<ins>1958-03-04</ins>" in shown.content.decode()
    assert "Publish this change" in shown.content.decode()
    assert reviewer.post(approve, {"public_note": "date corrected"}).status_code == 302
    record.refresh_from_db()
    assert record.date == "1958-03-04" and record.is_published
    pending.revision.info.refresh_from_db()
    assert pending.revision.info.state == RevisionInfo.APPROVED
    waiting = reviewer.get("/admin/corpus/document/", {"review": "waiting"}).content.decode()
    assert "Telegram from Moscow" not in waiting
    assert versions_of(record).last().revision.info.note == "date corrected"


def test_a_collection_limited_editor_cannot_touch_another_collection(login, record):
    other = m.Collection.objects.create(title="Decolonisation", slug="decolonisation")
    mine = m.Document.objects.create(public_id="dec/1", title="Accra", status="draft")
    m.Membership.objects.create(collection=other, document=mine)
    client = login("lena", "editor", "decolonisation")

    listing = client.get("/admin/corpus/document/").content.decode()
    assert "Accra" in listing and "Telegram from Moscow" not in listing
    assert client.get(change_url(record)).status_code == 302  # "doesn't exist", to the index
    response = client.post(change_url(record), {"title": "Changed"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "Telegram from Moscow"
    # nor delete it, nor revert it, nor read its history
    first = versions_of(record).first()
    client.post(f"/admin/corpus/document/{record.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/corpus/document/{record.pk}/history/{first.pk}/revert/")
    assert client.get(f"/admin/corpus/document/{record.pk}/history/").status_code != 200
    assert m.Document.objects.filter(pk=record.pk, title="Telegram from Moscow").exists()
    assert len(versions_of(record)) == 1
    # her own collection's record she can edit
    data = read_form(client, change_url(mine))
    data.update(title=["Accra, 1957"])
    assert client.post(change_url(mine), data).status_code == 302
    mine.refresh_from_db()
    assert mine.title == "Accra, 1957"
    # and she cannot move it into a collection outside her scope
    data = read_form(client, change_url(mine))
    data["membership_set-0-collection"] = [str(m.Collection.objects.get(slug="cold-war").pk)]
    assert client.post(change_url(mine), data).status_code == 403
    assert list(mine.membership_set.values_list("collection__slug", flat=True)) == [
        "decolonisation"
    ]


def test_a_collection_limited_editor_cannot_edit_another_collection_itself(login, record):
    other = m.Collection.objects.create(title="Decolonisation", slug="decolonisation")
    client = login("lena", "editor", "decolonisation")
    cold_war = m.Collection.objects.get(slug="cold-war")
    listing = client.get("/admin/corpus/collection/").content.decode()
    assert "Decolonisation" in listing and "Cold War" not in listing
    url = f"/admin/corpus/collection/{cold_war.pk}/change/"
    data = {"title": "Renamed", "slug": "cold-war", "position": "0", "short_description": "",
            "introduction": "", "public_note": ""}  # fmt: skip
    client.post(url, data)
    cold_war.refresh_from_db()
    assert cold_war.title == "Cold War"
    url = f"/admin/corpus/collection/{other.pk}/change/"
    assert client.post(url, {**data, "title": "Decolonisation, 1945-1975",
                             "slug": "decolonisation"}).status_code == 302  # fmt: skip
    other.refresh_from_db()
    assert other.title == "Decolonisation, 1945-1975"


def test_a_reviewer_returns_a_held_change_with_a_comment(login, record):
    editor = login("erin", "editor")
    data = read_form(editor, change_url(record))
    data.update(title=["Telegram from Moskva"])
    assert editor.post(change_url(record), data).status_code == 302
    held = versions_of(record).last()
    reject = f"/admin/corpus/document/{record.pk}/history/{held.pk}/reject/"
    assert editor.post(reject, {"comment": "self-approval"}).status_code == 403
    reviewer = login("rhea", "reviewer")
    assert reviewer.post(reject, {"comment": "Keep the source's spelling."}).status_code == 302
    held.revision.info.refresh_from_db()
    assert held.revision.info.state == RevisionInfo.REJECTED
    record.refresh_from_db()
    assert record.title == "Telegram from Moscow"
    page = reviewer.get(change_url(record)).content.decode()
    assert "Keep the source&#x27;s spelling." in page and "A change awaits review" not in page


def test_old_editors_become_reviewers_and_new_editors_stay_editors(make_user):
    """The upgrade (versions/0003): the old all-powerful Editors keep publishing."""
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    from chancery.versions import roles

    step = importlib.import_module("chancery.versions.migrations.0003_old_editors_become_reviewers")
    old = make_user("olga", "editor")  # in the Editors group since before the roles
    old.date_joined = timezone.now() - timedelta(days=3650)
    old.save()
    new = make_user("nina", "editor")  # made with --role editor after the roles
    from types import SimpleNamespace

    step.promote_old_editors(apps, SimpleNamespace(connection=connection))  # what it reads
    old.refresh_from_db()
    assert [g.name for g in old.groups.all()] == ["Reviewers"]
    assert roles.can_publish(type(old).objects.get(pk=old.pk))
    assert [g.name for g in new.groups.all()] == ["Editors"]
    assert not roles.can_publish(type(new).objects.get(pk=new.pk))
