"""Which authority records the public may see: every one but those only drafts use.

A subject, place, person, repository or collection that an editor's draft introduced is
unpublished work: its name must not show on a public page, list, sitemap or API before a
document using it is published. An authority no document uses yet (a place kept for the
hierarchy, an empty collection) stays visible, as before. Staff see everything in the
admin. Every public view reads authorities through :func:`public`, so the rule is one.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from . import models


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
    if not any(f.name == "parent" for f in model._meta.concrete_fields):
        return queryset.exclude(_draft_only_each(model) if few else draft_only(model))
    rows = model._default_manager.order_by()
    # Only the rows asked about, each tested with EXISTS (a membership index look-up): the
    # IN form read every membership of the archive (2.3 s at 200,000 documents) to check
    # the one collection a search selects.
    asked = rows.filter(pk__in=queryset.order_by().values("pk"))
    hidden = set(asked.filter(_draft_only_each(model)).values_list("pk", flat=True))
    if hidden:
        published = models.Document.objects.published().order_by()
        shown = rows.filter(_used_by(model, published)).values_list("pk", flat=True)
        hidden -= _ancestors(dict(rows.values_list("pk", "parent_id")), shown)
    return queryset.exclude(pk__in=hidden) if hidden else queryset


def _ancestors(parents: dict[int, int | None], nodes) -> set[int]:
    """Every ancestor of ``nodes`` (cycles, which the admin refuses, end a walk)."""
    found: set[int] = set()
    for node in nodes:
        parent = parents.get(node)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parents.get(parent)
    return found
