"""Backups that cannot lie: a cut, altered or dangerous export is refused whole, an export
that cannot be faithful fails without leaving a file, and a restore brings back everything
editorial, OAI tombstones included."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from sickle import Sickle

from chancery.corpus import models
from chancery.ingest import jsonl
from chancery.oai.models import Tombstone
from tests.factories import CollectionFactory, DocumentFactory
from tests.iiif.scans import pdf_bytes
from tests.ingest.conftest import empty_archive, write_export
from tests.oai.conftest import identifier

DOCUMENTS = 40
SCAN_PDF = pdf_bytes(1)  # a real PDF: uploads are judged by content (corpus/uploads.py)


def build_archive() -> None:
    """Published documents, drafts, a withdrawn one (a tombstone), a scan, a featured
    collection: every editorial state a restore must bring back."""
    volume = CollectionFactory(title="Volume", featured=True, introduction="<p>Intro</p>")
    for n in range(DOCUMENTS):
        status = models.Document.DRAFT if n % 10 == 3 else models.Document.PUBLISHED
        DocumentFactory(
            public_id=f"vol/d{n}", collections=[volume], text=f"<p>Text {n}</p>", status=status
        )
    scanned = models.Document.objects.get(public_id="vol/d1")
    models.Scan.objects.create(document=scanned, file=ContentFile(SCAN_PDF, name="s.pdf"))
    unpublished = models.Document.objects.get(public_id="vol/d2")  # published once, now a draft
    unpublished.status = models.Document.DRAFT
    unpublished.save()
    models.Document.objects.get(public_id="vol/d5").delete()  # published, then deleted


def wipe() -> None:
    empty_archive()
    Tombstone.objects.all().delete()


def export(path: Path) -> Path:
    call_command("export", "jsonl", str(path), stdout=io.StringIO())
    return path


def restore(path: Path) -> str:
    """Import ``path``; the command's output, or CommandError with its errors appended."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "jsonl", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError as error:
        raise CommandError(f"{error}\n{err.getvalue()}") from None
    return out.getvalue()


def snapshot() -> list[dict]:
    """The records (the history lines are tests/versions/test_backup.py's: a restore of an
    archive without versions adds the restore's own, and an export is in the audit log)."""
    return [r for r in jsonl.export_records() if r["type"] not in jsonl.history.KINDS]


def reseal(path: Path, change) -> None:
    """Apply ``change`` to every record and write a file whose counts and checksum match:
    what a careful forger (or a hand edit) produces, so only the other checks can object."""
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    write_export(path, [lines[0], *(change(r) for r in lines[1:-1])])


@pytest.mark.django_db
def test_a_backup_cut_at_60_percent_is_refused_and_nothing_is_written(tmp_path):
    build_archive()
    data = export(tmp_path / "backup.jsonl").read_bytes()
    wipe()
    for cut_at in (
        data[: int(len(data) * 0.6)],
        data[: data.rindex(b"\n", 0, int(len(data) * 0.6)) + 1],
    ):
        (tmp_path / "cut.jsonl").write_bytes(cut_at)  # mid-line, then on a line boundary
        with pytest.raises(CommandError, match="1 failed") as refused:
            restore(tmp_path / "cut.jsonl")
        message = str(refused.value)
        assert "incomplete or altered, nothing was imported" in message
        assert f"{DOCUMENTS - 1} document lines announced" in message  # 40 made, 1 deleted
        assert not models.Document.objects.exists() and not models.Collection.objects.exists()


@pytest.mark.django_db
def test_a_backup_missing_only_its_end_line_is_refused(tmp_path):
    build_archive()
    path = export(tmp_path / "backup.jsonl")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))
    wipe()
    with pytest.raises(CommandError, match="no end line"):
        restore(path)
    assert not models.Document.objects.exists()


@pytest.mark.django_db
def test_an_altered_record_fails_the_checksum(tmp_path):
    build_archive()
    path = export(tmp_path / "backup.jsonl")
    text = path.read_text(encoding="utf-8").replace("Text 7", "Text 8", 1)
    path.write_text(text, encoding="utf-8")
    wipe()
    with pytest.raises(CommandError, match="checksum mismatch"):
        restore(path)
    assert not models.Document.objects.exists()


