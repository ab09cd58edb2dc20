"""People, places and collections come back from a JSONL restore in runs, in bulk
(chancery/ingest/jsonl_records.py), exactly as the row-by-row restore brings them back:
the same ids, slugs, sort keys, variants and their scripts, offices, old addresses,
parents and paths in the tree, and the same import versions; a line that is not plain goes
row by row in its place, and a bad line is reported by its number and leaves the archive
as it was."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision, Version

from chancery.corpus import models
from chancery.ingest import jsonl
from chancery.oai.models import Tombstone
from chancery.versions.models import ImportSource

from .conftest import empty_archive, write_export

pytestmark = pytest.mark.django_db
KINDS = ("agent", "place", "collection")


def many_records(count: int) -> None:
    """``count`` people, places and collections, more than a run of each: variants in
    another script, offices, old addresses, places and collections nested three deep."""
    volume = models.Collection.objects.create(title="A Volume", identifier="vol1",
                                              publisher="GPO", pub_year="1901")  # fmt: skip
    chapter, town = volume, None
    for n in range(count):
        agent = models.Agent.objects.create(
            name=f"Rockhill {n}, William", dates="1854–1914", wikidata=f"Q{n + 1}",
            kind=models.Agent.ORGANISATION if n % 4 == 0 else models.Agent.PERSON,
        )  # fmt: skip
        if n % 2:
            models.AgentVariant.objects.create(agent=agent, name=f"Рокхилл {n}", note="Cyrillic")
        if n % 3 == 0:
            agent.offices.create(title=f"Minister to China {n}", dates="1905", position=n)
        if n % 5 == 0:
            models.AgentRedirect.objects.create(old_slug=f"merged-rockhill-{n}", agent=agent)
        place = models.Place.objects.create(name=f"Tientsin {n}", latitude="39.1",
                                            parent=town if n % 3 else None)  # fmt: skip
        models.PlaceVariant.objects.create(place=place, name=f"天津 {n}")
        town = place
        if n % 4 == 0:
            chapter = volume
        chapter = models.Collection.objects.create(
            title=f"Chapter {n}", parent=chapter, position=n, introduction=f"<p>About {n}</p>"
        )
        if n % 6 == 0:
            chapter.slug = f"chapter-{n}-renamed"
            chapter.save()  # its old slug redirects


def exported(tmp_path, count: int) -> list[dict]:
    many_records(count)
    out = tmp_path / "built.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def not_all_plain(lines: list[dict]) -> list[dict]:
    """The same file with lines the bulk path must leave to row by row: a person without
    an id, one named twice (the second line changes it), a variant whose id another has, a
    place and a collection before their parents, a collection whose slug was another's."""
    agents = [x for x in lines if x["type"] == "agent"]
    del agents[4]["id"]
    twice = {**agents[7], "description": "Named twice: the later line wins"}
    lines.insert(lines.index(agents[9]) + 1, twice)
    with_variant = [a for a in agents if a["variants"]]
    with_variant[3]["variants"][0]["id"] = with_variant[1]["variants"][0]["id"]
    for kind in ("place", "collection"):
        rows = [x for x in lines if x["type"] == kind]
        child = next(x for x in rows[5:] if x["parent"])
        lines.remove(child)
        lines.insert(lines.index(next(x for x in rows if x["slug"] == child["parent"])), child)
    collections = [x for x in lines if x["type"] == "collection"]
    renamed = next(x for x in collections if x["old_slugs"])
    collections[-1]["slug"] = renamed["old_slugs"][0]["slug"]  # the live slug wins
    return lines


def restore(path, monkeypatch, in_bulk: bool, run: int = 3, kinds=KINDS) -> str:
    """Restore ``path`` into an empty archive, the lines of ``kinds`` (people, places and
    collections) in runs of ``run`` or row by row; the command's output."""
    empty_archive()
    Tombstone.objects.all().delete()  # an empty archive: the restore is staged
    auto_ids_from(100_000)  # both ways hand out the same ids to the lines without one
    with monkeypatch.context() as patch:
        for kind in kinds:
            if in_bulk:
                patch.setitem(jsonl.IN_RUNS, kind, run)
            else:
                patch.delitem(jsonl.IN_RUNS, kind)
        out = io.StringIO()
        call_command("import", "jsonl", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def auto_ids_from(first: int, tables: tuple[str, ...] = ()) -> None:
    """The ids the database hands out next start at ``first``, above the file's (SQLite
    or PostgreSQL), in every table or in ``tables``."""
    with connection.cursor() as cursor:
        for sequence in connection.introspection.sequence_list():
            table, column = sequence["table"], sequence["column"] or "id"
            if tables and table not in tables:
                continue
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                               [table, column, first])  # fmt: skip
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                               [table, first - 1])  # fmt: skip


