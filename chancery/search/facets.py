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
    """One facet: every consumer (page, forms, both APIs, OpenAPI, importers, engines)
    derives what it needs from here, so a facet is added by adding one entry."""

    name: str
    label: str
    #: The Document field holding the facet's values ("subjects", "doc_type", "decade").
    relation: str
    #: The model of the values (None: a value stored on the document itself, the decade).
    model: type | None = None
    #: The field of ``model`` a URL names a value by ("slug", "code").
    key: str = "slug"
    #: The field of ``model`` shown as the value's label.
    label_field: str = "name"
    #: True: every selected value must apply (a document has many). False: any one may.
    conjunctive: bool = True
    #: Offered by the Wilson-compatible API's record search (values named by id there).
    wilson: bool = True

    @property
    def lookup(self) -> str:
        """ORM path from Document to the value matched by the URL parameter."""
        return f"{self.relation}__{self.key}" if self.model else self.relation

    @property
    def many(self) -> bool:
        """True when a document may have several values (a many-to-many relation)."""
        return bool(self.model) and models.Document._meta.get_field(self.relation).many_to_many


FACETS: dict[str, FacetSpec] = {
    spec.name: spec
    for spec in [
        FacetSpec("collection", "Collection", "collections", models.Collection,
                  label_field="title"),
        FacetSpec("subject", "Subject", "subjects", models.Subject),
        FacetSpec("place", "Place", "places", models.Place),
        FacetSpec("language", "Language", "languages", models.Language, key="code"),
        FacetSpec("repository", "Repository", "repositories", models.Repository),
        FacetSpec("type", "Type", "doc_type", models.DocumentType, conjunctive=False,
                  wilson=False),
        FacetSpec("decade", "Decade", "decade", conjunctive=False, wilson=False),
    ]
}  # fmt: skip


def facet_models() -> dict[str, tuple[type, str, str]]:
    """Facet -> (model of its values, field the URL names a value by, label field), for the
    engines that count and filter by ids (PostgreSQL's search rows, Tantivy)."""
    return {n: (s.model, s.key, s.label_field) for n, s in FACETS.items() if s.model}


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
        name: (lambda s=spec: _authority_counts(
            s.model, models.Document._meta.get_field(s.relation).related_query_name(), ids,
            key=s.key, label=s.label_field))
        for name, spec in FACETS.items() if spec.model
    }  # fmt: skip
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


def facet_for(model: type, relations: tuple[str, ...]) -> FacetSpec | None:
    """The facet selecting exactly the documents that point at a record of ``model`` through
    ``relations`` (an authority page's "search these" link), or None."""
    return next(
        (s for s in FACETS.values() if s.model is model and (s.relation,) == tuple(relations)),
        None,
    )
