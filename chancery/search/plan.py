"""A search compiled once into a plan every engine reads.

:func:`compile_plan` turns a :class:`~chancery.search.query.SearchQuery` into a
:class:`SearchPlan`: every facet value, collection scope, field filter and restriction is
resolved to ids by the database here, once; the words are expanded (name variants) and held
to the cost budget here; the dates become bounds on a document's earliest and latest day.
An engine never looks anything up again: it translates the plan into its own dialect (an
FTS5 MATCH and ORM conditions, SQL over ``search_pg``, Tantivy queries) and answers the
protocol of :class:`~chancery.search.backends.base.SearchBackend`.

The tables every engine maps into its dialect are here too: the text fields and their
weights (:data:`TEXT_FIELDS`), the text layers (:data:`LAYER_FIELDS`), the field filters
(:data:`~.filters.FIELD_FILTERS`, with the resolved filters' types in :mod:`.filters`), the
proximity window and the decade labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any

from django.db.models import Q

from chancery.corpus.hierarchy import subtrees
from chancery.corpus.models import Collection, Document
from chancery.corpus.prepared import Prepared

from . import budget, similar
from .analysis import query_tokens
from .expansion import expand
from .facets import FACETS, FacetSpec, FacetValue
from .filters import FIELD_FILTERS, DateBound, FacetFilter, RecordFilter, date_bounds
from .kept import kept as until_write
from .query import FieldFilter, ParsedQuery, SearchQuery, Term

#: The indexed text fields and their weights (BM25 on SQLite and Tantivy; PostgreSQL's
#: ``ts_rank_cd`` labels A–D carry the same ratios). Title 10, summary 4, names 2, each text
#: layer 1; the machine-read text of the scans (OCR, :mod:`chancery.ocr`) half a human
#: layer: a word read by a machine may be misread, and a human text holding it ranks first.
TEXT_FIELDS: dict[str, float] = {
    "title": 10.0,
    "summary": 4.0,
    "translation": 1.0,
    "transcript": 1.0,
    "names": 2.0,
    "machine": 0.5,
}
#: A text layer a search can be limited to (``SearchQuery.layer``) -> the field holding it.
LAYER_FIELDS: dict[str, str] = {
    "translation": "translation",
    "transcript": "transcript",
    "summary": "summary",
    "machine": "machine",
}
#: Proximity counts for two to this many typed words.
MAX_NEAR_WORDS = 8


def text_keyed(spec: FacetSpec) -> bool:
    """True when the facet's records are keyed by text (a language's code), not a number."""
    return spec.model is not None and spec.model._meta.pk.get_internal_type() == "CharField"


def decade_value(decade: int | None, n: int) -> FacetValue:
    """A decade facet value with its label (None: the undated documents)."""
    if decade is None:
        return FacetValue("undated", "Undated", n)
    return FacetValue(str(decade), f"{decade}s", n)


@dataclass(frozen=True, eq=False)
class SearchPlan:
    """Everything an engine needs to answer one search, resolved. Compared by identity:
    one plan is one search, and engines keep their working state for it in ``memo``."""

    query: SearchQuery
    #: The words: groups (alternatives, name variants included), exclusions, min_match
    #: ("most of the words"), layer; and the notes and expansions shown to the user.
    parsed: ParsedQuery
    facets: tuple[FacetFilter, ...] = ()
    #: Ids of the scope collection and every collection below it (None: no scope).
    scope: tuple[int, ...] | None = None
    fields: tuple[RecordFilter, ...] = ()
    #: Ids of the documents the Wilson API's restrictions allow (None: no restriction).
    restricted: tuple[int, ...] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    date_mode: str = "overlap"
    #: True: answered with any one word after every (or most) words found nothing.
    relaxed: bool = False
    #: Engine-private working state of this plan (a match set held once, a summary).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def groups(self) -> list[list[Term]]:
        return self.parsed.groups

    @property
    def has_text(self) -> bool:
        return bool(self.parsed.groups)

    @property
    def matches_text(self) -> bool:
        """True when the words (or exclusions) narrow the documents."""
        return not self.parsed.is_empty

    @property
    def min_match(self) -> int:
        """0: every word group must match; n: at least n of them."""
        groups = len(self.parsed.groups)
        return self.parsed.min_match if 0 < self.parsed.min_match < groups else 0

    @property
    def layer(self) -> str | None:
        return self.parsed.layer

    @property
    def sort(self) -> str:
        return self.query.sort

    @property
    def ranks(self) -> bool:
        """True when the page is in relevance order (words, sorted by relevance)."""
        return self.has_text and self.query.sort == "relevance"

    @property
    def dates(self) -> tuple[DateBound, ...]:
        return date_bounds(self.start, self.end, self.date_mode)

    @property
    def relaxable(self) -> bool:
        """Two or more plain word groups that do not all have to match yet."""
        plain = [g for g in self.parsed.groups if not any(t.field for t in g)]
        return not self.relaxed and len(plain) >= 2 and self.parsed.min_match != 1

    def widen(self, backend: Any) -> SearchPlan:
        """The same search with each rare typed word's close spellings (:mod:`.similar`),
        or this plan when no word is widened."""
        parsed = similar.widen(self.parsed, backend, self._alone_finds(backend))
        return self if parsed is self.parsed else replace(self, parsed=parsed, memo={})

    def _alone_finds(self, backend: Any) -> int | None:
        """What this plan finds (counted already) when it is one word and nothing else, so
        the word's own count; None otherwise."""
        bare = not (self.facets or self.scope is not None or self.fields or self.dates)
        bare = bare and self.restricted is None and not self.layer and not self.parsed.excluded
        return backend.count(self) if bare and len(self.parsed.groups) == 1 else None

    def relax(self) -> SearchPlan:
        """The same search with any one word group enough."""
        parsed = self.parsed.with_groups(self.parsed.groups, min_match=1)
        return replace(self, parsed=parsed, relaxed=True, memo={})

    def near_tokens(self) -> list[str]:
        """The typed words (no variant, prefix or field) whose closeness ranks higher, or []
        when fewer than two or more than :data:`MAX_NEAR_WORDS`."""
        tokens = []
        for group in self.parsed.groups:
            typed = [t for t in group if not t.variant and not t.field]
            if len(typed) == 1 and not typed[0].prefix:
                tokens += query_tokens(typed[0].text)
        return tokens if 2 <= len(tokens) <= MAX_NEAR_WORDS else []

    def firm_terms(self) -> list[Term]:
        """The typed forms and the variants table's forms of every name that also has
        spellings generated by rule (``romanise``): a document with none of them was
        found by a generated spelling only and ranks lower (``ranking.GENERATED_WEIGHT``,
        applied the same way by every engine). [] when nothing was generated."""
        firm: list[Term] = []
        for group in self.parsed.groups:
            if any(t.generated for t in group):
                firm += [t for t in group if not t.generated]
        return firm

    def sure_terms(self) -> list[Term]:
        """Every form but the close spellings (:mod:`.similar`) of the word groups that
        have some: a document with none of them was found by a close spelling only and
        ranks after those found by the rules' spellings too (``ranking.SIMILAR_WEIGHT``).
        [] when no word was widened."""
        sure: list[Term] = []
        for group in self.parsed.groups:
            if any(t.similar for t in group):
                sure += [t for t in group if not t.similar]
        return sure

    @staticmethod
    def near_window(tokens: list[str]) -> int:
        """How far apart (in words) the typed words may stand to count as near."""
        return max(3, len(tokens) + 2)


