"""The archive as JSON Lines: backup, migration between engines, and exact restore.

One object per line, in an order where everything a line refers to came before it:
a header, languages, authorities, collections, documents (with their memberships and
assets inline, files base64-encoded), OAI tombstones, the importers' source keys, the
history (versions, review comments, audit log: chancery/versions/backup.py), and
an end line with the counts and a SHA-256 of every line before it but the header. An
import checks them all before writing anything, so a cut or altered file is refused whole.
References are by
natural key (language code, slug, public id) so a file moves between SQLite and PostgreSQL
or into an archive that already has rows; each line also carries the row's ``id``, kept
when it is free, so a restore into an empty archive reproduces it exactly (timestamps and
editorial state included). Every concrete field of each model is written, so a new field
travels without a change here. See docs/importing.md for the format.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import json
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from chancery.corpus import models as corpus
from chancery.corpus import uploads
from chancery.corpus.hierarchy import move_subtree
from chancery.corpus.sanitize import clean_html
from chancery.corpus.text import clean_tree, strip_on_save
from chancery.oai.models import Tombstone
from chancery.ocr.models import MachineText
from chancery.ocr.signals import already_read
from chancery.versions import backup as history
from chancery.versions.history import changed_by_import
from chancery.versions.signals import stamps_kept

from .jsonl_bulk import DOCUMENTS, restore_documents
from .jsonl_pairs import PAIRS, restore_pairs
from .jsonl_records import RECORDS, restore_records
from .models import SourceKey
from .report import IngestError
from .run import Note
from .safefile import atomic_write, media_path_problem

if TYPE_CHECKING:
    from .staging import Stage

#: 5: a scan's machine-read text (``machine_texts`` inline: chancery/ocr), restored as it
#: was, never read again; a scan of an older file (no ``machine_texts``) is queued for OCR.
#: 4: relations between people and organisations (``relation`` lines, after every record;
#: an older file has none and reads as it is).
#: 3: the history (``revision``, ``reviewcomment``, ``auditevent`` lines), the review lists
#: (``review``) and a collection's ``old_slugs``. 2: OAI tombstones and the end line (counts
#: and checksum). 1: neither. All five are read; an older Chancery refuses a newer file
#: whole ("export version 5 not supported") rather than restore it without what it holds.
VERSION = 5
HEADER, END = "chancery-export", "chancery-export-end"
#: line type -> model, in dependency order.
TYPES: dict[str, type[models.Model]] = {
    "language": corpus.Language,
    "subject": corpus.Subject,
    "repository": corpus.Repository,
    "publisher": corpus.Publisher,
    "doctype": corpus.DocumentType,
    "rights": corpus.Rights,
    "classification": corpus.Classification,
    "donor": corpus.Donor,
    "agent": corpus.Agent,
    "place": corpus.Place,
    "collection": corpus.Collection,
    "document": corpus.Document,
    "tombstone": Tombstone,
}
#: the natural keys that are not a slug (every other model is found by its slug).
KEYS: dict[type[models.Model], str] = {
    corpus.Language: "code",
    corpus.Document: "public_id",
    Tombstone: "identifier",
}
NATURAL = {model: KEYS.get(model, "slug") for model in TYPES.values()}
#: inline children: parent model -> {name: (model, foreign key to the parent)}.
CHILDREN: dict[type[models.Model], dict[str, tuple[type[models.Model], str]]] = {
    corpus.Agent: {
        "variants": (corpus.AgentVariant, "agent"),
        "offices": (corpus.Office, "agent"),
        "redirects": (corpus.AgentRedirect, "agent"),
    },
    corpus.Place: {
        "variants": (corpus.PlaceVariant, "place"),
        "redirects": (corpus.PlaceRedirect, "place"),
    },
    corpus.Collection: {"old_slugs": (corpus.CollectionSlug, "collection")},
    corpus.Document: {
        "memberships": (corpus.Membership, "document"),
        "translations": (corpus.Translation, "document"),
        "transcripts": (corpus.Transcript, "document"),
        "scans": (corpus.Scan, "document"),
    },
    corpus.Scan: {"machine_texts": (MachineText, "scan")},
}
#: The review lists (two records reconciliation could not tell apart): line "review",
#: after every record, by the kind of record and the two slugs.
REVIEWS: dict[str, type[corpus.AgentReview] | type[corpus.PlaceReview]] = {
    "agent": corpus.AgentReview,
    "place": corpus.PlaceReview,
}
#: Relations between two people or organisations: line "relation", after every record, by
#: the two slugs (either may come after the other in the file).
RELATION_FIELDS = ("relation_type", "dates", "description", "source")
SKIP_FIELDS = {"id"}
#: Exported but not restored: recomputed from the parents (corpus/hierarchy.py).
DERIVED = {"path"}
HTML_FIELDS = {"html", "introduction"}


# -- values ------------------------------------------------------------------------------
def _nk(obj) -> str | None:
    return None if obj is None else getattr(obj, NATURAL[type(obj)])


class ExportError(Exception):
    """The archive cannot be exported faithfully (the message names the record)."""


def _file(f) -> dict | str:
    if not f:
        return ""
    problem = media_path_problem(f.name)
    if problem:
        raise ExportError(f"stored file path {f.name!r} {problem}")
    try:
        with f.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode("ascii")
    except (FileNotFoundError, OSError):
        return {"name": f.name, "data": None}
    return {"name": f.name, "data": data}


def _value(obj, field):
    if field.many_to_one or field.one_to_one:
        target = getattr(obj, field.name)
        return _nk(target) if type(target) in NATURAL or target is None else target.pk
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return _file(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _many_to_many(model) -> list:
    """Plain many-to-many fields (memberships, with their position, travel as children)."""
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def row(obj, parent_field: str = "") -> dict:
    """Every concrete field of ``obj`` (the foreign key to ``parent_field`` left out)."""
    data = {"id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.name in SKIP_FIELDS or field.name == parent_field:
            continue
        try:
            data[field.name] = _value(obj, field)
        except ExportError as error:
            raise ExportError(f"{type(obj).__name__} {obj.pk}, {field.name}: {error}") from None
    for field in _many_to_many(type(obj)):
        data[field.name] = sorted(_nk(t) for t in getattr(obj, field.name).all())
    for name, (model, fk) in CHILDREN.get(type(obj), {}).items():
        children = model._default_manager.filter(**{fk: obj}).order_by("pk")
        data[name] = [row(c, parent_field=fk) for c in children]
    return data


# -- export ------------------------------------------------------------------------------
def _ordered(model, queryset):
    """Rows with a parent after their parent (places, collections)."""
    if not any(f.name == "parent" for f in model._meta.concrete_fields):
        return queryset.order_by("pk").iterator(chunk_size=500)
    rows = list(queryset.order_by("pk"))
    done, ordered = set(), []
    while rows:
        ready = [r for r in rows if r.parent_id is None or r.parent_id in done] or rows[:1]
        for r in ready:
            done.add(r.pk)
            ordered.append(r)
        rows = [r for r in rows if r.pk not in done]
    return ordered


def export_lines() -> Iterator[dict]:
    """The header (counts read first), then every record."""
    counts = {name: model._default_manager.count() for name, model in TYPES.items()}
    counts["sourcekey"] = SourceKey.objects.count()
    counts.update(history.counts())
    counts["review"] = sum(model._default_manager.count() for model in REVIEWS.values())
    counts["relation"] = corpus.AgentRelation.objects.count()
    yield {"type": HEADER, "version": VERSION,
           "exported_at": timezone.now().isoformat(), "counts": counts}  # fmt: skip
    yield from export_records()


def export_records() -> Iterator[dict]:
    for name, model in TYPES.items():
        natural = NATURAL[model]
        queryset = model._default_manager.all()
        if model is corpus.Document:
            queryset = queryset.prefetch_related(*(f.name for f in _many_to_many(model)))
        for obj in _ordered(model, queryset):
            try:
                yield {"type": name, **row(obj)}
            except ExportError as error:
                raise ExportError(f"{name} {getattr(obj, natural)!r}: {error}") from None
    for key in SourceKey.objects.order_by("pk"):
        model = {"agent": corpus.Agent, "place": corpus.Place, "collection": corpus.Collection}[
            key.scope
        ]
        target = model._default_manager.filter(pk=key.object_id).first()
        if target is not None:
            yield {"type": "sourcekey", "scope": key.scope, "key": key.key, "object": _nk(target)}
    yield from history.export_lines()  # versions, review comments, audit log
    for relation in corpus.AgentRelation.objects.select_related("agent", "other").order_by("pk"):
        yield {
            "type": "relation", "id": relation.pk, "agent": relation.agent.slug,
            "other": relation.other.slug,
            **{name: getattr(relation, name) for name in RELATION_FIELDS},
        }  # fmt: skip
    for kind, model in REVIEWS.items():
        reviews = model._default_manager.select_related("record", "candidate").order_by("pk")
        for review in reviews:
            yield {
                "type": "review", "kind": kind, "id": review.pk, "record": review.record.slug,
                "candidate": review.candidate.slug, "status": review.status,
                "reason": review.reason, "created_at": review.created_at.isoformat(),
            }  # fmt: skip


def _encode(line: dict) -> bytes:
    return (json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def export_jsonl(out: Path) -> int:
    """Write the archive to ``out`` whole or not at all; returns the documents written.

    The records go to a scratch file first, counted and hashed, so the header states what
    the file really holds even if the archive changed while it was read; then header,
    records and end line are written to a temporary file that is renamed to ``out``.
    """
    counts = Counter(
        {name: 0 for name in [*TYPES, "sourcekey", "review", "relation", *history.KINDS]}
    )
    digest = hashlib.sha256()
    with tempfile.TemporaryFile(dir=out.parent, prefix=f".{out.name}.") as body:
        for line in export_records():
            data = _encode(line)
            body.write(data)
            digest.update(data)
            counts[line["type"]] += 1
        header = {"type": HEADER, "version": VERSION,
                  "exported_at": timezone.now().isoformat(), "counts": dict(counts)}  # fmt: skip
        end = {"type": END, "counts": dict(counts), "records": counts.total(),
               "sha256": digest.hexdigest()}  # fmt: skip
        with atomic_write(out, "wb") as f:
            f.write(_encode(header))
            body.seek(0)
            shutil.copyfileobj(body, f)
            f.write(_encode(end))
    return counts["document"]


# -- import ------------------------------------------------------------------------------
class Restorer:
    """Writes export lines back; one per file, inside the import's transaction, or in
    batches through a :class:`~.staging.Stage` (``stage``) into an empty archive."""

    def __init__(self, where_prefix: str):
        self.name = where_prefix
        self.self_refs: list[tuple[type, int, str, object]] = []  # (model, pk, field, value)
        self.changed_docs: set[int] = set()
        self.stage: Stage | None = None
        self.saved: models.Model | None = None  # the row _save created last
        #: the records lines refer to, by natural key, read once per model and run
        self._known: dict[type[models.Model], dict[str, models.Model]] = {}

    def find(self, model: type[models.Model], key) -> models.Model | None:
        """The ``model`` record with this natural key, from a map read once per run (a
        record made since is looked up, then kept)."""
        if model not in self._known:
            natural = NATURAL[model]
            many = model in (corpus.Document, Tombstone)  # looked up one by one
            records = model._default_manager.none() if many else model._default_manager.all()
            self._known[model] = {str(getattr(o, natural)): o for o in records}
        known = self._known[model]
        found = known.get(str(key))
        if found is None:
            found = model._default_manager.filter(**{NATURAL[model]: key}).first()
            if found is not None:
                known[str(key)] = found
        return found

    def remember(self, obj: models.Model) -> None:
        """A record written in bulk: kept in the map :meth:`find` reads, if read already."""
        known = self._known.get(type(obj))
        if known is not None:
            known[str(getattr(obj, NATURAL[type(obj)]))] = obj

    @property
    def staging(self) -> Stage | None:
        """The stage while writing a batch of a staged run (not its last, publishing
        transaction), else None."""
        return self.stage if self.stage is not None and not self.stage.publishing else None

    def _convert(self, model, field, value, where: str):
        if value is None or value == "":
            return value
        if field.many_to_one or field.one_to_one:
            target_model = field.related_model
            if target_model in NATURAL:
                target = self.find(target_model, value)
                if target is None:
                    raise IngestError(where, f"{field.name}: no {target_model.__name__} {value!r}")
                return target
            return target_model.objects.filter(pk=value).first()
        if isinstance(field, models.FileField):
            return self._restore_file(field, value, where)
        if isinstance(field, models.DateTimeField):
            return parse_datetime(value)
        if isinstance(field, models.DateField):
            return parse_date(value)
        if isinstance(field, models.DecimalField):
            return decimal.Decimal(value)
        return value

    def _restore_file(self, field, value, where: str) -> str:
        if not isinstance(value, dict) or not value.get("name"):
            return ""
        name = value["name"]
        problem = media_path_problem(name)
        if problem:
            raise IngestError(where, f"stored file path {name!r} {problem}")
        if value.get("data") is not None and not default_storage.exists(name):
            data = base64.b64decode(value["data"])
            try:  # judged by content, as an upload in the admin is (corpus/uploads.py)
                uploads.check_bytes(data, field.kinds, name=name)
            except ValidationError as exc:
                raise IngestError(where, f"{field.name}: {exc.messages[0]}") from None
            saved = default_storage.save(name, ContentFile(data))
            if self.stage is not None:
                self.stage.stored(saved)
            return saved
        return name

    def _values(
        self, model, data: dict, where: str, parent_field: str = "", cleaned: bool = True
    ) -> dict:
        """A line's field values, converted; ``cleaned``: its HTML cleaned as saving would
        clean it, to compare with a stored row (a new row written in bulk leaves it to its
        ``prepare()``: :func:`~chancery.corpus.models.as_saved`)."""
        values = {}
        for field in model._meta.concrete_fields:
            if field.name in SKIP_FIELDS or field.name == parent_field or field.name not in data:
                continue
            if field.name in DERIVED:
                continue
            if (field.many_to_one and field.related_model is model) or (
                model is corpus.Document and field.name == "attached_to"
            ):
                continue  # self references: after every row exists
            values[field.attname if not field.is_relation else field.name] = self._convert(
                model, field, data[field.name], where
            )
        for name in HTML_FIELDS & set(values) if cleaned else ():
            values[name] = clean_html(values[name] or "")  # a file is untrusted input too
        return values

    def restore(self, data: dict, where: str, writer) -> str:
        kind = data.get("type")
        if kind == "sourcekey":
            return self._source_key(data, where)
        if kind in history.KINDS:
            return self._history(data, where, writer)
        if kind == "review":
            return self._review(data, where)
        if kind == "relation":
            return self._relation(data, where)
        if kind not in TYPES:
            raise IngestError(where, f"unknown line type {kind!r}")
        model = TYPES[kind]
        natural = NATURAL[model]
        if not data.get(natural):
            raise IngestError(where, f"a {kind} line needs {natural!r}")
        if model is Tombstone and (stage := self.staging):  # OAI shows it: written on publication
            stage.defer(lambda: self.restore(data, where, writer))
            return "created"  # a staged run's archive has no tombstones (staging.can_stage)
        obj = model._default_manager.filter(**{natural: data[natural]}).first()
        if (
            model is Tombstone
            and obj is not None
            and obj.pk != (exported := data.get("id"))
            and (exported is None or not Tombstone.objects.filter(pk=exported).exists())
        ):  # made a moment ago by restoring its document (oai.signals): the exported row wins
            obj.delete()
            obj = None
        values = self._values(model, data, where)
        outcome = self._save(model, obj, values, data.get("id"), top=True)
        obj = model._default_manager.get(**{natural: data[natural]})
        for field in model._meta.concrete_fields:
            if field.is_relation and (field.related_model is model) and field.name in data:
                self.self_refs.append((model, obj.pk, field.name, data[field.name]))
        for field in _many_to_many(model):
            if field.name in data:
                outcome = self._m2m(obj, field, data[field.name], where, outcome)
        created = outcome == "created"  # a row made just now has no inline rows to compare
        for name, (child_model, fk) in CHILDREN.get(model, {}).items():
            if name in data:
                outcome = self._children(obj, child_model, fk, data[name], where, outcome, created)
        if model is corpus.Document:
            writer.outcomes[obj.pk] = outcome
            if outcome != "unchanged":
                self.changed_docs.add(obj.pk)
            return ""
        return outcome

    def _save(self, model, obj, values: dict, pk, top: bool = False) -> str:
        """Create or update one row; ``top``: a line's own row (not an inline child)."""
        auto = {f.name: values.pop(f.name) for f in model._meta.concrete_fields
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                if f.name in values}  # fmt: skip
        if obj is None:
            publish = {}
            if model is corpus.Document and self.staging:  # a draft until the run is published
                status = values.pop("status", None) or corpus.Document.DRAFT
                published_at = values.pop("published_at", None)
                if status == corpus.Document.PUBLISHED and published_at is None:
                    published_at = timezone.now()
                publish = {"status": status, "published_at": published_at}
                values["status"] = corpus.Document.DRAFT
            obj = model(**values)
            if pk is not None and not model.objects.filter(pk=pk).exists():
                obj.pk = pk
            else:
                self.next_ids(model)
            obj.save()
            self.saved = obj
            outcome = "created"
            if top and (stage := self.staging):
                stage.created(obj, **publish)
        else:
            current = {k: getattr(obj, k) for k in values}
            if current == values and all(getattr(obj, k) == v for k, v in auto.items()):
                return "unchanged"
            if (
                stage := self.staging
            ):  # a row the public sees (a language, say): changed on publication
                stage.defer(lambda: self._save(model, obj, {**values, **auto}, pk))
                return "updated"
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            outcome = "updated"
        if auto:
            model.objects.filter(pk=obj.pk).update(**auto)
        # derived or non-editable fields the model's save() recomputes: keep the exported ones
        keep = {k: v for k, v in values.items() if k in ("published_at",)}
        if keep:
            model.objects.filter(pk=obj.pk).update(**keep)
        return outcome

    def _m2m(self, obj, field, keys: list, where: str, outcome: str) -> str:
        target_model = field.related_model
        if target_model is type(obj):
            self.self_refs.append((type(obj), obj.pk, field.name, keys))
            return outcome
        natural = NATURAL[target_model]
        targets = list(target_model.objects.filter(**{f"{natural}__in": keys}))
        if len(targets) != len(set(keys)):
            missing = set(keys) - {getattr(t, natural) for t in targets}
            raise IngestError(where, f"{field.name}: unknown {sorted(missing)}")
        manager = getattr(obj, field.name)
        if set(manager.values_list("pk", flat=True)) == {t.pk for t in targets}:
            return outcome
        manager.set(targets)
        return "updated" if outcome == "unchanged" else outcome

    def _children(
        self, parent, model, fk: str, rows: list[dict], where: str, outcome: str, new=False
    ) -> str:
        """A row's inline rows, replaced unless the same; ``new``: its parent was created by
        this line (so has none yet: not looked up)."""
        existing = [] if new else list(model.objects.filter(**{fk: parent}).order_by("pk"))
        wanted = []
        for data in rows:
            values = self._values(model, data, where, parent_field=fk)
            wanted.append((data, values))
        same = len(existing) == len(wanted) and all(
            all(getattr(e, k) == v for k, v in values.items())
            for e, (_, values) in zip(existing, wanted, strict=True)
        )
        if same:
            for e, (data, _) in zip(existing, wanted, strict=True):
                outcome = self._grandchildren(e, data, where, outcome)
            return outcome
        model.objects.filter(pk__in=[e.pk for e in existing]).delete()
        for data, values in wanted:
            # a scan exported with its machine-read text is not read again (version 5)
            with already_read() if "machine_texts" in data else contextlib.nullcontext():
                self._save(model, None, {**values, fk: parent}, data.get("id"))
            self._grandchildren(self.saved, data, where, outcome)
        return "updated" if outcome == "unchanged" else outcome

    def _grandchildren(self, obj, data: dict, where: str, outcome: str) -> str:
        """The inline rows of an inline row (a scan's machine-read text)."""
        for name, (model, fk) in CHILDREN.get(type(obj), {}).items():
            if name in data:
                outcome = self._children(obj, model, fk, data[name], where, outcome)
        return outcome

    def _history(self, data: dict, where: str, writer) -> str:
        """A version, review comment or audit-log entry (chancery/versions/backup.py)."""
        try:
            outcome, warning = history.restore(data, where, self.stage)
        except (history.HistoryError, KeyError, TypeError) as exc:
            raise IngestError(where, f"{data.get('type')}: {exc}") from None
        if warning:
            writer.report.warnings.append(warning)
        return outcome

    def revisions(self, lines: list[tuple[dict, str]], writer) -> None:
        """A run of ``revision`` lines: in bulk, but for a line that is not plain."""

        def one(data: dict, where: str) -> None:
            outcome = self._history(data, where, writer)
            if outcome:
                writer.report.add(outcome)

        writer.report.add("created", history.restore_revisions(lines, one, self.stage))

    def source_keys(self, lines: list[tuple[dict, str]], writer) -> None:
        """A run of ``sourcekey`` lines: the new keys in bulk, their records found in the
        maps :meth:`find` keeps; a key the archive has, one the run names twice or one in
        error goes row by row (:meth:`_source_key`) in its place."""
        scopes = {"agent": corpus.Agent, "place": corpus.Place, "collection": corpus.Collection}
        keys = {k for data, _ in lines if isinstance(k := data.get("key"), str)}
        have: set[tuple[str, object]] = set(
            SourceKey.objects.filter(key__in=keys).values_list("scope", "key")
        )
        new: list[SourceKey] = []

        def write_new() -> None:
            SourceKey.objects.bulk_create(new, batch_size=500)
            if stage := self.staging:
                for sk in new:
                    stage.created(sk)
            writer.report.add("created", len(new))
            new.clear()

        for data, where in lines:
            scope, key, name = str(data.get("scope")), data.get("key"), data.get("object")
            model = scopes.get(scope)
            target = self.find(model, name) if model and isinstance(name, str) else None
            if target is None or not isinstance(key, str) or (scope, key) in have:
                write_new()
                writer.report.add(self._source_key(data, where))
                have.add((scope, key))
                continue
            sk = SourceKey(scope=scope, key=key, object_id=target.pk)
            strip_on_save(SourceKey, sk)
            new.append(sk)
            have.add((scope, key))
        write_new()

    def _source_key(self, data: dict, where: str) -> str:
        scopes: dict[str, type[corpus.Agent | corpus.Place | corpus.Collection]] = {
            "agent": corpus.Agent, "place": corpus.Place, "collection": corpus.Collection,
        }  # fmt: skip
        model = scopes.get(str(data.get("scope")))
        target = model._default_manager.filter(slug=data.get("object")).first() if model else None
        if target is None:
            raise IngestError(where, f"source key {data.get('key')!r}: no such record")
        sk = SourceKey.objects.filter(scope=data["scope"], key=data["key"]).first()
        if sk is None:
            sk = SourceKey.objects.create(scope=data["scope"], key=data["key"], object_id=target.pk)
            if stage := self.staging:
                stage.created(sk)
            return "created"
        if sk.object_id != target.pk:
            update = SourceKey.objects.filter(pk=sk.pk)
            if stage := self.staging:
                stage.defer(lambda: update.update(object_id=target.pk))
            else:
                update.update(object_id=target.pk)
            return "updated"
        return "unchanged"

    def _review(self, data: dict, where: str) -> str:
        """A pair on a review list, by the slugs of its two records."""
        model = REVIEWS.get(str(data.get("kind")))
        if model is None:
            raise IngestError(where, f"review of {data.get('kind')!r}: not a kind of record")
        authority = model._meta.get_field("record").related_model
        pair: dict[str, Any] = {}  # an Agent or a Place, by the kind of review
        for end in ("record", "candidate"):
            pair[end] = authority._default_manager.filter(slug=data.get(end)).first()
            if pair[end] is None:
                raise IngestError(where, f"review {end} {data.get(end)!r}: no such record")
        values = {"status": data.get("status") or model.OPEN, "reason": data.get("reason", "")}
        reviews = model._default_manager
        review = reviews.filter(**pair).first()
        if review is None:
            review = model(**pair, **values)
            if data.get("id") is not None and not reviews.filter(pk=data["id"]).exists():
                review.pk = data["id"]
            else:
                self.next_ids(model)
            review.save()
            if data.get("created_at"):
                reviews.filter(pk=review.pk).update(created_at=parse_datetime(data["created_at"]))
            if stage := self.staging:
                stage.created(review)
            return "created"
        if all(getattr(review, k) == v for k, v in values.items()):
            return "unchanged"
        update = reviews.filter(pk=review.pk)
        if stage := self.staging:
            stage.defer(lambda: update.update(**values))
        else:
            update.update(**values)
        return "updated"

    def _relation(self, data: dict, where: str) -> str:
        """A relation between two people or organisations, by their slugs."""
        ends: dict[str, Any] = {}
        for end in ("agent", "other"):
            ends[end] = corpus.Agent.objects.filter(slug=data.get(end)).first()
            if ends[end] is None:
                raise IngestError(where, f"relation {end} {data.get(end)!r}: no such record")
        if ends["agent"] == ends["other"]:
            raise IngestError(where, f"relation of {data.get('agent')!r} to itself")
        kind = data.get("relation_type") or "associative"
        if kind not in corpus.AgentRelation.TYPES:
            raise IngestError(where, f"relation type {kind!r}: not an EAC-CPF cpfRelationType "
                              f"({', '.join(corpus.AgentRelation.TYPES)})")  # fmt: skip
        values = {n: str(data.get(n) or "") for n in RELATION_FIELDS[1:]}
        relations = corpus.AgentRelation.objects
        relation = relations.filter(**ends, relation_type=kind).first()
        if relation is None:
            relation = corpus.AgentRelation(**ends, relation_type=kind, **values)
            if data.get("id") is not None and not relations.filter(pk=data["id"]).exists():
                relation.pk = data["id"]
            else:
                self.next_ids(corpus.AgentRelation)
            try:
                relation.full_clean()
            except ValidationError as error:
                raise IngestError(where, f"relation: {'; '.join(error.messages)}") from None
            relation.save()
            if stage := self.staging:
                stage.created(relation)
            return "created"
        if all(getattr(relation, k) == v for k, v in values.items()):
            return "unchanged"
        relations.filter(pk=relation.pk).update(**values)
        return "updated"

    def self_ref(self, writer, model, pk: int, name: str, value) -> None:
        """A reference from a row to another of its kind, once both exist."""
        field = model._meta.get_field(name)
        natural = NATURAL[model]
        if field.many_to_many:
            targets = set(
                model.objects.filter(**{f"{natural}__in": value}).values_list("pk", flat=True)
            )
            manager = getattr(model.objects.get(pk=pk), name)
            if set(manager.values_list("pk", flat=True)) != targets:
                manager.set(targets)
                self._touch(writer, model, pk)
            return
        target = (
            model.objects.filter(**{natural: value}).values_list("pk", flat=True).first()
            if value
            else None
        )
        if value and target is None:
            raise IngestError(self.name, f"{model.__name__} {name}: no {value!r}")
        if getattr(model.objects.get(pk=pk), field.attname) != target:
            model.objects.filter(pk=pk).update(**{field.attname: target})
            changed_by_import(model, pk)  # an update sends no signal: its version says so
            if model is corpus.Collection:
                move_subtree(model.objects.get(pk=pk))
            self._touch(writer, model, pk)

    @staticmethod
    def _touch(writer, model, pk) -> None:
        if model is corpus.Document and writer.outcomes.get(pk) == "unchanged":
            writer.outcomes[pk] = "updated"

    @staticmethod
    def next_ids(model: type[models.Model]) -> None:
        """Before a row of ``model`` is written without an id: on PostgreSQL its sequence
        moved past the ids this restore wrote (an explicit id does not advance it, and the
        sequences are reset only at the end), or the row could take one of them."""
        statements = connection.ops.sequence_reset_sql(no_style(), [model])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    @staticmethod
    def reset_sequences() -> None:
        all_models = [*TYPES.values()] + [
            c for children in CHILDREN.values() for c, _ in children.values()
        ] + [SourceKey, *REVIEWS.values(), corpus.AgentRelation, *history.MODELS]  # fmt: skip
        statements = connection.ops.sequence_reset_sql(no_style(), all_models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# -- checking a file before anything is written -------------------------------------------
class Checked:
    """What :func:`check_export` found: the version (0: no header) and a note to report."""

    def __init__(self, version: int, note: str = ""):
        self.version, self.note = version, note


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            if raw.strip():
                yield n, raw


def _parse(raw: bytes, where: str) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise IngestError(where, "not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise IngestError(where, f"malformed JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise IngestError(where, "each line must be a JSON object")
    return data


def _file_names(model, data: dict) -> Iterator[tuple[str, object]]:
    """(field, stored name) of every file in a record and its inline children."""
    for field in model._meta.concrete_fields:
        value = data.get(field.name)
        if isinstance(field, models.FileField) and isinstance(value, dict):
            yield field.name, value.get("name")
    for name, (child, _) in CHILDREN.get(model, {}).items():
        for n, item in enumerate(data.get(name) or [], 1):
            if isinstance(item, dict):
                for field, value in _file_names(child, item):
                    yield f"{name}[{n}].{field}", value


def _check_record(data: dict, where: str) -> None:
    kind = data.get("type")
    if kind in ("sourcekey", "review", "relation") or kind in history.KINDS:
        return
    if kind not in TYPES:
        raise IngestError(where, f"unknown line type {kind!r}")
    model = TYPES[kind]
    natural = NATURAL[model]
    for field, name in _file_names(model, data):
        problem = media_path_problem(name)
        if problem:
            raise IngestError(
                where, f"{kind} {data.get(natural)!r}, {field}: stored file path {name!r} {problem}"
            )


def _differences(announced: dict, found: Counter) -> str:
    names = sorted(set(announced) | set(found), key=lambda n: (n != "document", n))
    return "; ".join(
        f"{announced.get(n, 0):,} {n} lines announced, {found[n]:,} found"
        for n in names
        if announced.get(n, 0) != found[n]
    )


def check_export(path: Path) -> Checked:
    """Read the whole file once, writing nothing: the header, every line's JSON, its type
    and stored file paths, the counts and the end line's checksum. Raises IngestError
    saying what was announced and what was found when the file is short or altered."""
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise IngestError(path.name, "empty file: not a Chancery export")
    header = _parse(first[1], f"{path.name}:{first[0]}")
    if header.get("type") != HEADER:  # lines written by hand or by another program
        for n, raw in [first, *lines]:
            _check_record(_parse(raw, f"{path.name}:{n}"), f"{path.name}:{n}")
        return Checked(0, f"{path.name}: no header line: read as hand-made lines, not as a "
                       "Chancery export (nothing to check that it is complete)")  # fmt: skip
    version = header.get("version")
    if type(version) is not int or not 1 <= version <= VERSION:
        newer = type(version) is int and version > VERSION
        raise IngestError(
            f"{path.name}:{first[0]}",
            f"export version {version!r} not supported: this Chancery reads versions 1 to "
            f"{VERSION}"
            + ("; a newer Chancery wrote the file: upgrade to import it" if newer else ""),
        )
    counts = header.get("counts")
    announced: dict = counts if isinstance(counts, dict) else {}
    found: Counter = Counter()
    digest = hashlib.sha256()
    end, last = None, first[0]
    for n, raw in lines:
        where, last = f"{path.name}:{n}", n
        if end is not None:
            raise IngestError(where, "a line after the export's end line")
        try:
            data = _parse(raw, where)
        except IngestError:
            if raw.endswith(b"\n"):
                raise
            last = n - 1  # a last line cut off in the middle: the file is short
            break
        if data.get("type") == END:
            end = data
            continue
        _check_record(data, where)
        digest.update(raw)
        found[data["type"]] += 1
    cut = f"{path.name}: the file is incomplete or altered, nothing was imported"
    if version == 1:  # older exports: no end line, no checksum; the header's counts only
        found = Counter({name: found[name] for name in announced})
        if _differences(announced, found):
            raise IngestError(path.name, f"{cut}: {_differences(announced, found)}")
        note = "its counts match the header, its contents are unverified"
        return Checked(
            1, f"{path.name}: an export without an end line or checksum (version 1): {note}"
        )
    if end is None:
        short = _differences(announced, found) or "the counts match, but the end line is missing"
        raise IngestError(path.name, f"{cut}: no end line after line {last:,} ({short})")
    if end.get("counts") != announced or _differences(announced, found):
        differences = _differences(announced, found) or "the end line's counts differ"
        raise IngestError(path.name, f"{cut}: {differences}")
    if end.get("sha256") != digest.hexdigest():
        raise IngestError(
            path.name, f"{cut}: checksum mismatch (end line {str(end.get('sha256'))[:12]}…, "
            f"contents {digest.hexdigest()[:12]}…)",
        )  # fmt: skip
    return Checked(version)


def read_jsonl(path: Path):
    """The import reader for ``chancery import jsonl``: a Chancery export, checked whole
    when called (before the import's transaction begins), then restored line by line."""
    checked = check_export(path)
    return Restore(path, checked)


class Restore:
    """A checked file's write steps, one per line, then the references between rows.

    ``stageable``: the import may write them in batches (chancery/ingest/staging.py);
    it then calls :meth:`stage_with` first.
    """

    stageable = True

    def __init__(self, path: Path, checked: Checked):
        self.path, self.checked = path, checked
        self.restorer = Restorer(path.name)
        self._line_steps = self._steps_of_lines()
        self._ahead: deque = deque()  # steps read during a pause, not yet written

    def stage_with(self, stage) -> None:
        self.restorer.stage = stage

    def read_ahead(self, seconds: float) -> None:
        """Spend the pause between two staged batches (the writers' turn, ingest/run.py)
        reading and parsing the next lines: that touches no database, so other writers still
        get their turn, and the restore's next batches only write. The references between
        rows that follow the lines are never read ahead: the lines' writes collect them."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            step = next(self._line_steps, None)
            if step is None:
                break
            self._ahead.append(step)
        time.sleep(max(0.0, until - time.monotonic()))

    def __iter__(self):
        restorer = self.restorer
        if self.checked.note:
            yield Note(self.checked.note)
        while (step := self._next_line_step()) is not None:
            yield step
        for ref in restorer.self_refs:  # each its own step: a batch may end between them
            yield lambda writer, ref=ref: _keeping_stamps(restorer.self_ref, writer, *ref)
        yield lambda writer: restorer.reset_sequences()

    def _next_line_step(self):
        return self._ahead.popleft() if self._ahead else next(self._line_steps, None)

    def _steps_of_lines(self) -> Iterator:
        """A write step per line or run of lines of one type: reads the file, writes nothing."""
        restorer, path = self.restorer, self.path
        run: list[tuple[dict, str]] = []  # consecutive lines of one type, written together
        for n, raw in _lines(path):
            where = f"{path.name}:{n}"
            data = _parse(raw, where)
            kind = data.get("type")
            if kind in (HEADER, END):
                continue
            if run and run[0][0].get("type") != kind:
                yield _run_step(restorer, run)
                run = []
            if kind in IN_RUNS:
                run.append((data, where))
                if len(run) >= IN_RUNS[kind]:
                    yield _run_step(restorer, run)
                    run = []
            else:
                yield _step(restorer, data, where)
        if run:
            yield _run_step(restorer, run)


def _keeping_stamps(function, *args):
    """A restore writes the exported datestamps: relation changes do not move them."""
    with stamps_kept():
        return function(*args)


#: line types written a run at a time, and the longest run
IN_RUNS = {
    "agent": RECORDS, "place": RECORDS, "collection": RECORDS, "document": DOCUMENTS,
    "revision": history.REVISIONS, "sourcekey": 500, "review": PAIRS, "relation": PAIRS,
}  # fmt: skip


def _run_step(restorer: Restorer, lines: list[tuple[dict, str]]):
    """One write step for a run of people, places or collections (:mod:`.jsonl_records`),
    of document lines (:mod:`.jsonl_bulk`), of revision lines
    (:func:`.backup.restore_revisions`), of source keys (:meth:`Restorer.source_keys`) or
    of review pairs or relations (:mod:`.jsonl_pairs`)."""
    cleaned = []
    removed = []
    for data, where in lines:
        data, gone = clean_tree(data)
        cleaned.append((data, where))
        if gone:
            removed.append(f"{where}: removed control characters XML cannot carry ({gone})")

    def write(writer):
        writer.report.warnings.extend(removed)
        kind = cleaned[0][0].get("type")
        if kind == "document":
            _keeping_stamps(restore_documents, restorer, cleaned, writer)
        elif kind in ("agent", "place", "collection"):
            _keeping_stamps(restore_records, restorer, cleaned, writer)
        elif kind == "revision":
            _keeping_stamps(restorer.revisions, cleaned, writer)
        elif kind in ("review", "relation"):
            _keeping_stamps(restore_pairs, restorer, cleaned, writer)
        else:
            _keeping_stamps(restorer.source_keys, cleaned, writer)

    write.lines = len(lines)  # type: ignore[attr-defined]  # the progress bar counts lines
    return write


def _step(restorer: Restorer, data: dict, where: str):
    data, removed = clean_tree(data)  # control characters XML cannot carry: stripped, noted

    def write(writer):
        if removed:
            writer.report.warnings.append(
                f"{where}: removed control characters XML cannot carry ({removed})"
            )
        outcome = _keeping_stamps(restorer.restore, data, where, writer)
        if outcome:
            writer.report.add(outcome)

    return write
