"""Making, reading and reverting versions: the one module the rest of Chancery calls.

* Admin saves are versioned by django-reversion's ``create_revision`` (admin.py).
* Imports version in bulk (:func:`version_documents`): one revision per document changed,
  written with ``bulk_create`` and attributed to an :class:`~.models.ImportSource`.
* :func:`revert` restores a version's fields, relations, text layers, scans and
  memberships, removing the layers added since, and records that as a new version.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from reversion.models import Revision, Version, _safe_revert
from reversion.revisions import _get_options

from chancery.corpus import models as m

from .context import revision_info
from .models import ImportSource, RevisionInfo
from .registry import CHILDREN

_import_name: ContextVar[str] = ContextVar("chancery-import-name", default="")
CHUNK = 200  # documents serialised per round of queries


# -- imports -------------------------------------------------------------------------------
@contextmanager
def importing_as(name: str):
    """Attribute the imports made in this block to ``name`` (``chancery import --as``)."""
    token = _import_name.set(name)
    try:
        yield
    finally:
        _import_name.reset(token)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_source(path: Path, fmt: str = "") -> ImportSource:
    """The record of importing ``path`` now (its name, file and checksum)."""
    import getpass

    try:
        default = getpass.getuser()
    except (KeyError, OSError):
        default = "import"
    return ImportSource.objects.create(
        name=(_import_name.get() or default)[:200],
        file=path.name[:500],
        sha256=sha256(path),
        format=fmt[:20],
    )


def link_table(f: models.ManyToManyField) -> type[models.Model] | None:
    """The table Django made for a plain many-to-many field (None: a model of our own)."""
    through = f.remote_field.through
    if through is None or isinstance(through, str) or not through._meta.auto_created:
        return None
    return through


def _stored(obj: models.Model, names, relations: dict | None = None) -> str:
    """``obj`` as Django's JSON serializer writes it (what reversion reads back), quicker:
    many-to-many values come from ``relations`` (field name -> ids, read in bulk from the
    link tables), where Django's serializer runs a query per relation and object."""
    fields = {}
    for f in obj._meta.local_fields:
        if not getattr(f, "serialize", True) or f.name not in names:
            continue
        if f.remote_field is not None:
            fields[f.name] = getattr(obj, f.attname)
            continue
        value = f.value_from_object(obj)
        fields[f.name] = value if is_protected_type(value) else f.value_to_string(obj)
    for f in obj._meta.local_many_to_many:
        if getattr(f, "serialize", True) and f.name in names and link_table(f) is not None:
            if relations is None:
                ids = getattr(obj, f.name).values_list("pk", flat=True)
            else:
                ids = relations.get(f.name, [])
            fields[f.name] = sorted(ids)
    data = [{"model": obj._meta.label_lower, "pk": obj.pk, "fields": fields}]
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def _serialize(obj: models.Model, label: str = "", relations: dict | None = None) -> Version:
    options = _get_options(type(obj))
    return Version(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=force_str(obj.pk),
        db="default",
        format="json",
        serialized_data=_stored(obj, set(options.fields), relations),
        object_repr=(label or force_str(obj))[:10000],
    )


def _relation_ids(model: type[models.Model], pks: list[int]) -> dict[int, dict[str, list]]:
    """Record pk -> relation name -> ids of what it links to, one query per relation."""
    found: dict[int, dict[str, list]] = {pk: {} for pk in pks}
    for f in model._meta.local_many_to_many:
        through = link_table(f)
        if through is None:
            continue
        source, target = f.m2m_field_name() + "_id", f.m2m_reverse_field_name() + "_id"
        rows = through._default_manager.filter(**{f"{source}__in": pks}).values_list(source, target)
        for pk, other in rows:
            found[pk].setdefault(f.name, []).append(other)
    return found


def _labels(model: type[models.Model]):
    """How a version of a record of ``model`` and of its children are named in the admin."""
    if model is m.Document:
        return (lambda doc: doc.title), (
            lambda row, doc: f"{type(row).__name__} of {doc.public_id}"
        )
    return force_str, (lambda row, parent: force_str(row))