def archive() -> tuple[list[dict], list[tuple]]:
    """Every record line an export writes, and every version the import made (model,
    record id, stored fields): what the two ways of restoring must both give."""
    skip = {"chancery-export", *jsonl.history.KINDS}
    records = [line for line in jsonl.export_lines() if line["type"] not in skip]
    source = ImportSource.objects.filter(file="archive.jsonl").order_by("pk").last()
    versions = Version.objects.filter(revision__info__source=source)  # the last restore's
    made = versions.values_list("content_type__model", "object_id", "serialized_data")
    return records, sorted(made)


def test_runs_in_bulk_give_the_archive_the_row_by_row_restore_gives(tmp_path, monkeypatch):
    lines = exported(tmp_path, 30)
    original, _ = archive()
    path = tmp_path / "archive.jsonl"
    write_export(path, lines)
    assert "0 failed" in restore(path, monkeypatch, in_bulk=True)
    assert archive()[0] == original  # exact: ids, slugs, sort keys, paths, datestamps

    write_export(path, not_all_plain(lines))
    row_by_row = restore(path, monkeypatch, in_bulk=False)
    expected = archive()
    in_bulk = restore(path, monkeypatch, in_bulk=True)
    assert in_bulk.splitlines()[-1] == row_by_row.splitlines()[-1]
    records, versions = archive()
    for got, want in zip(records, expected[0], strict=True):
        assert got == want
    assert versions == expected[1] and len(versions) > 90
    renamed = models.Collection.objects.order_by("-pk").first()
    assert renamed is not None and not models.CollectionSlug.objects.filter(slug=renamed.slug)
    twice = models.Agent.objects.get(description="Named twice: the later line wins")
    assert twice.variants.exists() or twice.offices.exists() or twice.redirects.exists()
    nested = models.Collection.objects.filter(path__regex=r"^/\d+/\d+/\d+/$")
    assert nested.count() > 5


def stale(lines: list[dict]) -> list[dict]:
    """The same file with every field a ``save()`` derives given a stale or unsafe value
    (sort keys, a variant's script, a collection's introduction, link and path, a
    document's date forms and its text): each way of restoring must derive them again."""
    for line in lines:
        if line["type"] in ("agent", "place"):
            line["sort_key"] = "zzz stale"
            for variant in line["variants"]:
                variant["script"] = ""
        elif line["type"] == "collection":
            line["path"] = "/999/"
            line["introduction"] += '<script>alert("intro")</script>'
            line["finding_aid_url"] = "javascript:alert(1)"
        elif line["type"] == "document":
            line.update(date_display="stale", decade=1700, date_earliest="1700-01-01")
            line["translations"][0]["html"] += '<p onclick="x()">Clicked</p><script>1</script>'
    agent = next(x for x in lines if x["type"] == "agent")
    agent.update(name="ß" * 300, kind="organisation")  # folded to 600 letters: cut at 300
    return lines


def test_what_a_save_derives_the_bulk_paths_derive_alike(tmp_path, monkeypatch):
    lines = exported(tmp_path, 8)
    for n in range(3):
        doc = models.Document.objects.create(
            public_id=f"frus1901/d{n}", title=f"Telegram {n}", date=f"1901-03-0{n + 1}",
            status=models.Document.PUBLISHED,
        )  # fmt: skip
        doc.translations.create(html=f"<p>Text {n}</p>")
    out = tmp_path / "with-documents.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    lines = stale([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])
    path = tmp_path / "archive.jsonl"
    write_export(path, lines)
    kinds = (*KINDS, "document")
    assert "0 failed" in restore(path, monkeypatch, in_bulk=False, kinds=kinds)
    row_by_row = archive()
    assert "0 failed" in restore(path, monkeypatch, in_bulk=True, kinds=kinds)
    records, versions = archive()
    for got, want in zip(records, row_by_row[0], strict=True):
        assert got == want
    assert versions == row_by_row[1]
    text = json.dumps(records, ensure_ascii=False)
    assert "zzz stale" not in text and "<script" not in text and "onclick" not in text
    assert "javascript:" not in text and "/999/" not in text and "stale" not in text
    assert models.Agent.objects.get(name="ß" * 300).sort_key == "ss" * 150
    assert not models.AgentVariant.objects.filter(script="")
    assert set(models.PlaceVariant.objects.values_list("script", flat=True)) == {"Hani"}
    assert models.Collection.objects.filter(path__regex=r"^/\d+/\d+/\d+/$").count() >= 2
    dates = models.Document.objects.values_list("date_display", "decade")
    assert {(display[-4:], decade) for display, decade in dates} == {("1901", 1900)}


