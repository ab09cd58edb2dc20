"""Review pairs and relations come back from a JSONL restore in runs, in bulk
(chancery/ingest/jsonl_pairs.py), exactly as the row-by-row restore brings them back: the
same ids, pairs, statuses, reasons, datestamps and relation types; a line that is not plain
goes row by row in its place, and a bad line is reported by its number and leaves the
archive as it was."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus import models
from chancery.ingest import jsonl
from chancery.oai.models import Tombstone

from .conftest import empty_archive, write_export
from .test_jsonl_records import archive, many_records, restore

pytestmark = pytest.mark.django_db
PAIRS = ("review", "relation")


def exported(tmp_path, count: int) -> list[dict]:
    """``count`` people and places, each reviewed against the next, and each person
    related to the next (two types for one pair); the export's lines."""
    many_records(count)
    agents, places = list(models.Agent.objects.all()), list(models.Place.objects.all())
    for n in range(count - 1):
        models.AgentReview.objects.create(record=agents[n], candidate=agents[n + 1],
                                          reason=f"Same dates {n}")  # fmt: skip
        models.PlaceReview.objects.create(record=places[n], candidate=places[n + 1],
                                          reason=f"Same name {n}", status="rejected")  # fmt: skip
        models.AgentRelation.objects.create(
            agent=agents[n], other=agents[n + 1], relation_type="hierarchical-parent", dates="1901"
        )
    models.AgentRelation.objects.create(agent=agents[0], other=agents[1], relation_type="family")
    out = tmp_path / "built.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def not_all_plain(lines: list[dict]) -> list[dict]:
    """Lines the bulk path must leave to row by row: a review and a relation without an
    id, a relation whose id another has, a pair named twice (the later line wins)."""
    reviews = [x for x in lines if x["type"] == "review"]
    relations = [x for x in lines if x["type"] == "relation"]
    del reviews[2]["id"], relations[3]["id"]
    relations[5]["id"] = relations[1]["id"]
    twice = {**relations[6], "description": "Named twice: the later line wins"}
    lines.insert(lines.index(relations[8]) + 1, twice)
    again = {**reviews[4], "status": "merged"}
    lines.insert(lines.index(reviews[-1]) + 1, again)
    return lines


def test_pairs_in_bulk_give_the_archive_the_row_by_row_restore_gives(tmp_path, monkeypatch):
    lines = exported(tmp_path, 12)
    original, _ = archive()
    path = tmp_path / "archive.jsonl"
    write_export(path, lines)
    assert "0 failed" in restore(path, monkeypatch, in_bulk=True, kinds=PAIRS)
    assert archive()[0] == original  # exact: ids, pairs, statuses, created_at

    write_export(path, not_all_plain(lines))
    row_by_row = restore(path, monkeypatch, in_bulk=False, kinds=PAIRS)
    expected = archive()
    in_bulk = restore(path, monkeypatch, in_bulk=True, kinds=PAIRS)
    assert in_bulk.splitlines()[-1] == row_by_row.splitlines()[-1]
    records, _ = archive()
    for got, want in zip(records, expected[0], strict=True):
        assert got == want
    assert models.AgentRelation.objects.filter(description__startswith="Named twice").count() == 1
    assert models.AgentReview.objects.filter(status="merged").count() == 1
    assert models.AgentRelation.objects.count() == 12 and models.PlaceReview.objects.count() == 11


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("relation", {"other": "nobody"}, "relation other 'nobody': no such record"),
        ("relation", {"relation_type": "cousin"}, "relation type 'cousin'"),
        ("review", {"candidate": "nowhere"}, "review candidate 'nowhere': no such record"),
    ],
)
def test_a_bad_pair_in_a_run_is_reported_by_number_and_nothing_is_kept(
    tmp_path, monkeypatch, kind, change, message
):
    lines = exported(tmp_path, 8)
    bad = [x for x in lines if x["type"] == kind][4]
    bad.update(change)
    path = tmp_path / "archive.jsonl"
    write_export(path, lines)
    number = next(n for n, x in enumerate(lines, 1) if x is bad)
    empty_archive()
    Tombstone.objects.all().delete()
    err = io.StringIO()
    with monkeypatch.context() as patch:
        for name in PAIRS:
            patch.setitem(jsonl.IN_RUNS, name, 3)
        with pytest.raises(Exception, match="1 failed"):
            call_command("import", "jsonl", str(path), "--no-progress",
                         stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert f"archive.jsonl:{number}: {message}" in err.getvalue()
    assert not models.AgentRelation.objects.exists() and not models.AgentReview.objects.exists()
    assert not models.Agent.objects.exists()


def test_a_run_of_pairs_costs_a_few_queries_not_a_few_per_line(tmp_path, monkeypatch):
    lines = [x for x in exported(tmp_path, 40) if x["type"] not in jsonl.history.KINDS]
    pairs = sum(x["type"] in PAIRS for x in lines)

    def queries(with_pairs: bool) -> int:
        path = tmp_path / "archive.jsonl"
        write_export(path, [x for x in lines if with_pairs or x["type"] not in PAIRS])
        kinds = ("agent", "place", "collection", *PAIRS)
        with CaptureQueriesContext(connection) as done:
            assert "0 failed" in restore(path, monkeypatch, in_bulk=True, run=200, kinds=kinds)
        return len(done)

    assert pairs == 3 * 39 + 1
    assert queries(with_pairs=True) - queries(with_pairs=False) < 20  # not 6 a line
