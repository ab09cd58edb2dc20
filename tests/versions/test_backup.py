"""A JSONL backup carries versions, review comments and the audit log, and restores them."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
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


def revision_lines(path) -> list[dict]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line.get("type") == "revision"]


def test_many_revisions_over_several_batches_come_back_line_for_line(record, tmp_path, monkeypatch):
    from chancery.ingest import jsonl, run
    from chancery.versions.history import version_documents

    ed = get_user_model().objects.create_user("ed")
    run_file = ImportSource.objects.create(name="r", file="r.csv", sha256="0" * 64, format="csv")
    for n in range(40):  # forty edits of the record: by an editor, or by an import
        m.Document.objects.filter(pk=record.pk).update(title=f"Telegram, draft {n}")
        version_documents([record.pk], None if n % 2 else run_file, user=ed if n % 2 else None,
                          comment=f"Draft {n}", note=f"note {n}" if n % 5 else "")  # fmt: skip
    out = tmp_path / "backup.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    exported = revision_lines(out)
    assert len(exported) == 41 and all(line["versions"] for line in exported)
    # runs of 7 revision lines, a staged batch every 2 steps: many runs, many batches
    monkeypatch.setitem(jsonl.IN_RUNS, "revision", 7)
    monkeypatch.setattr(run, "STAGED_ITEMS", 2)
    empty_everything()
    restore(out)

    again = tmp_path / "again.jsonl"
    call_command("export", "jsonl", str(again), stdout=io.StringIO())
    restored = revision_lines(again)  # the import's own revisions (the collection's) follow
    assert restored[: len(exported)] == exported  # same ids, dates, authors, notes, versions
    assert all(line["comment"].startswith("Imported from") for line in restored[len(exported) :])
    doc = m.Document.objects.get(public_id=record.public_id)
    assert [v.revision.comment for v in versions_of(doc)][-1] == "Draft 39"

    # some of them lost, the backup restored over the archive: those come back as they were
    # (the run interleaves lines written in bulk and lines already there)
    Revision.objects.filter(pk__in=[line["id"] for line in exported[1::3]]).delete()
    restore(out)
    call_command("export", "jsonl", str(again), stdout=io.StringIO())
    assert revision_lines(again)[: len(exported)] == exported
