"""One plan against the index: counts, aggregations, pages; and the facet labels."""

from __future__ import annotations

import json
import time
from typing import Any

import tantivy

from ... import budget, ranking
from ...facets import FACETS, FacetValue
from ...plan import SearchPlan, decade_value
from ..base import Ranked
from .query import COVERAGE, SORT_FIELDS, UNDATED, analysed, one_of, plan_query, term_in, term_query
from .schema import COLUMNS, SCHEMA, int_values, open_index


class Searching:
    """One plan against the index as last committed by any process (a reload costs
    ~0.1 ms, so a request served by one worker sees what another just wrote)."""

    def __init__(self, plan: SearchPlan):
        index = open_index()
        index.reload()
        self.plan = plan
        self.searcher = index.searcher()
        self.query = plan_query(plan)
        self.count = self.count_of(self.query)
        self._summary: dict[str, dict] | None = None

    @property
    def summarised(self) -> bool:
        return self._summary is not None

    def summary(self) -> dict[str, dict]:
        """Every facet and the year histogram over the matches, in one aggregation (a
        page needs them all: one pass over the matches, not one per part)."""
        if self._summary is None:
            decades = {n: UNDATED for n, spec in FACETS.items() if spec.model is None}
            self._summary = self.aggregate([*FACETS, "year"], decades)
        return self._summary

    def count_of(self, query: tantivy.Query) -> int:
        # The stub omits SearchResult.count (filled when searching with count=True).
        return self.searcher.search(query, 1, count=True).count  # type: ignore[attr-defined]

    def pks(self, hits) -> list[int]:
        return int_values(self.searcher, "pk", [address for _, address in hits])

    def aggregate(self, fields: list[str], missing: dict[str, int]) -> dict[str, dict]:
        """{field: {value: documents}} over every match (Tantivy terms aggregations)."""
        budget.check()  # no timeout in the binding: the time limit is checked between steps
        aggregations = {
            name: {"terms": {"field": name, "size": 65_000, "min_doc_count": 1}} for name in fields
        }
        for name, value in missing.items():
            aggregations[name]["terms"]["missing"] = value
        buckets = self.searcher.aggregate(self.query, aggregations)
        return {
            name: {b["key"]: b["doc_count"] for b in buckets[name]["buckets"]} for name in fields
        }

    def by_relevance(self, offset: int, limit: int) -> Ranked:
        """BM25 picks the best candidates (most word groups first, see ``COVERAGE``);
        :mod:`chancery.search.ranking` reranks them like every engine."""
        pool = offset + limit + ranking.RERANK_POOL
        budget.check()
        hits = self.searcher.search(self.query, pool).hits
        addresses = [address for _, address in hits]
        pks = int_values(self.searcher, "pk", addresses)
        lengths = int_values(self.searcher, "words", addresses)
        budget.check()
        near, in_title, weak = self._near(pks), self._in_title(pks), self._generated_only(pks)
        weakest = self._found_only_without(pks, self.plan.sure_terms())
        parsed = self.plan.parsed
        groups = len(parsed.groups)
        candidates = []
        for (score, _), pk, words in zip(hits, pks, lengths, strict=True):
            covered = int(score // COVERAGE) if parsed.min_match else groups
            bm25 = score - covered * COVERAGE if parsed.min_match else score
            candidates.append(
                ranking.Candidate(
                    pk,
                    bm25,
                    covered,
                    words=words or 0,
                    near=pk in near,
                    in_title=pk in in_title,
                    generated_only=pk in weak,
                    similar_only=pk in weakest,
                )
            )
        return ranking.rerank(candidates, groups, offset, limit)

    def shown(self, pks: list[int]) -> dict[int, list[tuple[str, str, bool]]]:
        """{pk: [(layer, plain text, cut)]} of these documents' stored excerpts (one search
        for their addresses, then the document store)."""
        if not pks:
            return {}
        hits = self.searcher.search(one_of("pk", pks), len(pks)).hits
        out: dict[int, list[tuple[str, str, bool]]] = {}
        for _, address in hits:
            stored = self.searcher.doc(address)
            pk = stored["pk"][0]
            raw = stored.get_first("shown")
            out[pk] = [(layer, text, cut) for layer, text, cut in json.loads(raw)] if raw else []
        return out

    def in_order(self, sort: str, offset: int, limit: int) -> Ranked:
        field, order = SORT_FIELDS.get(sort, SORT_FIELDS["date"])
        if limit <= 0:  # Tantivy panics on an empty page (an export of no match asks one)
            return []
        hits = self.searcher.search(
            self.query, limit, order_by_field=field, order=order, offset=offset
        ).hits
        return [(pk, None, {}) for pk in self.pks(hits)]

    def _among(self, pks: list[int], query: tantivy.Query) -> set[int]:
        """Which of these documents match ``query``."""
        both = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, one_of("pk", pks)), (tantivy.Occur.Must, query)]
        )
        return set(self.pks(self.searcher.search(both, len(pks)).hits))

    def _in_title(self, pks: list[int]) -> set[int]:
        """Of these documents, those whose title holds every word group."""
        clauses = []
        for group in self.plan.parsed.groups:
            parts = [q for q in (term_in("title", t) for t in group) if q is not None]
            if not parts:
                return set()
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, q) for q in parts]
                ))
            )  # fmt: skip
        if not clauses or not pks:
            return set()
        return self._among(pks, tantivy.Query.boolean_query(clauses))

    def _generated_only(self, pks: list[int]) -> set[int]:
        """Of these documents, those found only by spellings generated by rule."""
        return self._found_only_without(pks, self.plan.firm_terms())

    def _found_only_without(self, pks: list[int], terms: list) -> set[int]:
        """Of these documents, those matching none of ``terms`` (none when no term)."""
        if not terms or not pks:
            return set()
        parts = [q for q in (term_query(t, self.plan.parsed.layer) for t in terms) if q]
        if not parts:
            return set(pks)
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])
        return set(pks) - self._among(pks, query)

    def _near(self, pks: list[int]) -> set[int]:
        """Of these documents, those where the typed words stand close together."""
        words = analysed(self.plan.near_tokens())
        if len(words) < 2 or not pks:
            return set()
        slop = self.plan.near_window(words)
        near = tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.phrase_query(SCHEMA, column, [*words], slop=slop),
                )
                for column in COLUMNS
            ]
        )
        return self._among(pks, near)


