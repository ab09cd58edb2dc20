"""The new documents of a JSONL restore, written in bulk a batch of lines at a time.

Row by row (:meth:`.jsonl.Restorer.restore`) a document line cost some forty queries: each
record it names looked up, each relation compared and set, each text layer and membership
saved, its datestamps written back. Consecutive document lines are therefore read together
(:data:`DOCUMENTS` at a time) and those whose document does not exist yet are written as
the CSV and TEI importers write theirs (:mod:`.writer`): the records they name from the
restore's maps (:meth:`~.jsonl.Restorer.find`), the documents, text layers and memberships
with ``bulk_create``, the relation rows as plain pairs (:meth:`.writer.Writer.queue_links`),
the file's ids and datestamps kept, the OAI tombstones as their signal would have left them
(:meth:`.writer.Writer.tombstones`). The index is built at the end of the file, as before.

What the row-by-row path does differently goes through it still: a document that exists
(it is compared and updated), one with scans (files read, OCR queued or its text restored),
and a public id the batch names twice (the later line wins).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.db import connections, models, router
from django.utils import timezone

from chancery.corpus import models as corpus
from chancery.corpus.dates import DateError
from chancery.corpus.inserts import insert
from chancery.corpus.models import as_saved

from .report import IngestError
from .writer import Writer

if TYPE_CHECKING:
    from .jsonl import Restorer

#: document lines written together (at most): well under a staged batch's second
DOCUMENTS = 100
Document: type[corpus.Document] = corpus.Document


def auto_fields(model: type[models.Model]) -> list[str]:
    """The fields ``save()`` and ``bulk_create`` stamp with the time (kept from the file)."""
    return [f.name for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]  # fmt: skip


def restore_documents(restorer: Restorer, lines: list[tuple[dict, str]], writer: Writer) -> None:
    """Write a run of document lines: the new documents in bulk, the others row by row."""
    for data, where in lines:
        if not data.get("public_id"):
            raise IngestError(where, "a document line needs 'public_id'")
    wanted = [data["public_id"] for data, _ in lines]
    exist = set(Document.objects.filter(public_id__in=wanted).values_list("public_id", flat=True))
    new, one_by_one, seen = [], [], set()
    for data, where in lines:
        public_id = data["public_id"]
        if public_id in exist or public_id in seen or data.get("scans"):
            one_by_one.append((data, where))
        else:
            new.append((data, where))
            seen.add(public_id)
    if new:
        _create(restorer, new, writer)
    for data, where in one_by_one:
        restorer.restore(data, where, writer)


def _free(model: type[models.Model], rows: Iterable[dict]) -> set[int]:
    """The exported ids of ``rows`` no row of ``model`` has (kept: the restore is exact)."""
    ids = [r["id"] for r in rows if isinstance(r.get("id"), int)]
    taken = set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    free, seen = set(), set()
    for pk in ids:
        if pk not in taken and pk not in seen:
            free.add(pk)
        seen.add(pk)
    return free


def _new_row(restorer: Restorer, model, data: dict, where: str, free: set[int], **parent):
    """An unsaved row of ``model`` from a line's values, and its datestamps from the file."""
    fk = next(iter(parent), "")
    values = restorer._values(model, data, where, parent_field=fk, cleaned=False)
    stamps = {name: values.pop(name) for name in auto_fields(model) if name in values}
    obj = model(**values, **parent)
    if data.get("id") in free:
        obj.pk = data["id"]
        free.discard(data["id"])
    return obj, stamps


