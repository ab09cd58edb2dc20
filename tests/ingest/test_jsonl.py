"""Export and restore: JSONL reproduces an archive exactly, field by field."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import Max

from chancery.corpus import models
from chancery.ingest import jsonl
from chancery.ingest.models import SourceKey
from chancery.search.backends import get_backend

from ..iiif.scans import image_bytes, page_image, pdf_bytes
from .conftest import empty_archive

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SCAN_PDF = pdf_bytes(1)  # real files: uploads are judged by content (corpus/uploads.py)
TEI = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="frusTest">
 <teiHeader><fileDesc><titleStmt><title type="complete">A Test Volume</title></titleStmt>
  <publicationStmt><publisher>GPO</publisher><idno type="frus">frusTest</idno></publicationStmt>
 </fileDesc></teiHeader>
 <text><front><div type="section" xml:id="persons"><list>
   <item><persName xml:id="p_HJ1"><hi rend="smallcaps">Hay</hi>, John</persName>,
    Secretary of State</item>
 </list></div></front>
 <body><pb n="5"/><div type="chapter" xml:id="ch1"><head>China</head>
  <div type="document" xml:id="d1" n="1"><head>Mr. <persName corresp="#p_HJ1">Hay</persName> to
   Mr. Conger<note n="1">Telegram.</note></head><note type="source">[Telegram]</note>
   <dateline><placeName>Washington</placeName>, <date when="1901-01-05">January 5</date></dateline>
   <p>The Boxer indemnity.<pb n="6"/> More.</p></div>
 </div></body></text></TEI>
"""


def build_archive(tmp_path):
    """A small archive with one of everything the model can hold."""
    tei = tmp_path / "vol.xml"
    tei.write_text(TEI, encoding="utf-8")
    call_command("import", "tei", str(tei), "--no-progress", stdout=io.StringIO())
    doc = models.Document.objects.get(public_id="frusTest/d1")
    other = models.Document.objects.create(public_id="native/7", title="Draft", date="c. 1958",
                                      summary="A draft.", status=models.Document.DRAFT)  # fmt: skip
    other.related.add(doc)
    other.subjects.add(models.Subject.objects.create(name="Boxers", description="Rising"))
    other.classifications.add(models.Classification.objects.create(name="Secret"))
    other.donors.add(models.Donor.objects.create(name="A Foundation"))
    acme = models.Agent.objects.create(name="ACME", kind=models.Agent.ORGANISATION, wikidata="Q1")
    acme.offices.create(title="Supplier of the Legation", dates="1901", source="FRUS 1901")
    models.AgentRedirect.objects.create(old_slug="acme-corporation", agent=acme)
    other.creators.add(acme)
    other.contributors.add(doc.people.first())
    asia = models.Place.objects.create(name="Asia")
    china = models.Place.objects.create(name="China", parent=asia, latitude="35.000000")
    models.PlaceVariant.objects.create(place=china, name="Zhongguo", note="pinyin")
    models.PlaceRedirect.objects.create(old_slug="cathay", place=china)
    other.places.add(china)
    other.languages.add(models.Language.objects.create(code="rus", name="Russian"))
    models.Translation.objects.create(
        document=other, html="<p>Hello</p>", language_id="eng", label="EN"
    )
    models.Scan.objects.create(document=other, file=ContentFile(SCAN_PDF, name="scan.pdf"))
    coll = models.Collection.objects.create(title="Extra", featured=True, introduction="<p>Hi</p>")
    coll.image.save("cover.png", ContentFile(image_bytes(page_image(60, 40, "cover"), "PNG")))
    models.Membership.objects.create(collection=coll, document=other, position=3)
    coll.slug = "extra-renamed"
    coll.save()  # the old slug "extra" redirects
    hay = doc.people.first()
    models.AgentReview.objects.create(record=hay, candidate=acme, reason="one letter off")
    models.PlaceReview.objects.create(record=china, candidate=asia, reason="bare name",
                                 status=models.PlaceReview.REJECTED)  # fmt: skip
    other.attached_to = doc
    other.save()
    # a published document deleted since: its OAI tombstone is part of the archive too
    models.Document.objects.create(
        public_id="gone/1", title="Withdrawn", status="published"
    ).delete()


