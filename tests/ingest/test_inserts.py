"""Rows a restore writes by one prepared statement (chancery/corpus/inserts.py) are the
rows ``bulk_create`` wrote: every column, datestamps and foreign keys included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from reversion.models import Revision

from chancery.corpus.inserts import insert
from chancery.corpus.models import Document, DocumentType, Transcript
from chancery.ingest.models import ImportRun, StagedRow

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(1861, 4, 12, 4, 30, tzinfo=dt.UTC)


def _columns(obj) -> dict:
    row = model_to_dict(type(obj).objects.get(pk=obj.pk))
    row.pop("id"), row.pop("public_id", None), row.pop("document", None)
    return row


def _document(public_id: str, pk: int | None, kind: DocumentType) -> Document:
    return Document(pk=pk, public_id=public_id, title="Despatch from Fort Sumter",
                    doc_type=kind, date_earliest=dt.date(1861, 4, 12), status="draft")  # fmt: skip


def test_rows_inserted_are_those_bulk_create_writes():
    kind = DocumentType.objects.create(name="Telegram")
    insert(Document, [_document("vol/d1", 501, kind)])
    Document.objects.bulk_create([_document("vol/d2", 502, kind)])
    inserted, created = Document.objects.get(pk=501), Document.objects.get(pk=502)
    assert _columns(inserted) == _columns(created)
    assert inserted.created_at is not None and inserted.doc_type == kind  # auto_now_add, FK
    texts = [Transcript(pk=pk, document=doc, html="<p>Fire opened.</p>", position=0)
             for pk, doc in ((601, inserted), (602, created))]  # fmt: skip
    insert(Transcript, texts[:1])
    Transcript.objects.bulk_create(texts[1:])
    assert _columns(texts[0]) == _columns(texts[1])


def test_rows_without_ids_get_the_databases_and_those_with_ids_keep_theirs():
    run = ImportRun.objects.create(source="archive.jsonl", host="here", pid=1)
    insert(StagedRow, [StagedRow(run=run, model="corpus.document", object_id=n) for n in (7, 8)]
           + [StagedRow(pk=900, run=run, model="corpus.document", object_id=9)])  # fmt: skip
    rows = dict(StagedRow.objects.filter(run=run).values_list("object_id", "pk"))
    assert rows[9] == 900 and rows[7] and rows[8] and len(set(rows.values())) == 3
    insert(Revision, [Revision(pk=77, date_created=WHEN, comment="Draft 1")])
    assert Revision.objects.get(pk=77).date_created == WHEN
