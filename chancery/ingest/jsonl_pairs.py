"""The review pairs and relations of a JSONL restore, written in bulk a run at a time.

Row by row (:meth:`.jsonl.Restorer.restore`) a ``review`` or ``relation`` line cost half a
dozen queries: its two records looked up, the pair, its id, its insert, and a relation
validated against the database. Consecutive lines of one type are therefore read together
(:data:`PAIRS` at a time): their records from the restore's maps
(:meth:`~.jsonl.Restorer.find`), the pairs and ids the archive holds in two queries per
kind, each new row validated as row by row validates it (a relation's fields, by
``full_clean`` without its queries: the unique pair is checked against the archive and the
run), then written with ``bulk_create``, a review's ``created_at`` kept from the file.

A line that is not plain goes row by row in its place: one without an id or whose id is
taken, a pair the archive or the run has already (compared and updated), an unknown record
or a value in error (reported there, by its line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime

from chancery.corpus import models as corpus
from chancery.corpus.models import as_saved

from .jsonl_bulk import _keep_stamps

if TYPE_CHECKING:
    from .jsonl import Restorer
    from .writer import Writer

#: review or relation lines written together (at most)
PAIRS = 500
Relation = corpus.AgentRelation


def restore_pairs(restorer: Restorer, lines: list[tuple[dict, str]], writer: Writer) -> None:
    """Write a run of review or relation lines as row by row would, line after line: the
    plain ones in bulk, any other in its place (the rows before it written first, what the
    archive holds read again after it)."""
    start = 0
    while start < len(lines):
        held = Held.read(restorer, lines[start:])
        rows: list[tuple[models.Model, dict]] = []
        while start < len(lines) and (row := _plain(restorer, *lines[start], held)) is not None:
            rows.append(row)
            start += 1
        _write(restorer, rows, writer)
        if start < len(lines):
            data, where = lines[start]
            writer.report.add(restorer.restore(data, where, writer))
            start += 1


def _kind(data: dict) -> tuple[type[models.Model] | None, tuple[str, str]]:
    """The model of a line's row and the names of its two ends."""
    if data.get("type") == "relation":
        return Relation, ("agent", "other")
    from .jsonl import REVIEWS

    return REVIEWS.get(str(data.get("kind"))), ("record", "candidate")


def _authority(model: type[models.Model]) -> type[models.Model]:
    end = model._meta.get_field("agent" if model is Relation else "record")
    return cast(type[models.Model], end.related_model)


@dataclass
class Held:
    """The ids and pairs (record ids, and a relation's type) the archive holds of what a
    run's lines name, read in two queries per kind, and those the run's plain lines take."""

    ids: dict[type[models.Model], set[int]]
    pairs: set[tuple]
    claimed: set[tuple[type[models.Model], int]] = field(default_factory=set)

    @classmethod
    def read(cls, restorer: Restorer, lines: list[tuple[dict, str]]) -> Held:
        ids: dict[type[models.Model], set[int]] = {}
        records: dict[type[models.Model], set[int]] = {}
        for data, _ in lines:
            model, ends = _kind(data)
            if model is None:
                continue
            if type(pk := data.get("id")) is int:
                ids.setdefault(model, set()).add(pk)
            first = _end(restorer, model, data.get(ends[0]))
            if first is not None:
                records.setdefault(model, set()).add(first.pk)
        taken = {m: set(m._default_manager.filter(pk__in=v).values_list("pk", flat=True))
                 for m, v in ids.items()}  # fmt: skip
        pairs: set[tuple] = set()
        for model, pks in records.items():
            names = ("agent_id", "other_id", "relation_type") if model is Relation else (
                "record_id", "candidate_id")  # fmt: skip
            rows = model._default_manager.filter(**{f"{names[0]}__in": pks})
            pairs.update((model, *pair) for pair in rows.values_list(*names))
        return cls(ids=taken, pairs=pairs)


def _end(restorer: Restorer, model: type[models.Model], slug) -> models.Model | None:
    return restorer.find(_authority(model), slug) if isinstance(slug, str) and slug else None


def _plain(restorer: Restorer, data: dict, where: str, held: Held):
    """(the unsaved row, its datestamps) of a plain line, or None (it goes row by row)."""
    model, ends = _kind(data)
    pk = data.get("id")
    if model is None or type(pk) is not int or (model, pk) in held.claimed:
        return None
    if pk in held.ids.get(model, set()):
        return None
    found = {end: _end(restorer, model, data.get(end)) for end in ends}
    pair = {end: record for end, record in found.items() if record is not None}
    if len(pair) < len(ends):
        return None
    made = _relation(data, pair) if model is Relation else _review(model, data, pair)
    if made is None:
        return None
    obj, stamps = made
    key = (model, *(record.pk for record in pair.values()))
    if model is Relation:
        key = (*key, obj.relation_type)
    if key in held.pairs:
        return None
    held.pairs.add(key)
    held.claimed.add((model, pk))
    obj.pk = pk
    return as_saved(obj), stamps


def _review(model, data: dict, pair: dict[str, Any]):
    """A new review pair as :meth:`~.jsonl.Restorer._review` makes it, or None."""
    reason, created = data.get("reason", ""), data.get("created_at")
    if not isinstance(reason, str) or not isinstance(data.get("status") or "", str):
        return None
    try:
        stamp = parse_datetime(created) if created else None
    except (TypeError, ValueError):
        return None
    if created and stamp is None:
        return None
    review = model(**pair, status=data.get("status") or model.OPEN, reason=reason)
    return review, {"created_at": stamp}


def _relation(data: dict, pair: dict[str, Any]):
    """A new relation as :meth:`~.jsonl.Restorer._relation` makes it, or None (itself,
    an unknown type, a field in error: row by row says which)."""
    kind = data.get("relation_type") or "associative"
    if pair["agent"] == pair["other"] or kind not in Relation.TYPES:
        return None
    values = {name: str(data.get(name) or "") for name in ("dates", "description", "source")}
    relation = Relation(**pair, relation_type=kind, **values)
    try:  # the ends exist (found); the unique pair: against the archive and the run (Held)
        relation.full_clean(exclude=list(pair), validate_unique=False, validate_constraints=False)
    except ValidationError:
        return None
    return relation, {}


def _write(restorer: Restorer, rows: list[tuple[models.Model, dict]], writer: Writer) -> None:
    by_model: dict[type[models.Model], list[tuple[models.Model, dict]]] = {}
    for obj, stamps in rows:
        by_model.setdefault(type(obj), []).append((obj, stamps))
    stage = restorer.staging
    for model, made in by_model.items():
        model._default_manager.bulk_create([obj for obj, _ in made], batch_size=PAIRS)
        _keep_stamps(model, made)
        if stage is not None:
            for obj, _ in made:
                stage.created(obj)
    if rows:
        writer.report.add("created", len(rows))
