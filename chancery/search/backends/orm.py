"""The Django ORM's answer to a plan: its filters as a queryset of documents, facet counts
and the year histogram by the database, and the shared orders by date and title.

The SQLite FTS5 engine filters and counts this way (FTS5 only matches and ranks);
PostgreSQL orders by title, and walks the archive by date when no word is given, this way.
Ids are handed to the database as one JSON array (``json_each``), not one parameter each,
so that a scope or restriction of any size fits in one statement.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.related import RelatedField
from django.db.models.functions import ExtractYear

from chancery.corpus.models import Collection, Document, Membership

from ..facets import FACETS, FacetValue
from ..filters import FacetFilter
from ..plan import SearchPlan, decade_value


def _date_order(descending: bool) -> list:
    """Undated documents last either way; an uncertain date sorts by its earliest day,
    then the narrower range first (1958-09-27 before 'September 1958' before '1958')."""
    if descending:
        return [
            F("date_latest").desc(nulls_last=True),
            F("date_earliest").desc(nulls_last=True),
            "public_id",
        ]
    return [
        F("date_earliest").asc(nulls_last=True),
        F("date_latest").asc(nulls_last=True),
        "public_id",
    ]


ORDERINGS = {
    "date": _date_order(False),
    "-date": _date_order(True),
    "title": ["title", "public_id"],
}

_LOOKUPS = {">=": "gte", "<=": "lte"}


def ids(values: Iterable[Any]) -> RawSQL:
    """A sub-select of these ids (for ``pk__in`` and ``relation__in``)."""
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])  # noqa: S611


def _nothing(qs: QuerySet) -> QuerySet:
    """``qs`` with nothing left (still a statement, unlike ``none()``)."""
    return qs.filter(pk__isnull=True)


def _facet(qs: QuerySet, selected: FacetFilter) -> QuerySet:
    spec = selected.spec
    if spec.model is None:
        cond = Q(**{f"{spec.relation}__in": list(selected.decades)})
        if selected.undated:
            cond |= Q(**{f"{spec.relation}__isnull": True})
        return qs.filter(cond)
    if not spec.conjunctive:
        return qs.filter(**{f"{spec.relation}__in": ids(selected.known)})
    for alternatives in selected.alternatives:
        if not alternatives:
            return _nothing(qs)
        having = Document.objects.filter(**{f"{spec.relation}__in": ids(alternatives)})
        qs = qs.filter(pk__in=having.values("pk"))
    return qs


def filtered(plan: SearchPlan, *, dates: bool = True) -> QuerySet:
    """Published documents passing every filter of the plan (and its dates), before words."""
    qs: QuerySet = Document.objects.published()
    if plan.scope is not None:
        scoped = Document.objects.filter(collections__in=ids(plan.scope)).values("pk")
        qs = qs.filter(pk__in=scoped)
    for selected in plan.facets:
        qs = _facet(qs, selected)
    if plan.restricted is not None:
        qs = qs.filter(pk__in=ids(plan.restricted))
    for f in plan.fields:
        related = f.documents()
        qs = qs.exclude(related) if f.negate else qs.filter(related)
    if dates:
        for bound in plan.dates:
            qs = qs.filter(**{f"date_{bound.field}__{_LOOKUPS[bound.op]}": bound.value})
    return qs


def _authority_counts(name: str, matched: QuerySet) -> list[FacetValue]:
    spec = FACETS[name]
    if spec.model is None:
        raise ValueError(f"The {name} facet is not one of records")
    field = Document._meta.get_field(spec.relation)
    if not isinstance(field, RelatedField):
        raise TypeError(f"Document.{spec.relation} is not a relation")
    relation = field.related_query_name()
    rows = (
        spec.model._default_manager.filter(**{f"{relation}__in": matched})
        .values(spec.key, spec.label_field)
        .annotate(n=Count(relation))
        .order_by("-n", spec.label_field)
    )
    return [FacetValue(str(r[spec.key]), r[spec.label_field], r["n"]) for r in rows]


#: The ids on a membership's collection path ("/3/17/42/": its ancestors and itself) as rows
#: ``a.value``; a collection whose path is not yet written stands for itself. SQLite reads
#: the path as a JSON array; PostgreSQL (where the shared tests compare its engine with this
#: one) splits it into an array.
_ANCESTORS = {
    "sqlite": "json_each(CASE WHEN c.path = '' THEN '[' || c.id || ']' "
    "ELSE '[' || replace(trim(c.path, '/'), '/', ',') || ']' END) a",
    "postgresql": "unnest(CASE WHEN c.path = '' THEN ARRAY[c.id] "
    "ELSE string_to_array(trim(both '/' from c.path), '/')::int[] END) AS a(value)",
}


def _collection_counts(name: str, matched: QuerySet) -> list[FacetValue]:
    """Each collection's matched documents anywhere in its subtree, each counted once: the
    memberships of the matches joined to every collection on their collection's path (its
    ancestors and itself), grouped by that collection (one query)."""
    spec = FACETS[name]
    try:
        sql, params = matched.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty id list)
        return []
    member, coll = Membership._meta.db_table, Collection._meta.db_table
    # only this module's table and column names are interpolated; the ids are parameters
    query = (
        f"SELECT t.{spec.key}, t.{spec.label_field}, x.n FROM (SELECT a.value AS id, "  # noqa: S608
        f"COUNT(DISTINCT m.document_id) AS n FROM {member} m JOIN {coll} c "
        f"ON c.id = m.collection_id, {_ANCESTORS[connection.vendor]} "
        f"WHERE m.document_id IN ({sql}) GROUP BY a.value) x "
        f"JOIN {coll} t ON t.id = x.id ORDER BY x.n DESC, t.{spec.label_field}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [FacetValue(str(key), label, n) for key, label, n in cursor.fetchall()]


def count_facets(
    matched: QuerySet, only: tuple[str, ...] | None = None
) -> dict[str, list[FacetValue]]:
    """Counts of every facet (or those in ``only``) over ``matched`` (one query each)."""
    pks = matched.values("pk")
    facets = {}
    for name in only or tuple(FACETS):
        spec = FACETS[name]
        if spec.model is not None:  # a collection's rolled up: a volume counts its chapters'
            counts = _collection_counts if spec.model is Collection else _authority_counts
            facets[name] = counts(name, pks)
            continue
        rows = (
            Document.objects.filter(pk__in=pks)
            .values(spec.relation)
            .annotate(n=Count("pk"))
            .order_by(F(spec.relation).asc(nulls_last=True))
        )
        facets[name] = [decade_value(r[spec.relation], r["n"]) for r in rows]
    return facets


def year_counts(matched: QuerySet) -> list[tuple[int, int]]:
    """(year, documents) by earliest year (one query)."""
    rows = (
        matched.filter(date_earliest__isnull=False)
        .annotate(y=ExtractYear("date_earliest"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("y")
    )
    return [(r["y"], r["n"]) for r in rows]


def ordered(
    matched: QuerySet, sort: str, offset: int, limit: int
) -> list[tuple[int, float | None, dict]]:
    """One page of ``matched`` in the shared order ``sort`` (date for any other)."""
    order = ORDERINGS.get(sort, ORDERINGS["date"])
    pks = matched.order_by(*order).values_list("pk", flat=True)[offset : offset + limit]
    return [(pk, None, {}) for pk in pks]
