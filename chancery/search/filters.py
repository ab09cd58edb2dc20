"""A search's filters as a plan holds them, resolved to ids: the field filters typed in the
query (``person:``, ``place:``, ``collection:``, ``type:``, ``lang:``: :data:`FIELD_FILTERS`,
:class:`RecordFilter`), the facet values selected (:class:`FacetFilter`) and the date
range's bounds (:func:`date_bounds`). :mod:`.plan` resolves them once per search."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from chancery.corpus.authorities import AUTHORITY_KINDS, related_to
from chancery.corpus.models import (
    Agent,
    Collection,
    DocumentType,
    Language,
    Place,
)

from .analysis import fold_key
from .facets import FacetSpec
from .models import NameForm


@dataclass(frozen=True)
class FieldSpec:
    """A field filter typed in the query (``person:Khrushchev``): the model of the records
    it names, the Document relations they are found through and the index field (Tantivy)
    holding their ids."""

    name: str
    model: type
    relations: tuple[str, ...]
    index_field: str

    def records(self, value: str) -> QuerySet:
        """The records ``value`` names (people and places in any of their name forms)."""
        if self.model in (Agent, Place):
            return self.model.objects.filter(
                _any_icontains(["name", "variants__name"], _name_forms(value))
            )
        if self.model is Collection:
            return Collection.objects.filter(_collection_named(value))
        if self.model is DocumentType:
            return DocumentType.objects.filter(Q(slug=value) | Q(name__icontains=value))
        return Language.objects.filter(Q(code=value.lower()) | Q(name__iexact=value))


FIELD_FILTERS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in [
        FieldSpec("person", Agent, AUTHORITY_KINDS["person"].relations, "agent"),
        FieldSpec("place", Place, ("places",), "place"),
        FieldSpec("collection", Collection, ("collections",), "collection"),
        FieldSpec("type", DocumentType, ("doc_type",), "type"),
        FieldSpec("lang", Language, ("languages", "transcripts__language"), "lang"),
    ]
}


def _name_forms(value: str) -> list[str]:
    """The value and its other forms from the variants table."""
    groups = NameForm.objects.filter(key=fold_key(value)).values("group")
    others = NameForm.objects.filter(group__in=groups).values_list("name", flat=True)
    words = value.split()
    inverted = (
        [f"{words[-1]}, {' '.join(words[:-1])}"] if len(words) > 1 and "," not in value else []
    )
    return list(dict.fromkeys([value, *inverted, *others]))


def _collection_named(value: str) -> Q:
    """A collection by slug (or an old one), identifier, or title (printed or clean) holding
    the value or each of its words ("Foreign Relations 1901" names "Foreign Relations of the
    United States, 1901, …")."""
    cond = Q(slug=value) | Q(old_slugs__slug=value) | Q(identifier__iexact=value)
    words = re.findall(r"\w+", value)
    for path in ("title", "printed_title"):
        cond |= Q(**{f"{path}__icontains": value})
        if words:
            cond |= Q(*(Q(**{f"{path}__iregex": rf"(^|\W){re.escape(w)}(\W|$)"}) for w in words))
    return cond


def _any_icontains(paths: list[str], values: list[str]) -> Q:
    """Any path holds any value as whole words ("Li" is not found in "William")."""
    cond = Q()
    for path in paths:
        for value in values:
            pattern = r"(^|\W)" + re.escape(value).replace(r"\ ", r"\W+") + r"(\W|$)"
            cond |= Q(**{f"{path}__iregex": pattern})
    return cond


@dataclass(frozen=True)
class FacetFilter:
    """The values of one facet a search selects, resolved to the ids of their records."""

    spec: FacetSpec
    #: The pk of each selected value's record, None for a value no record has.
    ids: tuple[Any, ...] = ()
    #: The decade facet: the decades selected, and whether "undated" is.
    decades: tuple[int, ...] = ()
    undated: bool = False

    #: For each selected value, the record ids any of which gives a document that value: the
    #: value's own pk, or a collection's whole subtree (None: the value's own pk alone).
    subtrees: tuple[tuple[Any, ...], ...] | None = None

    @property
    def known(self) -> list[Any]:
        return [pk for pk in self.ids if pk is not None]

    @property
    def alternatives(self) -> tuple[tuple[Any, ...], ...]:
        """Per selected value, the ids a document must carry one of (empty: no record)."""
        if self.subtrees is not None:
            return self.subtrees
        return tuple((pk,) if pk is not None else () for pk in self.ids)


@dataclass(frozen=True)
class RecordFilter:
    """A field filter resolved: documents related to any of ``records`` through one of the
    spec's relations (or, negated, to none of them)."""

    spec: FieldSpec
    records: tuple[Any, ...]
    negate: bool = False

    def documents(self) -> Q:
        """The condition on Document for the documents related to any of the records."""
        return related_to(self.spec.relations, self.records)


@dataclass(frozen=True)
class DateBound:
    """One bound of the date range: the document's ``earliest`` or ``latest`` day is
    ``>=`` or ``<=`` ``value``. Undated documents meet no bound."""

    field: str
    op: str
    value: dt.date


def date_bounds(start: dt.date | None, end: dt.date | None, mode: str) -> tuple[DateBound, ...]:
    """Overlap: the document ends on or after the start and begins on or before the end.
    Within: it begins on or after the start and ends on or before the end."""
    within = mode == "within"
    bounds = []
    if start:
        bounds.append(DateBound("earliest" if within else "latest", ">=", start))
    if end:
        bounds.append(DateBound("latest" if within else "earliest", "<=", end))
    return tuple(bounds)
