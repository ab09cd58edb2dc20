"""The facets: public name, label and how each maps to the data model, in one table.

Views, templates and the API see only the public names (``subject``, ``decade`` …);
the engines turn them into queries. Facet counts are computed by the database over the
whole matched set, never by looping over rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from chancery.corpus import models


@dataclass(frozen=True)
class FacetSpec:
    name: str
    label: str
    #: ORM path from Document to the value matched by the URL parameter.
    lookup: str
    #: True: every selected value must apply (a document has many). False: any one may.
    conjunctive: bool = True


FACETS: dict[str, FacetSpec] = {
    spec.name: spec
    for spec in [
        FacetSpec("collection", "Collection", "collections__slug"),
        FacetSpec("subject", "Subject", "subjects__slug"),
        FacetSpec("place", "Place", "places__slug"),
        FacetSpec("language", "Language", "languages__code"),
        FacetSpec("repository", "Repository", "repositories__slug"),
        FacetSpec("type", "Type", "doc_type__slug", conjunctive=False),
        FacetSpec("decade", "Decade", "decade", conjunctive=False),
    ]
}


def facet_models() -> dict[str, tuple[type, str, str]]:
    """Facet -> (model of its values, field the URL names a value by, label field), for the
    engines that count and filter by ids (PostgreSQL's search rows, Tantivy)."""
    return {
        "collection": (models.Collection, "slug", "title"),
        "subject": (models.Subject, "slug", "name"),
        "place": (models.Place, "slug", "name"),
        "language": (models.Language, "code", "name"),
        "repository": (models.Repository, "slug", "name"),
        "type": (models.DocumentType, "slug", "name"),
    }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


def apply_filters(qs: QuerySet, filters: dict[str, tuple[str, ...]]) -> QuerySet:
    for name, values in filters.items():
        if not values:
            continue
        spec = FACETS[name]
        if name == "decade" and "undated" in values:
            from django.db.models import Q

            decades = [int(v) for v in values if v != "undated"]
            qs = qs.filter(Q(decade__in=decades) | Q(decade__isnull=True))
        elif spec.conjunctive:
            for value in values:
                qs = qs.filter(pk__in=models.Document.objects.filter(**{spec.lookup: value}))
        else:
            qs = qs.filter(**{f"{spec.lookup}__in": list(values)})
    return qs


def _authority_counts(model, relation: str, matched, key="slug", label="name"):
    rows = (
        model.objects.filter(**{f"{relation}__in": matched})
        .values(key, label)
        .annotate(n=Count(relation))
        .order_by("-n", label)
    )
    return [FacetValue(str(r[key]), r[label], r["n"]) for r in rows]


def count_facets(
    matched: QuerySet, only: tuple[str, ...] | None = None
) -> dict[str, list[FacetValue]]:
    """Counts of every facet (or those in ``only``) over ``matched`` (documents' pks)."""
    ids = matched.values("pk")
    authorities = {
        "collection": lambda: _authority_counts(models.Collection, "documents", ids, label="title"),
        "subject": lambda: _authority_counts(models.Subject, "documents", ids),
        "place": lambda: _authority_counts(models.Place, "documents", ids),
        "language": lambda: _authority_counts(models.Language, "documents", ids, key="code"),
        "repository": lambda: _authority_counts(models.Repository, "documents", ids),
        "type": lambda: _authority_counts(models.DocumentType, "document", ids),
    }
    wanted = only or tuple(FACETS)
    facets = {name: count() for name, count in authorities.items() if name in wanted}
    if "decade" not in wanted:
        return facets
    decades = (
        models.Document.objects.filter(pk__in=ids)
        .values("decade")
        .annotate(n=Count("pk"))
        .order_by("decade")
    )
    facets["decade"] = [
        FacetValue(str(r["decade"]), f"{r['decade']}s", r["n"])
        if r["decade"] is not None
        else FacetValue("undated", "Undated", r["n"])
        for r in decades
    ]
    return facets