@pytest.mark.django_db
def test_an_older_export_without_end_line_is_accepted_only_when_its_counts_match(tmp_path):
    build_archive()
    path = export(tmp_path / "backup.jsonl")
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    header = {**lines[0], "version": 1}
    header["counts"] = {
        k: v for k, v in header["counts"].items() if k not in ("tombstone", "sourcekey")
    }
    records = [r for r in lines[1:-1] if r["type"] != "tombstone"]
    old = [jsonl._encode(header), *(jsonl._encode(r) for r in records)]
    path.write_bytes(b"".join(old))
    wipe()
    output = restore(path)
    assert "an export without an end line or checksum (version 1)" in output
    assert models.Document.objects.count() == DOCUMENTS - 1

    wipe()
    path.write_bytes(b"".join(old[: len(old) // 2]))
    with pytest.raises(CommandError, match=f"{DOCUMENTS - 1} document lines announced"):
        restore(path)
    assert not models.Document.objects.exists()


@pytest.mark.django_db
def test_a_version_2_backup_is_restored_and_a_newer_one_refused_saying_why(tmp_path):
    """Version 3 added the history, the review lists and a collection's old slugs, version
    4 the relations; a file of version 2 (without them) restores, one from a newer Chancery
    is refused whole. (An older Chancery, which reads 1 and 2, refuses version 3 as "export
    version 3 not supported": it cannot restore what it does not know.)"""
    build_archive()
    before = snapshot()
    path = export(tmp_path / "backup.jsonl")
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["version"] == jsonl.VERSION == 5
    added_in_3 = {*jsonl.history.KINDS, "review", "relation"}  # relation: in 4
    header = {**lines[0], "version": 2}
    header["counts"] = {k: v for k, v in header["counts"].items() if k not in added_in_3}
    records = [
        {k: v for k, v in r.items() if k != "old_slugs"}
        for r in lines[1:-1]
        if r["type"] not in added_in_3
    ]
    write_export(path, [header, *records])
    wipe()
    restore(path)
    assert [{k: v for k, v in r.items() if k != "old_slugs"} for r in snapshot()] == [
        {k: v for k, v in r.items() if k != "old_slugs"} for r in before
    ]

    write_export(path, [{**lines[0], "version": 6}, *lines[1:-1]])
    wipe()
    with pytest.raises(CommandError) as refused:
        restore(path)
    assert (
        "backup.jsonl:1: export version 6 not supported: this Chancery reads versions 1 to 5; "
        "a newer Chancery wrote the file: upgrade to import it"
    ) in str(refused.value)
    assert not models.Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_name",
    ["../../outside.pdf", "/etc/passwd", "scans/../../outside.pdf", "scans//x.pdf", "link/x.pdf"],
)
def test_a_stored_file_path_outside_the_media_folder_is_refused_on_import(
    tmp_path, settings, bad_name
):
    build_archive()
    path = export(tmp_path / "backup.jsonl")
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    if not (media / "link").exists():
        os.symlink(tmp_path, media / "link")  # a symbolic link leading out of the media folder

    def point_outside(record):
        for scan in record.get("scans", []):
            scan["file"] = {"name": bad_name, "data": None}
        return record

    reseal(path, point_outside)
    wipe()
    with pytest.raises(CommandError, match="1 failed") as refused:
        restore(path)
    assert f"document 'vol/d1', scans[1].file: stored file path {bad_name!r}" in str(refused.value)
    assert not models.Document.objects.exists() and not models.Scan.objects.exists()


@pytest.mark.django_db
def test_an_export_that_meets_a_bad_stored_path_fails_leaving_no_file(tmp_path):
    build_archive()
    backups = tmp_path / "backups"
    backups.mkdir()
    previous = export(backups / "backup.jsonl").read_bytes()
    models.Scan.objects.update(file="../../../etc/passwd")  # as an older import let in
    with pytest.raises(CommandError) as failed:
        call_command("export", "jsonl", str(backups / "new.jsonl"), stdout=io.StringIO())
    message = str(failed.value)
    assert "nothing written" in message and "document 'vol/d1'" in message
    assert "'../../../etc/passwd' is not a normalised relative path" in message
    with pytest.raises(CommandError, match="nothing written"):  # over an older backup too
        call_command("export", "jsonl", str(backups / "backup.jsonl"), stdout=io.StringIO())
    assert (backups / "backup.jsonl").read_bytes() == previous  # the old backup is intact
    assert [p.name for p in backups.iterdir()] == ["backup.jsonl"]  # no partial or scratch file


@pytest.mark.django_db
def test_every_editorial_state_survives_a_restore(tmp_path):
    build_archive()
    before = snapshot()
    states = dict(models.Document.objects.values_list("public_id", "status"))
    published_at = dict(models.Document.objects.values_list("public_id", "published_at"))
    tombstones = list(Tombstone.objects.values_list("identifier", "datestamp", "sets"))
    assert {t[0] for t in tombstones} == {"vol/d2", "vol/d5"}
    path = export(tmp_path / "backup.jsonl")
    wipe()
    restore(path)
    assert snapshot() == before
    assert dict(models.Document.objects.values_list("public_id", "status")) == states
    assert dict(models.Document.objects.values_list("public_id", "published_at")) == published_at
    assert list(Tombstone.objects.values_list("identifier", "datestamp", "sets")) == tombstones
    assert models.Document.objects.get(public_id="vol/d1").scans.get().file.read() == SCAN_PDF
    assert models.Collection.objects.get(title="Volume").featured


@pytest.mark.django_db(transaction=True)
def test_a_deleted_document_is_still_deleted_for_harvesters_after_a_restore(tmp_path, live_server):
    build_archive()
    deleted_at = Tombstone.objects.get(identifier="vol/d5").datestamp
    path = export(tmp_path / "backup.jsonl")
    wipe()
    assert not Tombstone.objects.exists()
    restore(path)

    sickle = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=60)
    assert sickle.Identify().deletedRecord == "persistent"
    record = sickle.GetRecord(identifier=identifier("vol/d5"), metadataPrefix="oai_dc")
    assert record.header.deleted
    assert record.header.datestamp == deleted_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    withdrawn = sickle.GetRecord(identifier=identifier("vol/d2"), metadataPrefix="oai_dc")
    assert withdrawn.header.deleted


@pytest.mark.django_db
def test_an_export_interrupted_by_the_disk_leaves_no_file(tmp_path, monkeypatch):
    build_archive()
    backups = tmp_path / "backups"
    backups.mkdir()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonl.shutil, "copyfileobj", full_disk)  # half-way through writing
    with pytest.raises(CommandError, match="nothing written.*No space left"):
        call_command("export", "jsonl", str(backups / "backup.jsonl"), stdout=io.StringIO())
    assert list(backups.iterdir()) == []
