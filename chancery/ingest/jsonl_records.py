"""The people, places and collections of a JSONL restore, written in bulk a run at a time.

Row by row (:meth:`.jsonl.Restorer.restore`) a person's line cost a dozen queries and more
(the record looked up, its id, its save and receivers, each variant, office and redirect
saved, its parent set after every line). Consecutive ``agent``, ``place`` or
``collection`` lines are therefore read together (:data:`RECORDS` at a time) and the plain
ones written with ``bulk_create``, doing what their ``save()`` and receivers do:

* what each row's ``save()`` derives, by the model's own ``prepare()``
  (:func:`~chancery.corpus.models.as_saved`: sort keys, a variant's script, a collection's
  cleaned introduction and link, every text stripped) and a collection's path in the tree
  (:func:`~chancery.corpus.hierarchy.path_below`);
* the record noted for its import version (``changed_by_import``) and the facet labels
  forgotten (``labels_changed``); the name-variant table and the index follow the
  documents at the end, as row by row (an import pauses indexing).

A record whose parent is in the archive already (or earlier in the run) has it set as it is
written, a collection with its path; row by row the parent is set after every line
(:meth:`~.jsonl.Restorer.self_ref`), which is still what a parent named later gets.

A line that is not plain goes row by row in its place: a record the archive has (compared
and updated), an id of it or of its inline rows that is taken or named twice, a slug named
twice, a slug or old address the archive keeps already, a value in error (reported there,
by its line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from chancery.corpus import models as corpus
from chancery.corpus.hierarchy import path_below
from chancery.corpus.models import as_saved
from chancery.search.backends import get_backend
from chancery.versions.history import changed_by_import

from .jsonl_bulk import _keep_stamps, auto_fields
from .report import IngestError

if TYPE_CHECKING:
    from .jsonl import Restorer
    from .writer import Writer

#: record lines written together (at most)
RECORDS = 200
#: the line types written in runs here
KINDS = {"agent": corpus.Agent, "place": corpus.Place, "collection": corpus.Collection}
#: the unique fields of inline rows other than the id, which a plain line must leave free
UNIQUE = {corpus.AgentRedirect: "old_slug", corpus.PlaceRedirect: "old_slug",
          corpus.CollectionSlug: "slug"}  # fmt: skip
CHUNK = 500


def restore_records(restorer: Restorer, lines: list[tuple[dict, str]], writer: Writer) -> None:
    """Write a run of lines of one kind as row by row would, line after line: the plain
    ones in bulk, any other in its place through :meth:`~.jsonl.Restorer.restore` (the
    rows before it written first, what the archive holds read again after it)."""
    model = KINDS[lines[0][0]["type"]]
    start = 0
    while start < len(lines):
        taken = Taken.read(model, restorer, lines[start:])
        plans: list[Plan] = []
        while start < len(lines):
            plan = _plan(restorer, model, *lines[start], taken)
            if plan is None:
                break
            plans.append(plan)
            start += 1
        _write(restorer, model, plans, writer)
        if start < len(lines):
            data, where = lines[start]
            writer.report.add(restorer.restore(data, where, writer))
            start += 1


def _children(model: type[models.Model]) -> dict[str, tuple[type[models.Model], str]]:
    from .jsonl import CHILDREN

    return CHILDREN.get(model, {})


def _in_chunks(queryset, name: str, values: Iterable, flat: str) -> set:
    """``flat`` of the rows of ``queryset`` whose ``name`` is one of ``values``."""
    values, found = list(values), set()
    for start in range(0, len(values), CHUNK):
        rows = queryset.filter(**{f"{name}__in": values[start : start + CHUNK]})
        found.update(rows.values_list(flat, flat=True))
    return found


@dataclass
class Taken:
    """What the archive holds already of what a run's lines name, read in a few queries,
    and what the run's plain lines have named so far: ids and unique keys per model."""

    ids: dict[type[models.Model], set[int]]
    keys: dict[type[models.Model], set[str]]
    #: the run's records written or planned, by slug (parents for the lines after them)
    planned: dict[str, models.Model] = field(default_factory=dict)

    @classmethod
    def read(cls, model, restorer: Restorer, lines: list[tuple[dict, str]]) -> Taken:
        ids: dict[type[models.Model], set] = {model: set()}
        keys: dict[type[models.Model], set] = {model: set()}
        for data, _ in lines:
            ids[model].add(data.get("id"))
            keys[model].add(data.get("slug"))
            for name, (child, _fk) in _children(model).items():
                for row in _rows(data, name) or []:
                    ids.setdefault(child, set()).add(row.get("id"))
                    if child in UNIQUE:
                        keys.setdefault(child, set()).add(row.get(UNIQUE[child]))
        if model is corpus.Collection:  # a live slug removes an old one (remember_slug)
            keys[corpus.CollectionSlug] = keys.get(corpus.CollectionSlug, set()) | keys[model]
        manager = {m: m._default_manager.all() for m in {*ids, *keys}}
        return cls(
            ids={m: _in_chunks(manager[m], "pk", _ints(v), "pk") for m, v in ids.items()},
            keys={
                m: _in_chunks(manager[m], UNIQUE.get(m, "slug"), _strs(v), UNIQUE.get(m, "slug"))
                for m, v in keys.items()
            },
        )

    def free(self, model, pk) -> bool:
        return type(pk) is int and pk not in self.ids.setdefault(model, set())

    def claim(self, rows: dict[type[models.Model], list[models.Model]]) -> None:
        """A plain line's rows are planned: their ids and keys are taken for the next."""
        for model, objs in rows.items():
            for obj in objs:
                self.ids.setdefault(model, set()).add(obj.pk)
                key = UNIQUE.get(model) or ("slug" if model in KINDS.values() else "")
                if key:
                    value = getattr(obj, key)
                    self.keys.setdefault(model, set()).add(value)
                    if model is corpus.Collection:  # its slug (a live one removes an old one)
                        self.keys.setdefault(corpus.CollectionSlug, set()).add(value)