NOTE_RELAXED = (
    "No document has all of these words: showing those with any of them, those with the most first."
)


def compile_plan(query: SearchQuery, backend: Any, restrictions: Sequence[Q] = ()) -> SearchPlan:
    """The plan of ``query`` (and of the database ``restrictions`` of the Wilson API)."""
    parsed = query.parsed
    fields = _field_filters(parsed)
    parsed = budget.limit_query(parsed, backend)
    if parsed.groups:
        parsed = budget.limit_variants(expand(parsed, backend))
    starts = [d for d in (query.start, parsed.start) if d]
    ends = [d for d in (query.end, parsed.end) if d]
    return SearchPlan(
        query=query,
        parsed=parsed,
        facets=tuple(_facet_filter(n, v) for n, v in query.filters.items() if v),
        scope=_scope(query.collection_scope),
        fields=fields,
        restricted=_restricted(restrictions),
        start=max(starts) if starts else None,
        end=min(ends) if ends else None,
        date_mode=query.date_mode,
    )


def _facet_filter(name: str, values: tuple[str, ...]) -> FacetFilter:
    return until_write(("facet filter", name, values), lambda: _resolve_facet(name, values))


def _resolve_facet(name: str, values: tuple[str, ...]) -> FacetFilter:
    spec = FACETS[name]
    if spec.model is None:
        decades = tuple(int(v) for v in values if v.lstrip("-").isdigit())
        return FacetFilter(spec, decades=decades, undated="undated" in values)
    found = dict(_pks_named(spec).rows(values))
    pks = tuple(found.get(v) for v in values)
    if spec.model is not Collection:
        return FacetFilter(spec, ids=pks)
    below = subtrees([pk for pk in pks if pk is not None])
    return FacetFilter(
        spec, ids=pks, subtrees=tuple(below.get(pk, ()) if pk is not None else () for pk in pks)
    )