def version_records(
    model: type[models.Model],
    pks,
    source: ImportSource | None,
    *,
    user=None,
    event: str = "import",
    comment: str = "",
    note: str = "",
) -> int:
    """One revision per record of ``model`` (with its children: a document's texts, scans
    and memberships, a person's or place's variant names), in bulk."""
    pks = sorted(set(pks))
    now = timezone.now()
    comment = comment or (f"Imported from {source.file} by {source.name}" if source else "")
    label, child_label = _labels(model)
    made = 0
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        objs = list(model._default_manager.filter(pk__in=chunk).order_by("pk"))
        relations = _relation_ids(model, chunk)
        children: dict[int, list] = {}
        for child, fk in CHILDREN.get(model, []):
            rows = child._default_manager.filter(**{f"{fk}_id__in": chunk}).order_by("pk")
            for row in rows:
                children.setdefault(getattr(row, f"{fk}_id"), []).append(row)
        revisions = Revision.objects.bulk_create(
            [Revision(date_created=now, user=user, comment=comment) for _ in objs]
        )
        versions = []
        for obj, revision in zip(objs, revisions, strict=True):
            parts: list[tuple[models.Model, str, dict | None]]
            parts = [(obj, label(obj), relations[obj.pk])]
            parts += [(row, child_label(row, obj), None) for row in children.get(obj.pk, [])]
            for part, name, links in parts:
                version = _serialize(part, name, links)
                version.revision = revision
                versions.append(version)
        Version.objects.bulk_create(versions, batch_size=500)
        RevisionInfo.objects.bulk_create(
            [RevisionInfo(revision=r, source=source, event=event, note=note) for r in revisions]
        )
        made += len(objs)
    return made


def version_documents(
    pks, source: ImportSource | None, *, user=None, event="import", comment="", note=""
) -> int:
    """One revision per document (with its texts, scans and memberships), in bulk."""
    return version_records(
        m.Document, pks, source, user=user, event=event, comment=comment, note=note
    )


