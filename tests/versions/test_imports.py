"""Imports version every editorial record they create or change, attributed to the run."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Version

from chancery.corpus import models as m
from chancery.versions.history import versions_of

pytestmark = pytest.mark.django_db


def run(*args: str) -> None:
    call_command("import", *args, "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())


def stored(version) -> str:
    """Everything a version's revision holds (the record and its children), as stored."""
    rows = Version.objects.filter(revision=version.revision)
    return "".join(rows.values_list("serialized_data", flat=True))


@pytest.fixture
def spreadsheet(tmp_path):
    from tests.ingest.test_csv import ROWS, sheet

    path = tmp_path / "acme.csv"
    path.write_text(sheet(ROWS), encoding="utf-8")
    return path


def test_an_import_versions_the_collections_and_authorities_it_makes(spreadsheet):
    run("csv", str(spreadsheet), "--as", "nightly")
    checksum = hashlib.sha256(spreadsheet.read_bytes()).hexdigest()
    records = [
        m.Collection.objects.get(title="Cold War"),
        m.Collection.objects.get(title="1958"),
        m.Agent.objects.get(name__startswith="Khrushchev"),
        m.Place.objects.get(name="Moscow"),
        m.Subject.objects.get(name="Nuclear weapons"),
        m.DocumentType.objects.get(name="Telegram"),
    ]
    for record in records:
        (version,) = versions_of(record)
        source = version.revision.info.source
        assert (source.name, source.file, source.sha256) == ("nightly", "acme.csv", checksum)
        assert version.revision.comment == "Imported from acme.csv by nightly"
    # one import run for the whole file: documents and records share it
    doc = m.Document.objects.get(public_id="acme/1")
    assert versions_of(doc).get().revision.info.source == source
    # the person's version holds the variant names the import gave them
    moscow = m.Place.objects.get(name="Moscow")
    variants = list(moscow.variants.values_list("name", flat=True))
    for name in variants:
        assert name in stored(versions_of(moscow).get())

    # the same file again changes nothing: no new version of anything
    before = Version.objects.count()
    run("csv", str(spreadsheet), "--as", "nightly")
    assert Version.objects.count() == before


def test_a_dry_run_or_a_failed_import_leaves_no_version(spreadsheet, tmp_path):
    run("csv", str(spreadsheet), "--as", "nightly", "--dry-run")
    assert not Version.objects.exists() and not m.Agent.objects.exists()
    from tests.ingest.test_csv import ROWS, sheet

    bad = tmp_path / "bad.csv"
    bad.write_text(sheet([ROWS[0], {**ROWS[1], "date": "the thirty-first of never"}]))
    with pytest.raises(CommandError):
        run("csv", str(bad), "--as", "nightly")
    assert not Version.objects.exists() and not m.Collection.objects.exists()


def test_an_ead_import_versions_its_collections(demo, tmp_path):
    from tests.ingest.conftest import empty_archive

    out = tmp_path / "sino.xml"
    call_command("export", "ead", "sino-soviet-relations", str(out), stdout=io.StringIO())
    empty_archive()
    run("ead", str(out), "--as", "finding-aids")
    colls = list(m.Collection.objects.all())
    assert colls
    for coll in colls:
        (version,) = versions_of(coll)
        assert version.revision.info.source.file == "sino.xml"
        assert version.field_dict["title"] == coll.title

    # a corrected finding aid: a second version of the collection, with its diff
    from chancery.versions.diff import compare

    out.write_text(out.read_text().replace("Sino-Soviet Relations<", "Sino-Soviet relations<"))
    run("ead", str(out), "--as", "fix-run")
    top = m.Collection.objects.get(parent=None)
    first, second = versions_of(top)
    assert second.revision.info.source.name == "fix-run"
    changes = {c.label: (c.old, c.new) for c in compare(first, second).fields}
    assert changes["Title"] == ("Sino-Soviet Relations", "Sino-Soviet relations")


def test_a_jsonl_restore_versions_the_records_it_writes(demo, tmp_path):
    from chancery.ingest.jsonl import export_jsonl
    from tests.ingest.conftest import empty_archive

    out = tmp_path / "backup.jsonl"
    export_jsonl(out)
    empty_archive()
    Version.objects.all().delete()
    run("jsonl", str(out), "--as", "restore")
    person = m.Agent.objects.filter(variants__isnull=False).first()
    assert person is not None
    (version,) = versions_of(person)
    assert version.revision.info.source.name == "restore"
    for name in person.variants.values_list("name", flat=True):
        assert name in stored(version)
    for coll in m.Collection.objects.all():
        assert versions_of(coll).count() == 1