def test_a_bad_line_in_a_run_is_reported_by_number_and_nothing_is_kept(tmp_path, monkeypatch):
    lines = exported(tmp_path, 12)
    places = [x for x in lines if x["type"] == "place"]
    del places[6]["slug"]  # in the middle of the second run of four
    path = tmp_path / "archive.jsonl"
    write_export(path, lines)
    number = next(n for n, x in enumerate(lines, 1) if x is places[6])
    for existing in (False, True):
        empty_archive()
        Tombstone.objects.all().delete()
        if existing:  # an archive with records: one transaction, not a staged run
            models.Subject.objects.create(name="Kept")
            models.Agent.objects.create(name="Kept, Already")
        err = io.StringIO()
        with monkeypatch.context() as patch:
            for kind in KINDS:
                patch.setitem(jsonl.IN_RUNS, kind, 4)
            with pytest.raises(Exception, match="1 failed"):
                call_command("import", "jsonl", str(path), "--no-progress",
                             stdout=io.StringIO(), stderr=err)  # fmt: skip
        assert f"archive.jsonl:{number}: a place line needs 'slug'" in err.getvalue()
        assert models.Place.objects.count() == 0
        assert list(models.Agent.objects.values_list("name", flat=True)) == (
            ["Kept, Already"] if existing else []
        )
        assert models.Collection.objects.count() == 0


def test_a_run_of_records_costs_a_few_queries_not_a_few_per_line(tmp_path, monkeypatch):
    def queries(count: int) -> int:
        empty_archive()
        Revision.objects.all().delete()  # the last restore's versions: not in this file
        lines = exported(tmp_path, count)
        path = tmp_path / "archive.jsonl"
        write_export(path, lines)
        empty_archive()
        with CaptureQueriesContext(connection) as done:
            assert "0 failed" in restore(path, monkeypatch, in_bulk=True, run=200)
        return len(done)

    fewer, more = queries(20), queries(80)
    assert more - fewer < 60  # 180 more lines of people, places and collections


def test_a_line_without_an_id_after_lines_with_ids_takes_a_free_one(tmp_path):
    """On PostgreSQL an id written as it is does not advance the table's sequence (the
    restore resets them at its end): a row without an id must still not take one the file
    gave already (SQLite's AUTOINCREMENT follows them by itself)."""
    empty_archive()
    Tombstone.objects.all().delete()
    n = 500_000  # the sequences at the ids the file gives (above any other test's)
    made = (models.Agent, models.AgentRelation, models.AgentReview, models.Document,
            models.Translation)  # fmt: skip
    auto_ids_from(n, tuple(model._meta.db_table for model in made))
    lines = [
        {"type": "agent", "id": n, "slug": "hay", "name": "Hay, John"},
        {"type": "agent", "id": n + 1, "slug": "rockhill", "name": "Rockhill, William"},
        {"type": "agent", "slug": "conger", "name": "Conger, Edwin"},
        {"type": "relation", "id": n, "agent": "hay", "other": "rockhill"},
        {"type": "relation", "agent": "rockhill", "other": "conger"},
        {"type": "review", "kind": "agent", "id": n, "record": "hay", "candidate": "conger",
         "reason": "Same dates"},
        {"type": "review", "kind": "agent", "record": "rockhill", "candidate": "conger",
         "reason": "Same office"},
        {"type": "document", "id": n, "public_id": "d1", "title": "Telegram",
         "translations": [{"id": n, "html": "<p>One</p>"}]},
        {"type": "document", "public_id": "d2", "title": "Letter",
         "translations": [{"html": "<p>Two</p>"}]},
    ]  # fmt: skip
    path = tmp_path / "hand-made.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = io.StringIO()
    call_command("import", "jsonl", str(path), "--no-progress", stdout=out)
    assert "9 created" in out.getvalue() and "0 failed" in out.getvalue()
    assert models.Agent.objects.get(slug="conger").pk == n + 2
    assert sorted(models.AgentRelation.objects.values_list("pk", flat=True)) == [n, n + 1]
    assert sorted(models.AgentReview.objects.values_list("pk", flat=True)) == [n, n + 1]
    assert models.Document.objects.get(public_id="d2").pk == n + 1
    assert models.Translation.objects.get(html="<p>Two</p>").pk == n + 1
