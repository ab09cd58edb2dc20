"""Spreadsheet import: the template, idempotence, corrections, and refusing bad rows."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from chancery.corpus import models
from chancery.ingest.csvfile import COLUMNS

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(err.getvalue()) from exc
    return out.getvalue()


def sheet(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


ROWS = [
    {"public_id": "acme/1", "title": "Telegram from Moscow", "date": "1958-09-27",
     "languages": "rus", "subjects": "Nuclear weapons|Diplomacy", "places": "Moscow",
     "people": "Khrushchev, Nikita|Gromyko, Andrei", "collections": "Cold War > 1958",
     "transcript": "Первый абзац.\n\nВторой абзац.", "transcript_language": "rus",
     "translation": "<p>First paragraph.</p>", "type": "Telegram"},
    {"public_id": "acme/2", "title": "Reply", "date": "c. 1958", "attached_to": "acme/1",
     "related": "acme/1", "people": "Khrushchev, Nikita", "status": "draft"},
]  # fmt: skip


def test_template_has_every_column_and_an_example(tmp_path):
    target = tmp_path / "template.csv"
    call_command("import", "csv", str(target), "--template", stdout=io.StringIO())
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["public_id"] and rows[0]["title"]
    assert "imported" not in target.read_text()
    # the template itself imports
    assert "1 created" in run("csv", str(target))


def test_import_is_idempotent_and_a_corrected_file_updates(write_file):
    path = write_file("docs.csv", sheet(ROWS))
    assert "2 created, 0 updated, 0 unchanged" in run("csv", str(path))
    first = models.Document.objects.get(public_id="acme/1")
    assert first.date_display == "September 27, 1958"
    assert set(first.people.values_list("name", flat=True)) == {
        "Khrushchev, Nikita",
        "Gromyko, Andrei",
    }
    assert first.collections.get().title == "1958"
    assert first.collections.get().parent.title == "Cold War"
    assert first.transcripts.get().html == "<p>Первый абзац.</p><p>Второй абзац.</p>"
    assert first.translations.get().language_id == "eng"
    second = models.Document.objects.get(public_id="acme/2")
    assert second.attached_to == first and second.status == "draft" and second.date_approximate
    assert list(second.related.all()) == [first]
    counts = (
        models.Document.objects.count(),
        models.Agent.objects.count(),
        models.Collection.objects.count(),
    )

    assert "0 created, 0 updated, 2 unchanged" in run("csv", str(path))
    assert (
        models.Document.objects.count(),
        models.Agent.objects.count(),
        models.Collection.objects.count(),
    ) == counts

    corrected = [dict(ROWS[0], title="Telegram from Moscow (corrected)"), ROWS[1]]
    path = write_file("docs.csv", sheet(corrected))
    assert "0 created, 1 updated, 1 unchanged" in run("csv", str(path))
    assert models.Document.objects.get(public_id="acme/1").title.endswith("(corrected)")


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"date": "1958-13-45"}, "column 'date'"),
        ({"languages": "xx9"}, "unknown language code 'xx9'"),
        ({"title": ""}, "column 'title' is empty"),
    ],
)
def test_a_bad_row_fails_the_file_by_line_and_writes_nothing(write_file, bad, reason):
    rows = [ROWS[0], dict(ROWS[1], **bad)]
    path = write_file("bad.csv", sheet(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("import", "csv", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    # the first row's transcript spans three lines: the second row starts on line 5
    assert "bad.csv:5 (row 2):" in err.getvalue() and reason in err.getvalue()
    assert models.Document.objects.count() == 0 and models.Agent.objects.count() == 0


def test_unknown_columns_are_refused(write_file):
    path = write_file("odd.csv", "public_id,title,colour\nx/1,X,red\n")
    with pytest.raises(AssertionError, match="unknown columns"):
        run("csv", str(path))
    assert not models.Document.objects.exists()


def test_dry_run_reports_without_writing(write_file):
    path = write_file("docs.csv", sheet(ROWS))
    assert "Dry run, nothing written: 2 created" in run("csv", str(path), "--dry-run")
    assert not models.Document.objects.exists()


def test_export_csv_round_trips_through_import(write_file, tmp_path):
    run("csv", str(write_file("docs.csv", sheet(ROWS))))
    out = tmp_path / "out.csv"
    call_command("export", "csv", str(out), stdout=io.StringIO())
    assert "0 created, 0 updated, 2 unchanged" in run("csv", str(out))