def _ints(values: Iterable) -> set[int]:
    return {v for v in values if type(v) is int}


def _strs(values: Iterable) -> set[str]:
    return {v for v in values if isinstance(v, str)}


def _rows(data: dict, name: str) -> list[dict] | None:
    """A line's inline rows of one kind; None: not a list of objects (row by row says)."""
    rows = data.get(name) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return None
    return rows


@dataclass
class Plan:
    """A plain line's rows, unsaved: the record, its datestamps, its inline rows."""

    obj: Any
    stamps: dict
    children: dict[type[models.Model], list[models.Model]]
    parent: str | None  # a parent's slug set after every line (Restorer.self_ref)


def _plan(restorer: Restorer, model, data: dict, where: str, taken: Taken) -> Plan | None:
    """The rows of a plain line, or None (the line goes row by row)."""
    slug, pk = data.get("slug"), data.get("id")
    if not isinstance(slug, str) or not slug or slug in taken.keys[model]:
        return None
    if not taken.free(model, pk) or (model is corpus.Collection and not _free_slug(slug, taken)):
        return None
    try:
        values = restorer._values(model, data, where, cleaned=False)
        children = _inline(restorer, model, data, where, taken)
    except IngestError:
        return None  # row by row says what is wrong, by its line
    if children is None:
        return None
    stamps = {name: values.pop(name) for name in auto_fields(model) if name in values}
    obj = as_saved(model(pk=pk, **values))
    for objs in children.values():
        for child in objs:
            setattr(child, _fk(model, type(child)), obj)
    parent = _parent(restorer, model, obj, data.get("parent"), taken)
    taken.claim({model: [obj], **children})
    taken.planned[slug] = obj
    return Plan(obj, stamps, children, parent)


def _free_slug(slug: str, taken: Taken) -> bool:
    return slug not in taken.keys.get(corpus.CollectionSlug, set())


def _fk(model, child) -> str:
    return next(fk for c, fk in _children(model).values() if c is child)


def _inline(restorer: Restorer, model, data: dict, where: str, taken: Taken):
    """A line's inline rows (variants, offices, redirects, old slugs), unsaved; None when
    one is not plain (its id or unique key taken or named twice)."""
    found: dict[type[models.Model], list[models.Model]] = {}
    ids: set[tuple[type, object]] = set()
    keys: set[tuple[type, object]] = set()
    for name, (child, fk) in _children(model).items():
        if name not in data:
            continue
        rows = _rows(data, name)
        if rows is None:
            return None
        for row in rows:
            pk, key = row.get("id"), row.get(UNIQUE.get(child, ""), "")
            if not taken.free(child, pk) or (child, pk) in ids:
                return None
            if child in UNIQUE and (key in taken.keys.get(child, set()) or (child, key) in keys):
                return None
            ids.add((child, pk))
            keys.add((child, key))
            obj = as_saved(child(pk=pk, **restorer._values(child, row, where, fk, cleaned=False)))
            found.setdefault(child, []).append(obj)
    return found


def _parent(restorer: Restorer, model, obj, slug, taken: Taken) -> str | None:
    """Set a place's or collection's parent when it exists already or earlier in the run;
    else returns its slug, set after every line (:meth:`~.jsonl.Restorer.self_ref`)."""
    if model is corpus.Agent or not slug:
        return None
    parent: Any = taken.planned.get(slug) if isinstance(slug, str) else None
    if parent is None and isinstance(slug, str) and slug != obj.slug:
        parent = restorer.find(model, slug)
    if parent is None:
        return slug
    obj.parent_id = parent.pk
    return None


def _paths(plans: list[Plan]) -> None:
    """Each new collection's path, below its parent's (what ``Collection.save`` sets):
    one query for the parents written before the run."""
    planned = {p.obj.pk: p.obj for p in plans}
    before = {p.obj.parent_id for p in plans} - set(planned) - {None}
    paths = dict(corpus.Collection.objects.filter(pk__in=before).values_list("pk", "path"))
    for plan in plans:
        obj = plan.obj
        parent = planned.get(obj.parent_id)
        above = parent.path if parent is not None else paths.get(obj.parent_id)
        obj.path = path_below(above, obj.pk)


def _write(restorer: Restorer, model, plans: list[Plan], writer: Writer) -> None:
    """The rows of a run of plain lines, and what their saves' receivers did."""
    if not plans:
        return
    if model is corpus.Collection:
        _paths(plans)
    model._default_manager.bulk_create([p.obj for p in plans], batch_size=CHUNK)
    _keep_stamps(model, [(p.obj, p.stamps) for p in plans])
    inline: dict[type[models.Model], list[models.Model]] = {}
    for plan in plans:
        for child, objs in plan.children.items():
            inline.setdefault(child, []).extend(objs)
    for child, objs in inline.items():
        child._default_manager.bulk_create(objs, batch_size=CHUNK)
    stage = restorer.staging
    for plan in plans:
        changed_by_import(model, plan.obj.pk)  # what its post_save did (versions/signals.py)
        if stage is not None:
            stage.created(plan.obj)
        restorer.remember(plan.obj)
        if plan.parent is not None:
            restorer.self_refs.append((model, plan.obj.pk, "parent", plan.parent))
    get_backend().labels_changed()  # what their post_save did (search/signals.py)
    writer.report.add("created", len(plans))