def snapshot():
    """Every exported record line (not the header, whose timestamp differs, nor the history
    lines: versions, review comments, audit log; tests/versions/test_backup.py)."""
    skip = {"chancery-export", *jsonl.history.KINDS}
    return [line for line in jsonl.export_lines() if line["type"] not in skip]


def test_every_concrete_field_is_exported(tmp_path):
    build_archive(tmp_path)
    lines = snapshot()
    for name, model in jsonl.TYPES.items():
        line = next(x for x in lines if x["type"] == name)
        fields = {f.name for f in model._meta.concrete_fields} | {
            f.name for f in jsonl._many_to_many(model)
        }
        assert fields <= set(line), (name, fields - set(line))


def export_empty_and_restore(tmp_path):
    """Export the archive, empty it and restore the file: every record line and every
    document id must come back as it was. The file, for more."""
    before = snapshot()
    ids = dict(models.Document.objects.values_list("public_id", "pk"))
    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    empty_archive()
    assert not models.Document.objects.exists() and not SourceKey.objects.exists()

    result = io.StringIO()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=result)
    assert "0 failed" in result.getvalue()
    after = snapshot()
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert old == new
    assert dict(models.Document.objects.values_list("public_id", "pk")) == ids
    return out


def test_restore_into_an_empty_archive_reproduces_it_exactly(tmp_path):
    build_archive(tmp_path)
    out = export_empty_and_restore(tmp_path)
    restored = models.Document.objects.get(public_id="native/7")
    assert restored.scans.get().file.read() == SCAN_PDF
    assert restored.status == "draft" and restored.attached_to.public_id == "frusTest/d1"
    # the index was rebuilt for the published document
    assert get_backend().indexed_count() == 1

    again = io.StringIO()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=again)
    assert again.getvalue().splitlines()[-1].startswith("0 created, 0 updated")


def test_old_slugs_redirects_and_review_lists_are_restored(client, tmp_path):
    build_archive(tmp_path)
    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    empty_archive()
    assert not models.CollectionSlug.objects.exists() and not models.AgentReview.objects.exists()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=io.StringIO())
    assert models.CollectionSlug.objects.get(slug="extra").collection.slug == "extra-renamed"
    assert client.get("/place/cathay/").headers["Location"] == "/place/china/"
    assert client.get("/person/acme-corporation/").status_code == 301
    stored = [*models.AgentReview.objects.all(), *models.PlaceReview.objects.all()]
    reviews = [(r.record.name, r.candidate.name, r.reason, r.status) for r in stored]
    assert sorted(reviews) == [("China", "Asia", "bare name", "rejected"),
                               ("Hay, John", "ACME", "one letter off", "open")]  # fmt: skip


def test_a_tei_reimport_after_restore_finds_the_same_records(tmp_path):
    build_archive(tmp_path)
    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    empty_archive()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=io.StringIO())
    result = io.StringIO()
    call_command("import", "tei", str(tmp_path / "vol.xml"), "--no-progress", stdout=result)
    assert "0 created, 0 updated, 1 unchanged" in result.getvalue()