# -- reading -------------------------------------------------------------------------------
def versions_of(obj: models.Model):
    """Every version of ``obj``, oldest first, with who made it."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user", "revision__info__source")
        .order_by("pk")
    )


def fields_of(version: Version) -> dict:
    """The stored fields of a version (foreign keys as ids, many-to-many as id lists)."""
    data = json.loads(version.serialized_data)[0]["fields"]
    return data


def children_of(version: Version) -> dict[type[models.Model], list[dict]]:
    """The text layers, scans, memberships (or variants) stored with a version, by model,
    each as its stored fields plus ``pk``."""
    parent = version._model
    found: dict[type[models.Model], list[dict]] = {}
    kinds = {ContentType.objects.get_for_model(c).pk: (c, fk) for c, fk in CHILDREN.get(parent, [])}
    if not kinds:
        return found
    rows = Version.objects.filter(revision_id=version.revision_id, content_type_id__in=kinds)
    for row in rows.order_by("pk"):
        child, fk = kinds[row.content_type_id]
        fields = fields_of(row)
        if str(fields.get(fk)) == str(version.object_id):
            found.setdefault(child, []).append({**fields, "pk": int(row.object_id)})
    for items in found.values():
        items.sort(key=lambda f: (f.get("position", 0), f["pk"]))
    return found


def is_public(version: Version) -> bool:
    return fields_of(version).get("status") == m.Document.PUBLISHED


def ensure_baseline(obj: models.Model, user=None) -> None:
    """A version of ``obj`` as it is, if it has none yet (records older than versioning)."""
    if not Version.objects.get_for_object(obj).exists():
        with revision_info(event="baseline"), reversion.create_revision():
            reversion.set_comment("As it was before versioning began")
            reversion.add_to_revision(obj)


# -- reverting -----------------------------------------------------------------------------
def restore(version: Version) -> models.Model:
    """Make the record what ``version`` says: fields, relations, texts, scans, memberships;
    layers added since are removed. Makes no version by itself (see :func:`revert`)."""
    parent = version._model
    obj = parent._default_manager.get(pk=version.object_id)
    rows = [version]
    kept: dict[type, set[str]] = {}
    kinds = {ContentType.objects.get_for_model(c).pk: (c, fk) for c, fk in CHILDREN.get(parent, [])}
    if kinds:
        for row in Version.objects.filter(
            revision_id=version.revision_id, content_type_id__in=kinds
        ):
            child, fk = kinds[row.content_type_id]
            if str(fields_of(row).get(fk)) == str(version.object_id):
                rows.append(row)
                kept.setdefault(child, set()).add(row.object_id)
    with transaction.atomic():
        for child, fk in CHILDREN.get(parent, []):
            keep = kept.get(child, set())
            for extra in child._default_manager.filter(**{fk: obj}):
                if str(extra.pk) not in keep:
                    extra.delete()
        _safe_revert(rows)
        if hasattr(parent, "updated_at"):  # a raw save kept the old stamp: now is the change
            parent._default_manager.filter(pk=obj.pk).update(updated_at=timezone.now())
    obj.refresh_from_db()
    return obj


def revert(version: Version, user, *, note: str = "", event: str = "revert") -> models.Model:
    """Restore ``version`` and record the result as a new version by ``user``."""
    number = list(versions_of_model(version).values_list("pk", flat=True)).index(version.pk) + 1
    with transaction.atomic():
        obj = restore(version)
        with revision_info(event=event, note=note), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(f"Reverted to version {number}")
            reversion.add_to_revision(obj)
    return obj


def versions_of_model(version: Version):
    return Version.objects.filter(
        content_type_id=version.content_type_id, object_id=version.object_id
    ).order_by("pk")


# -- the file being imported ---------------------------------------------------------------
class _ImportState:
    """What the file being imported has made so far (for :func:`record_import`)."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.format = path, fmt
        self.source: ImportSource | None = None
        #: collections and authority records created or changed (model -> pks)
        self.records: dict[type[models.Model], set[int]] = {}
        #: records whose own history came in the file (a JSONL backup): not versioned again
        self.restored: dict[type[models.Model], set[int]] = {}


_file: ContextVar[_ImportState | None] = ContextVar("chancery-import-file", default=None)


@contextmanager
def importing_file(path: Path, fmt: str = ""):
    """Versions the importers make in this block are attributed to this file (run.py)."""
    token = _file.set(_ImportState(path, fmt))
    try:
        yield
    finally:
        _file.reset(token)


def changed_by_import(model: type[models.Model], pk) -> None:
    """Note that the import under way created or changed this record (signals.py calls it
    for every save of a versioned record; importers for what they write in bulk)."""
    state = _file.get()
    if state is not None and pk is not None:
        state.records.setdefault(model, set()).add(pk)


def history_restored(model: type[models.Model], pk) -> None:
    """This record's versions came with the file: the import adds none of its own."""
    state = _file.get()
    if state is not None and pk is not None:
        state.restored.setdefault(model, set()).add(pk)


def record_import(pks) -> int:
    """Version the documents an import created or changed, and the collections and
    authority records it created or changed, attributed to its file; returns how many."""
    state = _file.get()
    wanted: dict[type[models.Model], set[int]] = {m.Document: set(pks)}
    if state is not None:
        for model, found in state.records.items():
            wanted.setdefault(model, set()).update(found)
        state.records = {}
        for model, skip in state.restored.items():
            wanted[model] = wanted.get(model, set()) - skip
    if not any(wanted.values()):
        return 0
    source = None
    if state is not None:
        if state.source is None:
            state.source = import_source(state.path, state.format)
        source = state.source
    made = 0
    for model, found in wanted.items():
        if found:
            made += version_records(model, found, source)
    return made
