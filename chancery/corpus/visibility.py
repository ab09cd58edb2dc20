"""Which authority records the public may see: every one but those only drafts use.

A subject, place, person, repository or collection that an editor's draft introduced is
unpublished work: its name must not show on a public page, list, sitemap or API before a
document using it is published. An authority no document uses yet (a place kept for the
hierarchy, an empty collection) stays visible, as before. Staff see everything in the
admin. Every public view reads authorities through :func:`public`, so the rule is one.
"""

from __future__ import annotations

import functools

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from . import models
from .prepared import Prepared


def document_fields(model) -> list[str]:
    """The Document fields that point at ``model`` ("creators", "contributors", "people")."""
    return [
        f.name
        for f in models.Document._meta.get_fields()
        if f.concrete and f.is_relation and f.related_model is model
    ]


def _used_by(model, documents: QuerySet) -> Q:
    used = Q()
    for field in document_fields(model):
        ids = documents.filter(**{f"{field}__isnull": False}).values(field)
        used |= Q(pk__in=ids)
    return used


def draft_only(model) -> Q:
    """Rows some document uses, but no published one."""
    everything = models.Document.objects.order_by()
    return _used_by(model, everything) & ~_used_by(model, everything.published())


def _draft_only_each(model) -> Q:
    """:func:`draft_only` as EXISTS tests per row (cheap for a few rows).

    The status is read through COALESCE so that SQLite looks a row's documents up by their
    link, not by walking the (status, date) index over every published document: 2.2 s
    for the 267 places of a 200,000-document archive, now milliseconds."""
    everything = models.Document.objects.order_by()
    shown = everything.alias(shown=Coalesce("status", Value(""))).filter(
        shown=models.Document.PUBLISHED
    )
    used, published = Q(), Q()
    for field in document_fields(model):
        used |= Q(Exists(everything.filter(**{field: OuterRef("pk")})))
        published |= Q(Exists(shown.filter(**{field: OuterRef("pk")})))
    return used & ~published


def _staged(model) -> Q:
    """Rows an import run has written but not yet published (chancery/ingest/staging.py)."""
    # Imported here, not above: ingest sits over corpus and search, which import this module.
    from chancery.ingest.staging import hidden

    return hidden(model)


def public(model_or_queryset, *, few: bool = False) -> QuerySet:
    """The rows of a model (or queryset of it) the public may see.

    ``few``: the queryset holds a handful of rows (the values a search selects), so each is
    tested with EXISTS instead of reading which rows every document uses (a type selected
    in a search of 1,000,000 documents: 305 ms of SQL, now an index look-up).

    One SQL query for flat authorities. In a hierarchy (places, collections) a row only
    drafts use stays public while something below it is published ("China" above a
    published "Xinjiang"): its name is on that page already, and hiding it would cut the
    tree and change OAI set specs. That costs up to three small queries more.
    """
    queryset = model_or_queryset
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    model = queryset.model
    queryset = queryset.exclude(_staged(model))
    if not _in_tree(model):
        return queryset.exclude(_draft_only_each(model) if few else draft_only(model))
    hidden = _still_hidden(model, set(_draft_only_among(queryset).values_list("pk", flat=True)))
    return queryset.exclude(pk__in=hidden) if hidden else queryset


def public_values(model, key: str, values) -> set[str]:
    """Which of these ``key`` values of ``model`` (slugs, codes: what a URL selects) name rows
    the public may see: :func:`public` of a few rows, its SQL compiled once
    (:mod:`~chancery.corpus.prepared`: the ORM took 1.4 ms to build them for one type and
    2.5 for a collection; now 0.03 and 0.06 ms in all, at 200,000 documents)."""
    parts = _public_parts(model, key)
    if len(parts) == 1:
        return {row[0] for row in parts[0].rows(values)}
    draft_only_among, unstaged = parts
    if _still_hidden(model, {row[0] for row in draft_only_among.rows(values)}):
        asked = model._default_manager.filter(**{f"{key}__in": list(values)})
        return set(public(asked, few=True).values_list(key, flat=True))  # rare: read it all
    return {row[0] for row in unstaged.rows(values)}


@functools.cache
def _public_parts(model, key: str) -> tuple[Prepared, ...]:
    """:func:`public`'s queries over the rows named by some ``key`` values, prepared: for a
    flat model the public ones' keys; in a hierarchy the pks of those only drafts use, and
    the keys of those not staged (what is public when none is only drafts')."""

    def named(values):
        return model._default_manager.filter(**{f"{key}__in": values})

    def unstaged(values):
        return named(values).exclude(_staged(model))

    if not _in_tree(model):
        return (Prepared(model, lambda v: public(named(v), few=True).order_by().values_list(key)),)
    return (
        Prepared(model, lambda v: _draft_only_among(unstaged(v)).values_list("pk")),
        Prepared(model, lambda v: unstaged(v).order_by().values_list(key)),
    )


def _in_tree(model) -> bool:
    return any(f.name == "parent" for f in model._meta.concrete_fields)


def _draft_only_among(queryset: QuerySet) -> QuerySet:
    """Those of ``queryset``'s rows only drafts use, each tested with EXISTS (a membership
    index look-up): the IN form read every membership of the archive (2.3 s at 200,000
    documents) to check the one collection a search selects."""
    model = queryset.model
    rows = model._default_manager.order_by()
    return rows.filter(pk__in=queryset.order_by().values("pk")).filter(_draft_only_each(model))


def _still_hidden(model, hidden: set[int]) -> set[int]:
    """Those of ``hidden`` (rows only drafts use) with nothing published below them."""
    if hidden:
        rows = model._default_manager.order_by()
        published = models.Document.objects.published().order_by()
        shown = rows.filter(_used_by(model, published)).values_list("pk", flat=True)
        hidden -= _ancestors(dict(rows.values_list("pk", "parent_id")), shown)
    return hidden


def _ancestors(parents: dict[int, int | None], nodes) -> set[int]:
    """Every ancestor of ``nodes`` (cycles, which the admin refuses, end a walk)."""
    found: set[int] = set()
    for node in nodes:
        parent = parents.get(node)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parents.get(parent)
    return found