def test_a_bad_line_leaves_the_archive_as_it_was(tmp_path):
    build_archive(tmp_path)
    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    lines = out.read_text(encoding="utf-8").splitlines()
    lines.append('{"type": "document", "public_id": "x/1", "title": "X", "languages": ["zzz"]}')
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    empty_archive()
    err = io.StringIO()
    with pytest.raises(Exception, match="1 failed"):
        call_command("import", "jsonl", str(out), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert f"archive.jsonl:{len(lines)}:" in err.getvalue()
    assert not models.Document.objects.exists() and not models.Agent.objects.exists()


def many_documents(count: int) -> None:
    """``count`` more documents than one batch of the restore writes at once
    (jsonl_bulk.DOCUMENTS): every kind of relation, text layers, memberships, documents
    attached to and related to documents before and after them, drafts and a withdrawn one,
    ids with gaps."""
    from datetime import timedelta

    from django.utils import timezone

    from chancery.search.indexing import indexing_paused, reindex

    with indexing_paused():  # indexed once, at the end
        _many_documents(count)
    models.Document.objects.filter(public_id="many/5").update(
        updated_at=timezone.now() - timedelta(days=400)
    )
    reindex()


def _many_documents(count: int) -> None:
    volume = models.Collection.objects.create(title="Many", featured=True)
    subject = models.Subject.objects.create(name="Claims")
    person = models.Agent.objects.create(name="Rockhill, William W.")
    place = models.Place.objects.create(name="Peking")
    french = models.Language.objects.create(code="fra", name="French")
    # Ids with gaps, above any in use: a module before may have left the SQLite sequence
    # anywhere, so the archive's other documents may hold ids from 1,000 up.
    first = (models.Document.objects.aggregate(n=Max("pk"))["n"] or 0) + 1000
    docs = []
    for n in range(count):
        doc = models.Document.objects.create(
            pk=first + 3 * n, public_id=f"many/{n}", title=f"Despatch {n}", date=f"19{n % 90 + 10}",
            status=models.Document.DRAFT if n % 7 == 0 else models.Document.PUBLISHED,
        )  # fmt: skip
        if n % 3 == 0:
            doc.subjects.add(subject)
            doc.places.add(place)
        if n % 4 == 0:
            doc.people.add(person)
            doc.languages.add(french)
        models.Transcript.objects.create(document=doc, html=f"<p>Text {n}</p>", label="Full")
        if n % 5 == 0:
            models.Translation.objects.create(document=doc, html=f"<p>Texte {n}</p>",
                                              language=french, label="FR")  # fmt: skip
        models.Membership.objects.create(collection=volume, document=doc, position=n)
        docs.append(doc)
    for n, doc in enumerate(docs):
        if n % 10 == 1:
            doc.attached_to = docs[(n + 150) % count]  # before or after it in the file
            doc.save()
        if n % 11 == 2:
            doc.related.add(docs[(n + 120) % count])
    withdrawn = docs[3]
    withdrawn.status = models.Document.DRAFT  # published once: an OAI tombstone
    withdrawn.save()


def test_a_restore_of_more_documents_than_a_batch_reproduces_them_exactly(tmp_path):
    from chancery.ingest.jsonl_bulk import DOCUMENTS

    build_archive(tmp_path)
    many_documents(2 * DOCUMENTS + 50)
    out = export_empty_and_restore(tmp_path)
    published = models.Document.objects.filter(status=models.Document.PUBLISHED).count()
    assert get_backend().indexed_count() == published
    again = io.StringIO()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=again)
    assert again.getvalue().splitlines()[-1].startswith("0 created, 0 updated")


def test_source_keys_come_back_in_runs_new_changed_and_kept(tmp_path, monkeypatch):
    build_archive(tmp_path)
    keys = set(SourceKey.objects.values_list("scope", "key", "object_id"))
    assert len(keys) >= 3
    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    lost, moved, *_ = SourceKey.objects.order_by("pk")
    lost.delete()  # gone since the backup: made again
    SourceKey.objects.filter(pk=moved.pk).update(object_id=moved.object_id + 1000)  # repointed
    monkeypatch.setitem(jsonl.IN_RUNS, "sourcekey", 2)  # runs of two: new and kept mixed

    result = io.StringIO()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=result)
    assert "0 failed" in result.getvalue()
    assert set(SourceKey.objects.values_list("scope", "key", "object_id")) == keys