#: Facet value labels by facet: {name: (read at, {key: (value, label)})}. A broad search
#: lists hundreds of values; their labels change rarely, so they are read once and kept
#: ``LABELS_TTL`` seconds (and dropped at once when this process saves an authority).
_LABELS: dict[str, tuple[float, dict]] = {}
LABELS_TTL = 60.0


def forget_labels() -> None:
    _LABELS.clear()


def _labels(name: str, keys) -> dict[Any, tuple[str, str]]:
    """{key: (public value, label)} of these facet values, from the cache or one query."""
    read_at, known = _LABELS.get(name, (0.0, {}))
    if time.monotonic() - read_at > LABELS_TTL:
        read_at, known = time.monotonic(), {}
    missing = [k for k in keys if k not in known]
    if missing:
        spec = FACETS[name]
        if spec.model is None:
            raise ValueError(f"The {name} facet has no records to label")
        rows = spec.model._default_manager.filter(pk__in=missing).values_list(
            "pk", spec.key, spec.label_field
        )
        known = {**known, **{pk: (str(value), text) for pk, value, text in rows}}
        _LABELS[name] = (read_at, known)
    return known


def labelled(name: str, counts: dict) -> list[FacetValue]:
    """Facet values with their labels: decades ascending (undated last), the others most
    documents first."""
    if FACETS[name].model is None:
        values = [decade_value(None if key == UNDATED else key, n) for key, n in counts.items()]
        return sorted(values, key=lambda v: (v.value == "undated", v.value))
    labels = _labels(name, counts)
    values = [FacetValue(*labels[key], n) for key, n in counts.items() if key in labels]
    return sorted(values, key=lambda v: (-v.count, v.label))
