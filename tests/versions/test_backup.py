"""A JSONL backup carries versions, review comments and the audit log, and restores them."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from lxml import html
from reversion.models import Revision, Version

from chancery.audit.models import AuditEvent
from chancery.corpus import models as m
from chancery.versions.diff import compare
from chancery.versions.history import versions_of
from chancery.versions.models import ImportSource, ReviewComment

from .conftest import change_url, read_form

pytestmark = pytest.mark.django_db


def history_of(doc) -> list[tuple]:
    """What the History page lists: author, comment, public note, review state, import run."""
    rows = []
    for v in versions_of(doc):
        info = v.revision.info
        source = info.source and (info.source.name, info.source.file, info.source.sha256)
        rows.append((info.author, v.revision.comment, info.note, info.state, source,
                     v.revision.date_created, v.field_dict["date"]))  # fmt: skip
    return rows


def empty_everything() -> None:
    from tests.ingest.conftest import empty_archive

    empty_archive()
    for model in (Revision, ImportSource, ReviewComment, AuditEvent):
        model.objects.all().delete()


def restore(path) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "jsonl", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(err.getvalue()) from exc
    return out.getvalue()


def test_versions_review_comments_and_the_audit_log_round_trip(login, record, client, tmp_path):
    # an editor corrects the date of a published record: held for review, with a comment
    ed = login("ed", "editor")
    data = read_form(ed, change_url(record))
    data.update(date=["1958-03-04"], public_note=["date corrected"],
                review_comment=["The telegram is dated the 4th."])  # fmt: skip
    assert ed.post(change_url(record), data).status_code == 302
    # a reviewer publishes the held change
    rhea = login("rhea", "reviewer")
    held = versions_of(record).last()
    approve = f"/admin/corpus/document/{record.pk}/history/{held.pk}/revert/"
    assert rhea.post(approve, {"public_note": "date corrected"}).status_code == 302
    record.refresh_from_db()
    before = history_of(record)
    comments = list(ReviewComment.objects.values_list("author__username", "action", "text"))
    audit = list(AuditEvent.objects.values_list("action", "username", "target", "at"))
    assert len(before) >= 3 and comments and audit

    out = tmp_path / "backup.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    empty_everything()
    assert not m.Document.objects.exists()
    restore(out)

    doc = m.Document.objects.get(public_id=record.public_id)
    assert history_of(doc) == before  # nothing lost, and the restore adds no version of its own
    first, latest = versions_of(doc).first(), versions_of(doc).last()
    changes = {c.label: (c.old, c.new) for c in compare(first, latest).fields}
    assert changes["Date"] == ("1958-03-03", "1958-03-04")
    assert "The ambassador called at noon." in "".join(
        Version.objects.filter(revision=first.revision).values_list("serialized_data", flat=True)
    )
    assert list(ReviewComment.objects.values_list("author__username", "action", "text")) == comments
    restored_log = list(AuditEvent.objects.values_list("action", "username", "target", "at"))
    assert restored_log[: len(audit)] == audit  # the restore's own entries come after
    # a reader still finds the earlier version a citation carries, and the revision note
    page = html.fromstring(client.get(f"{doc.get_absolute_url()}v/1/").content)
    assert "The ambassador called at noon." in page.text_content()
    assert "date corrected" in client.get(doc.get_absolute_url()).content.decode()

    # the same backup again: every history line is unchanged, nothing doubles
    counts = (Revision.objects.count(), ReviewComment.objects.count())
    restore(out)
    assert (Revision.objects.count(), ReviewComment.objects.count()) == counts


def test_a_cut_history_line_refuses_the_whole_file(record, tmp_path):
    out = tmp_path / "backup.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    lines = out.read_text(encoding="utf-8").splitlines()
    altered = [line.replace('"type": "revision"', '"type": "auditevent"') for line in lines]
    (tmp_path / "bad.jsonl").write_text("\n".join(altered) + "\n", encoding="utf-8")
    empty_everything()
    with pytest.raises(AssertionError, match="incomplete or altered"):
        restore(tmp_path / "bad.jsonl")
    assert not m.Document.objects.exists() and not Revision.objects.exists()
