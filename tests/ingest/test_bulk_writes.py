"""Imports write in bulk: the queries an import makes grow with its batches of documents
(chancery/ingest/run.py BATCH), not with its documents (issue 18)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chancery.corpus import models
from chancery.ingest.records import AgentRef, CollectionRef, DocumentRecord, PlaceRef, TextRef
from chancery.ingest.run import BATCH, import_file
from chancery.search.backends import get_backend

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

#: queries one more batch of BATCH documents may make, whatever their number
PER_BATCH = 40


def volume(name: str, count: int):
    """A reader of ``count`` documents, each with its text, a subject of its own, the
    volume's people and places and a place in the volume (as a FRUS volume has them)."""

    def reader(path):
        yield CollectionRef(key=f"{name}:volume", title=f"Volume {name}", slug=name)
        for n in range(count):
            yield DocumentRecord(
                public_id=f"{name}/d{n}", title=f"Despatch {n}", date=f"1901-03-{n % 28 + 1:02}",
                doc_type="Telegram", subjects=[f"Question {name} {n}", "Boxer Protocol"],
                people=[AgentRef("Li Hung-chang", key=f"{name}#p_LHC"),
                        AgentRef("Mr. Rockhill", key=f"{name}#p_WWR")],
                creators=[AgentRef("John Hay", key=f"{name}#p_JH")],
                places=[PlaceRef("Peking"), PlaceRef("Washington")], languages=["eng"],
                collections=[(f"{name}:volume", n)],
                transcripts=[TextRef(f"<p>Despatch number {n} about the indemnity.</p>", "eng")],
            )  # fmt: skip

    return reader


def queries_to_import(tmp_path, name: str, count: int) -> int:
    path = tmp_path / f"{name}.xml"
    path.write_text(name)  # the versions an import makes name its file and checksum
    with CaptureQueriesContext(connection) as queries:
        report = import_file(path, volume(name, count))
    assert report.counts["created"] == count, report.problems
    return len(queries)


def test_query_count_grows_per_batch_not_per_document(tmp_path):
    queries_to_import(tmp_path, "warm", 5)  # languages, types and the like exist from here on
    small = queries_to_import(tmp_path, "small", BATCH)
    large = queries_to_import(tmp_path, "large", 4 * BATCH)
    assert large - small <= 3 * PER_BATCH, (small, large)
    # every document arrived whole: text, subjects, people, places, its volume
    doc = models.Document.objects.get(public_id="large/d399")
    assert doc.transcripts.get().html == "<p>Despatch number 399 about the indemnity.</p>"
    assert sorted(doc.subjects.values_list("name", flat=True)) == [
        "Boxer Protocol",
        "Question large 399",
    ]
    assert doc.people.count() == 2 and doc.creators.get().name == "John Hay"
    assert doc.membership_set.get().position == 399
    assert models.Subject.objects.filter(name="Boxer Protocol").count() == 1
    assert get_backend().indexed_count() == 5 + BATCH + 4 * BATCH


def test_reimport_of_unchanged_documents_writes_nothing(tmp_path):
    queries_to_import(tmp_path, "first", 2 * BATCH)
    with CaptureQueriesContext(connection) as queries:
        report = import_file(tmp_path / "first.xml", volume("first", 2 * BATCH))
    assert report.counts["unchanged"] == 2 * BATCH
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == [], writes[:5]


def test_new_subjects_get_unique_slugs_in_bulk(tmp_path):
    models.Subject.objects.create(name="Question A")  # slug question-a, made before
    (tmp_path / "s.xml").write_text("s")
    import_file(
        tmp_path / "s.xml",
        lambda path: [
            DocumentRecord(public_id="s/1", title="One", subjects=["Question: a", "QUESTION A"]),
            DocumentRecord(public_id="s/2", title="Two", subjects=["question a!"]),
        ],
    )
    slugs = dict(models.Subject.objects.values_list("name", "slug"))
    assert slugs == {"Question A": "question-a", "Question: a": "question-a-2",
                     "question a!": "question-a-3"}  # fmt: skip
    doc = models.Document.objects.get(public_id="s/1")
    assert sorted(doc.subjects.values_list("slug", flat=True)) == ["question-a", "question-a-2"]


def test_reimport_updates_what_changed_in_bulk(tmp_path):
    from reversion.models import Version

    path = tmp_path / "u.xml"
    path.write_text("u")

    def reader(title: str, texts: list[str], subjects: list[str], status="published"):
        return lambda p: [
            CollectionRef(key="u:volume", title="Volume U", slug="u"),
            DocumentRecord(public_id="u/1", title=title, date="1901-02-03", subjects=subjects,
                           collections=[("u:volume", 1)], status=status,
                           transcripts=[TextRef(f"<p>{t}</p>", "eng") for t in texts]),
            DocumentRecord(public_id="u/2", title="Kept", transcripts=[TextRef("<p>Same</p>")]),
        ]  # fmt: skip

    import_file(path, reader("First", ["One", "Two"], ["Tariffs"]))
    doc = models.Document.objects.get(public_id="u/1")
    versions = Version.objects.get_for_object(doc).count()
    report = import_file(path, reader("Second", ["Uno"], ["Tariffs", "Ports"]))
    assert (report.counts["updated"], report.counts["unchanged"]) == (1, 1)
    doc.refresh_from_db()
    assert doc.title == "Second" and doc.date_display and doc.published_at is not None
    assert list(doc.transcripts.values_list("html", "position")) == [("<p>Uno</p>", 0)]
    assert sorted(doc.subjects.values_list("name", flat=True)) == ["Ports", "Tariffs"]
    assert Version.objects.get_for_object(doc).count() == versions + 1
    assert get_backend().indexed_count() == 2
    # withdrawn: out of the index, and OAI keeps a tombstone of it
    from chancery.oai.models import Tombstone

    import_file(path, reader("Second", ["Uno"], ["Tariffs", "Ports"], status="draft"))
    assert Tombstone.objects.filter(identifier="u/1").exists()
    assert get_backend().indexed_count() == 1
    import_file(path, reader("Second", ["Uno"], ["Tariffs", "Ports"]))
    assert not Tombstone.objects.filter(identifier="u/1").exists()