def _create(restorer: Restorer, lines: list[tuple[dict, str]], writer: Writer) -> None:
    stage = restorer.staging
    free = _free(Document, (data for data, _ in lines))
    docs: list[corpus.Document] = []
    stamped: list[tuple[models.Model, dict]] = []
    publish: list[dict[str, Any]] = []
    for data, where in lines:
        doc, stamps = _new_row(restorer, Document, data, where, free)
        status = {}
        if stage is not None:  # a draft until the run is published (staging.py)
            given = doc.published_at if "published_at" in data else None
            status = {"status": data.get("status") or Document.DRAFT, "published_at": given}
            if status["status"] == Document.PUBLISHED and status["published_at"] is None:
                status["published_at"] = timezone.now()
            doc.status, doc.published_at = Document.DRAFT, None
        try:
            as_saved(doc)  # what Document.save does
        except DateError as exc:
            raise IngestError(where, f"date: {exc}") from None
        docs.append(doc)
        stamped.append((doc, stamps))
        publish.append(status)
    _insert(restorer, Document, docs)
    _keep_stamps(Document, stamped)
    Writer.tombstones(docs)  # what their post_save did (oai/signals.py)
    children: dict[tuple[type[models.Model], str], list[tuple[dict, str, Any]]] = {}
    for (data, where), doc, status in zip(lines, docs, publish, strict=True):
        if stage is not None:
            stage.created(doc, **status)
        _relations(restorer, data, where, doc, writer)
        for name, (model, fk) in _children().items():
            rows = children.setdefault((model, fk), [])
            rows += [(r, where, doc) for r in data.get(name) or [] if isinstance(r, dict)]
        writer.outcomes[doc.pk] = "created"
        restorer.changed_docs.add(doc.pk)
    for (model, fk), rows in children.items():
        if not rows:
            continue
        frees = _free(model, (r for r, _, _ in rows))  # one query per kind and batch
        made = [_new_row(restorer, model, r, where, frees, **{fk: doc}) for r, where, doc in rows]
        for obj, _ in made:
            as_saved(obj)
        _insert(restorer, model, [obj for obj, _ in made])
        _keep_stamps(model, made)
    writer.flush()  # the relation rows


def _insert(restorer: Restorer, model: type[models.Model], objs: list) -> None:
    """Write the rows with the file's ids, then ``bulk_create`` those without (which take
    the next ids of a sequence moved past them first: :meth:`~.jsonl.Restorer.next_ids`)."""
    insert(model, [o for o in objs if o.pk is not None])
    if rest := [o for o in objs if o.pk is None]:
        restorer.next_ids(model)
        model._default_manager.bulk_create(rest, batch_size=500)


def _children() -> dict[str, tuple[type[models.Model], str]]:
    from .jsonl import CHILDREN

    return {n: c for n, c in CHILDREN[Document].items() if c[0] is not corpus.Scan}


def _relations(restorer: Restorer, data: dict, where: str, doc, writer: Writer) -> None:
    """A new document's relations: rows queued on ``writer``, references to other documents
    (attached to, related) set once every document exists, as row by row."""
    from .jsonl import _many_to_many

    if data.get("attached_to"):
        restorer.self_refs.append((Document, doc.pk, "attached_to", data["attached_to"]))
    for field in _many_to_many(Document):
        keys = data.get(field.name)
        if not keys:
            continue
        model = field.related_model
        if model is Document:
            restorer.self_refs.append((Document, doc.pk, field.name, keys))
            continue
        targets = {key: restorer.find(model, key) for key in keys}
        missing = {key for key, target in targets.items() if target is None}
        if missing:
            raise IngestError(where, f"{field.name}: unknown {sorted(missing)}")
        writer.queue_links(doc, field.name, {t.pk for t in targets.values() if t is not None})


def _keep_stamps(model: type[models.Model], rows: list[tuple[models.Model, dict]]) -> None:
    """Write the file's datestamps over those ``bulk_create`` gave (one statement each)."""
    connection = connections[router.db_for_write(model)]  # not the proxy: read per value
    quote = connection.ops.quote_name
    by_fields: dict[tuple[str, ...], list[tuple]] = {}
    for obj, stamps in rows:
        names = tuple(sorted(n for n, v in stamps.items() if v is not None))
        if names:
            fields = [cast(models.Field, model._meta.get_field(n)) for n in names]
            values = [f.get_db_prep_save(stamps[f.name], connection) for f in fields]
            by_fields.setdefault(names, []).append((*values, obj.pk))
    for names, values in by_fields.items():
        assignments = ", ".join(f"{quote(n)} = %s" for n in names)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(cast(str, model._meta.pk.column))} = %s",
                values,
            )
