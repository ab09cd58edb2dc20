"""The facets: public name, label and how each maps to the data model, in one table.

Views, templates and the API see only the public names (``subject``, ``decade`` …);
the engines turn them into queries. Facet counts are computed by the database over the
whole matched set, never by looping over rows in Python.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Model

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
    model: type[Model] | None = None
    #: The field of ``model`` a URL names a value by ("slug", "code").
    key: str = "slug"
    #: The field of ``model`` shown as the value's label.
    label_field: str = "name"
    #: True: every selected value must apply (a document has many). False: any one may.
    conjunctive: bool = True
    #: Offered by the Wilson-compatible API's record search (values named by id there).
    wilson: bool = True
    #: True: a page lists every value, not the first few (the decades: the histogram
    #: draws them all).
    every_value: bool = False

    @property
    def lookup(self) -> str:
        """ORM path from Document to the value matched by the URL parameter."""
        return f"{self.relation}__{self.key}" if self.model else self.relation

    @property
    def many(self) -> bool:
        """True when a document may have several values (a many-to-many relation)."""
        return bool(self.model) and bool(
            models.Document._meta.get_field(self.relation).many_to_many
        )


FACETS: dict[str, FacetSpec] = {
    spec.name: spec
    for spec in [
        FacetSpec("collection", "Collection", "collections", models.Collection,
                  label_field="title"),
        FacetSpec("subject", "Subject", "subjects", models.Subject),
        FacetSpec("place", "Place", "places", models.Place),
        FacetSpec("language", "Language", "languages", models.Language, key="code"),
        FacetSpec("repository", "Repository", "repositories", models.Repository),
        FacetSpec("creator", "Creator", "creators", models.Agent),
        FacetSpec("type", "Type", "doc_type", models.DocumentType, conjunctive=False,
                  wilson=False),
        FacetSpec("decade", "Decade", "decade", conjunctive=False, wilson=False,
                  every_value=True),
    ]
}  # fmt: skip


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class FacetHead:
    """What a page lists of one facet: its first values in the facet's order and any
    selected further down (every value of a facet with ``every_value``), and whether the
    facet has more values over the whole search than the page lists first (then its "All
    values" link opens the facet's own page)."""

    values: list[FacetValue]
    more: bool


def head_of(
    name: str,
    values: list[FacetValue],
    limit: int,
    selected: Collection[str],
    more: bool | None = None,
) -> FacetHead:
    """The head of a facet's values, given in their order: the first ``limit`` and those of
    ``selected`` (public values) further down; every value of a facet that keeps them all
    (:attr:`FacetSpec.every_value`). ``more``: whether the facet has more than ``limit``
    values, where ``values`` holds only those that can be in the head (default: whether
    ``values`` has)."""
    more = len(values) > limit if more is None else more
    if FACETS[name].every_value or len(values) <= limit:
        return FacetHead(values, more)
    further = [v for v in values[limit:] if v.value in selected]
    return FacetHead([*values[:limit], *further], more)


def facet_for(model: type, relations: tuple[str, ...]) -> FacetSpec | None:
    """The facet selecting exactly the documents that point at a record of ``model`` through
    ``relations`` (an authority page's "search these" link), or None."""
    return next(
        (s for s in FACETS.values() if s.model is model and (s.relation,) == tuple(relations)),
        None,
    )