@cache
def _pks_named(spec: FacetSpec) -> Prepared:
    """{key: pk} of the facet's values named by these keys (compiled once)."""
    model = spec.model
    assert model is not None  # a facet of records (not the decades)
    return Prepared(
        model,
        lambda keys: (
            model._default_manager.filter(**{f"{spec.key}__in": keys})
            .order_by()
            .values_list(spec.key, "pk")
        ),
    )


def _scope(slug: str | None) -> tuple[int, ...] | None:
    """The collection and every collection below it (one query)."""
    if not slug:
        return None

    def below() -> tuple[int, ...]:
        root = Collection.objects.get(slug=slug).pk
        return tuple(subtrees([root])[root])

    return until_write(("scope", slug), below)


def _restricted(restrictions: Sequence[Q]) -> tuple[int, ...] | None:
    if not restrictions:
        return None
    documents = Document.objects.order_by()
    for condition in restrictions:
        documents = documents.filter(condition)
    return tuple(documents.values_list("pk", flat=True))


def _field_filters(parsed: ParsedQuery) -> tuple[RecordFilter, ...]:
    """The field filters resolved to records. ``person:``/``place:`` naming nobody
    recorded search the text for the name instead (and say so)."""
    resolved = []
    kept: list[FieldFilter] = []
    for f in parsed.filters:
        spec = FIELD_FILTERS[f.name]
        records = until_write(("field filter", f.name, f.value), partial(_records, spec, f.value))
        if records or f.negate or f.name not in ("person", "place"):
            kept.append(f)
            resolved.append(RecordFilter(spec, records, f.negate))
            continue
        parsed.notes.append(
            f"No {f.name} named “{f.value}” is recorded; searched the text for it instead."
        )
        parsed.groups.append([Term(f.value, phrase=" " in f.value)])
    parsed.filters = kept
    return tuple(resolved)


def _records(spec, value: str) -> tuple[int, ...]:
    """The records a field filter names (a collection with every collection below it)."""
    records = tuple(spec.records(value).values_list("pk", flat=True).distinct())
    if spec.model is Collection:  # a collection holds the documents of its subtree
        records = tuple(dict.fromkeys(pk for ids in subtrees(records).values() for pk in ids))
    return records
