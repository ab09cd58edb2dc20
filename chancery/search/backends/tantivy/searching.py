"""One plan against the index: counts, aggregations, pages; and the facet labels."""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import tantivy

from chancery.corpus.dates import decade_of

from ... import alongside, budget, ranking
from ...facets import FACETS, FacetHead, FacetValue, head_of
from ...plan import SearchPlan, decade_value
from ...query import Term
from ..base import Ranked
from .query import (
    COVERAGE,
    SORT_FIELDS,
    UNDATED,
    analysed,
    columns_of,
    exact_words,
    pks_query,
    plan_query,
    term_in,
    term_query,
)
from .schema import COLUMNS, SCHEMA, held, int_values, levels_held, searcher_at

#: The page a search is first counted for (the search page's first page, ten hits): the
#: count comes from the search that finds its hits (Tantivy counts while it collects).
FIRST_PAGE = (0, 10)
#: The bits of a pool document's score in the one query that finds what the rerank
#: needs (``Searching.flags``): constant scores, powers of two, summed exactly in f32.
NEAR, IN_TITLE, FIRM, SURE = 1, 2, 4, 8
#: Values a terms aggregation lists at most (a facet's every value).
BUCKETS = 65_000
#: For a page's first values of a facet (its head of ``limit``), the values each of its
#: fields lists: the first ``HEAD_FACTOR * limit``, so that the values tied with the last
#: shown are seldom cut off (when they are, those are counted again: ``counted``).
HEAD_FACTOR = 2


@dataclass(frozen=True, slots=True)
class FlagTests:
    """The queries over the pool that tell the rerank's flags: None where the search's
    words cannot set the flag; for the spellings, False where none can match (every
    document is then found without them)."""

    near: tantivy.Query | None
    in_title: tantivy.Query | None
    firm: tantivy.Query | bool | None
    sure: tantivy.Query | bool | None

    @property
    def unknown(self) -> ranking.Unknown:
        return ranking.Unknown(
            near=self.near is not None,
            in_title=self.in_title is not None,
            generated_only=isinstance(self.firm, tantivy.Query),
            similar_only=isinstance(self.sure, tantivy.Query),
        )


class Searching:
    """One plan against the index as last committed by any process (reloaded when it
    changed, so a request served by one worker sees what another just wrote).

    One evaluation per part of a page: the search that collects the page's hits (the
    reranked pool, or a page in a stored order) also counts them; every facet, the years
    and the decades come from one aggregation (:meth:`summary`); what the rerank needs to
    know of the pool (words close, in the title, found by which spellings) from one query
    over the pool (:meth:`flags`: by pk, or for a single test the search's own query in
    the pool's order); the snippets' excerpts from the pool's addresses."""

    def __init__(self, plan: SearchPlan):
        self.plan = plan
        self.searcher, self._commit = searcher_at()
        self._levels: list[str] | None = None
        self.query = plan_query(plan, fields=self._fields)
        self._count: int | None = None
        self._summary: dict[str, dict] | None = None
        #: The facets of the summary counted only as far as a page's head needs (their
        #: first values, :meth:`begin_summary`'s ``head``): not every value is there.
        self.cut: set[str] = set()
        #: The summary's aggregation begun on another thread (:meth:`begin_summary`).
        self._summarising: alongside.Pending | None = None
        self._undated: int | None = None
        #: (pool size, [(score, address)], [pk]) of the last ranked search.
        self._pool: tuple[int, list, list[int]] | None = None
        #: (sort, offset, limit) -> [pk] of the pages in a stored order.
        self._pages: dict[tuple[str, int, int], list[int]] = {}
        #: pk -> address of every document collected so far (for the excerpts).
        self._addresses: dict[int, Any] = {}
        #: Searcher calls made (what the tests count: one evaluation per part).
        self.evaluations = 0

    def _search(self, query: tantivy.Query, limit: int, **options) -> Any:
        """The searcher's search (its result's ``count`` is filled when counting; the stub
        omits it)."""
        self.evaluations += 1
        return self.searcher.search(query, limit, **options)

    @property
    def count(self) -> int:
        """How many documents the plan finds: counted by the search of the first page (or
        the summary) when one ran, else by that search run now."""
        if self._count is None:
            offset, limit = FIRST_PAGE
            if self.plan.ranks:
                self._ranked(offset + limit + ranking.RERANK_POOL)
            else:
                self._in_order(self.plan.sort, offset, limit)
        assert self._count is not None
        return self._count

    @property
    def summarised(self) -> bool:
        return self._summary is not None or self._summarising is not None

    def summary(self, complete: Collection[str] | None = None) -> dict[str, dict]:
        """Every facet and the year histogram over the matches, in one aggregation (a
        page needs them all: one pass over the matches, not one per part): the one
        :meth:`begin_summary` began, or one run now. ``complete``: the facets whose every
        value is needed (default: all); those a page's head cut (:attr:`cut`) are counted
        again whole."""
        if self._summary is None:
            if self._summarising is None:
                fields = summary_fields()
                self._summary = self.aggregate(fields, undated_keys(fields))
            else:
                self._join_summary()
        assert self._summary is not None
        wanted = sorted(self.cut if complete is None else self.cut.intersection(complete))
        if wanted:
            self._summary.update(self.aggregate(wanted, undated_keys(wanted)))
            self.cut.difference_update(wanted)
        return self._summary

    def begin_summary(self, head: int | None = None) -> None:
        """Start the summary's aggregation (and, for a search with dates, the count of its
        undated documents) on another native thread (:mod:`alongside`): the binding
        releases the GIL while it aggregates and searches, so a page's facets are counted
        on the second core while this thread ranks and shows the hits. The page's search
        counts the matches: the aggregation does not count them again. ``head``: only a
        page's first ``head`` values of each facet are needed (see :func:`counted`)."""
        if self.summarised:
            return
        budget.check()
        fields = summary_fields()
        aggregations = self._aggregations(fields, undated_keys(fields), counting=False, head=head)
        dated = self.plan.start is not None or self.plan.end is not None
        undated = self._undated_query() if dated and self._undated is None else None
        self.evaluations += 1 + (undated is not None)
        self._summarising = alongside.start(
            _aside_counts, self.searcher, self.query, fields, aggregations, undated, head,
            self.levels,
        )  # fmt: skip

    @property
    def levels(self) -> list[str]:
        """The collection depth fields some document holds (:func:`levels_held`)."""
        if self._levels is None:
            self._levels = levels_held(self.searcher, self._commit)
        return self._levels

    def _join_summary(self) -> None:
        """Wait for what :meth:`begin_summary` began, and keep it."""
        assert self._summarising is not None
        pending, self._summarising = self._summarising, None
        (self._summary, self.cut, more), undated = pending.result()
        self.evaluations += more
        if undated is not None:
            self._undated = undated

    def undated(self) -> int:
        """Undated documents the plan finds when its dates are left out, by a count of
        their own (counting them in the facets' aggregation, over every match without the
        dates, cost 3 to 5 times the aggregation over the dated matches and this count)."""
        if self._undated is None and self._summarising is not None:
            self._join_summary()
        if self._undated is None:
            self._undated = self.count_of(self._undated_query())
        return self._undated

    def _undated_query(self) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, plan_query(self.plan, dates=False, fields=self._fields)),
                (tantivy.Occur.MustNot, tantivy.Query.exists_query("earliest")),
            ]
        )

    def count_of(self, query: tantivy.Query) -> int:
        return self._search(query, 1, count=True).count

    def pks(self, hits) -> list[int]:
        return int_values(self.searcher, "pk", [address for _, address in hits])

    def aggregate(self, fields: list[str], missing: dict[str, int]) -> dict[str, dict]:
        """{field: {value: documents}} over every match (Tantivy terms aggregations)."""
        budget.check()  # no timeout in the binding: the time limit is checked between steps
        aggregations = self._aggregations(fields, missing)
        self.evaluations += 1
        return self._counts(fields, self.searcher.aggregate(self.query, aggregations))

    def _aggregations(
        self,
        fields: list[str],
        missing: dict[str, int],
        counting: bool = True,
        head: int | None = None,
    ) -> dict[str, dict]:
        """The terms aggregations of ``fields`` (``missing``: the key that stands for a
        match without a value), each facet's first values only when a page's ``head``
        is all that is needed, and (``counting``) the matches counted when nothing has
        counted them yet."""
        aggregations = {}
        for name in fields:
            size = listed(head) if head and headed(name) else BUCKETS
            for field in parts(name, self.levels):
                aggregations[field] = terms(field, size)
        for name, value in missing.items():
            for field in parts(name, self.levels):
                aggregations[field]["terms"]["missing"] = value
        if counting and self._count is None:  # a value of every match: 1 ms at 1M
            aggregations["matched"] = {"value_count": {"field": "pk"}}
        return aggregations

    def _counts(self, fields: list[str], buckets: dict) -> dict[str, dict]:
        """{field: {value: documents}} from the aggregation's buckets."""
        if self._count is None and "matched" in buckets:
            self._count = int(buckets["matched"]["value"])
        counts, _, more = counted(self.searcher, self.query, fields, buckets, self.levels)
        self.evaluations += more
        return counts

    def _ranked(self, pool: int) -> tuple[list, list[int]]:
        """The best ``pool`` matches by BM25 and their pks, counting every match."""
        if self._pool is None or self._pool[0] != pool:
            budget.check()
            found = self._search(self.query, pool, count=True)
            self._count = found.count
            pks = self.pks(found.hits)
            self._pool = (pool, found.hits, pks)
            self._addresses.update(zip(pks, (a for _, a in found.hits), strict=True))
        return self._pool[1], self._pool[2]

    def by_relevance(self, offset: int, limit: int) -> Ranked:
        """BM25 picks the best candidates (most word groups first, see ``COVERAGE``);
        :mod:`chancery.search.ranking` reranks them like every engine. What the rerank
        needs to know of a candidate is looked up only for those that may reach the page
        (``ranking.contenders``)."""
        hits, pks = self._ranked(offset + limit + ranking.RERANK_POOL)
        lengths = int_values(self.searcher, "words", [address for _, address in hits])
        budget.check()
        tests = self._tests()
        parsed = self.plan.parsed
        groups = len(parsed.groups)
        generated_only, similar_only = tests.firm is False, tests.sure is False
        candidates = []
        for (score, _), pk, words in zip(hits, pks, lengths, strict=True):
            covered = int(score // COVERAGE) if parsed.min_match else groups
            bm25 = score - covered * COVERAGE if parsed.min_match else score
            # positional: a pool of 210 is built on every search (keywords cost a third more)
            candidates.append(
                ranking.Candidate(
                    pk, bm25, covered, words or 0, False, False, generated_only, similar_only
                )
            )
        asked = ranking.contenders(candidates, tests.unknown, offset + limit)
        flags = self._flags([c.pk for c in asked], tests)
        for c in asked:
            c.near, c.in_title, c.generated_only, c.similar_only = flags[c.pk]
        return ranking.rerank(asked, groups, offset, limit)

    def flags(self, pks: list[int]) -> dict[int, tuple[bool, bool, bool, bool]]:
        """{pk: (words close, every group in the title, found only by spellings made by
        rule, found only by close spellings)} of these documents, from one query
        (:meth:`_flags`)."""
        return self._flags(pks, self._tests())

    def _tests(self) -> FlagTests:
        return FlagTests(
            self._near(),
            self._in_title(),
            self._spellings(self.plan.firm_terms()),
            self._spellings(self.plan.sure_terms()),
        )

    def _flags(self, pks: list[int], tests: FlagTests) -> dict[int, tuple[bool, bool, bool, bool]]:
        """The flags of these documents: each test worth its bit (``NEAR``, ``IN_TITLE``,
        ``FIRM``, ``SURE``), a document's bits those of the tests it passes."""
        firm, sure = tests.firm, tests.sure
        pairs = [(NEAR, tests.near), (IN_TITLE, tests.in_title), (FIRM, firm), (SURE, sure)]
        clauses = [(bit, q) for bit, q in pairs if isinstance(q, tantivy.Query)]
        bits = dict.fromkeys(pks, 0)
        if clauses and pks:
            reach = self._reach(pks)
            if len(clauses) == 1 and reach is not None:
                bits.update(self._passing_in_order(pks, *clauses[0], reach))
            else:
                bits.update(self._bits_of(pks, clauses))
        return {
            pk: (
                bool(b & NEAR),
                bool(b & IN_TITLE),
                firm is not None and (firm is False or not b & FIRM),
                sure is not None and (sure is False or not b & SURE),
            )
            for pk, b in bits.items()
        }

    def _bits_of(self, pks: list[int], clauses: list[tuple[int, tantivy.Query]]) -> dict[int, int]:
        """{pk: bits} from one query over these documents: each test a clause scoring
        exactly its bit, so a document's score is the sum of the bits it has (exact in
        f32)."""
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.const_score_query(pks_query(pks), 0.0))]
            + [(tantivy.Occur.Should, _worth(q, bit)) for bit, q in clauses]
        )  # fmt: skip
        found = self._search(query, len(pks), count=False).hits
        return {pk: round(score) for (score, _), pk in zip(found, self.pks(found), strict=True)}

    def _passing_in_order(
        self, pks: list[int], bit: int, test: tantivy.Query, reach: int
    ) -> dict[int, int]:
        """{pk: bit} of those of these pool documents that pass ``test``, found by the
        search's own query with the test required and scoring nothing: ranked by the same
        scores as the pool, a pool document that passes ranks there no lower than in the
        pool, so the first ``reach`` hold every one. It reads the test's postings (a title's
        words) where :meth:`_bits_of` looks every document up by pk in every segment: for
        one word at 200,000 documents 0.2 to 0.7 ms against 0.7 to 2.0 (``bench/README.md``,
        "Session 18"). With several tests, one search each costs more than that lookup."""
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, self.query),
                (tantivy.Occur.Must, tantivy.Query.boost_query(test, 0.0)),
            ]
        )
        found = self._search(query, reach, count=False).hits
        asked = set(pks)
        return {pk: bit for pk in self.pks(found) if pk in asked}

    def _reach(self, pks: list[int]) -> int | None:
        """How far into the ranked pool these documents go (None: not all are in it)."""
        if self._pool is None:
            return None
        places = {pk: place for place, pk in enumerate(self._pool[2])}
        if any(pk not in places for pk in pks):
            return None
        return max(places[pk] for pk in pks) + 1

    def _spellings(self, terms: list) -> tantivy.Query | bool | None:
        """A query matching any of ``terms``; None when there is no term (no document is
        found only without them), False when none of them can match (every document is)."""
        if not terms:
            return None
        layer = self.plan.parsed.layer
        parts = [q for q in (term_query(t, layer, self._fields(t, layer)) for t in terms) if q]
        if not parts:
            return False
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])

    def _held(self, column: str, words) -> bool:
        """Whether some document holds each of these index terms in ``column`` (a test of
        words no document holds there is no test: it passes nothing, and costs a query)."""
        return held(self.searcher, self._commit, column, words)

    def _fields(self, term: Term, layer: str | None) -> tuple[str, ...]:
        """The fields ``term`` is searched in (:func:`columns_of`) where some document holds
        its words: in the others it matches nothing and adds nothing to a score, so the
        search is the same without them, and cheaper. All of them when it matches by
        pattern, or when no document holds its words at all (it still matches nothing)."""
        columns = columns_of(term, layer)
        if len(columns) == 1:
            return columns
        return tuple(c for c in columns if self._could_be_in(c, term)) or columns

    def _could_be_in(self, column: str, term) -> bool:
        """Whether ``term`` may match in ``column``: some document holds its words there,
        or it matches by pattern (which the index's frequencies cannot tell)."""
        words = exact_words(term)
        return words is None or self._held(column, words)

    def _in_title(self) -> tantivy.Query | None:
        """Every word group in the title (None: no group, or one that cannot be there:
        none of its forms is a title's)."""
        clauses = []
        for group in self.plan.parsed.groups:
            possible = [t for t in group if self._could_be_in("title", t)]
            parts = [q for q in (term_in("title", t) for t in possible) if q is not None]
            if not parts:
                return None
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, q) for q in parts]
                ))
            )  # fmt: skip
        return tantivy.Query.boolean_query(clauses) if clauses else None

    def _near(self) -> tantivy.Query | None:
        """The typed words close together in any text field holding them all (None: fewer
        than two words, or no field where a document holds them all)."""
        words = analysed(self.plan.near_tokens())
        if len(words) < 2:
            return None
        slop = self.plan.near_window(words)
        columns = [column for column in COLUMNS if self._held(column, set(words))]
        if not columns:
            return None
        return tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.phrase_query(SCHEMA, column, [*words], slop=slop),
                )
                for column in columns
            ]
        )

    def shown(self, pks: list[int]) -> dict[int, list[tuple[str, str, bool]]]:
        """{pk: [(layer, plain text, cut)]} of these documents' stored excerpts, read from
        the document store at the addresses the page's search found them at (one search
        for those it did not)."""
        if not pks:
            return {}
        unknown = [pk for pk in pks if pk not in self._addresses]
        if unknown:
            hits = self._search(pks_query(unknown), len(unknown), count=False).hits
            self._addresses.update(zip(self.pks(hits), (a for _, a in hits), strict=True))
        out: dict[int, list[tuple[str, str, bool]]] = {}
        for pk in pks:
            address = self._addresses.get(pk)
            if address is None:
                continue
            raw = self.searcher.doc(address).get_first("shown")
            out[pk] = (
                [(layer, text, cut) for layer, text, cut in json.loads(raw.decode())] if raw else []
            )
        return out

    def in_order(self, sort: str, offset: int, limit: int) -> Ranked:
        if limit <= 0:  # Tantivy panics on an empty page (an export of no match asks one)
            return []
        return [(pk, None, {}) for pk in self._in_order(sort, offset, limit)]

    def _in_order(self, sort: str, offset: int, limit: int) -> list[int]:
        """One page in a stored order (counting every match on the first search)."""
        key = (sort, offset, limit)
        if key not in self._pages:
            field, order = SORT_FIELDS.get(sort, SORT_FIELDS["date"])
            found = self._search(
                self.query,
                limit,
                count=self._count is None,
                order_by_field=field,
                order=order,
                offset=offset,
            )
            if self._count is None:
                self._count = found.count
            pks = self.pks(found.hits)
            self._addresses.update(zip(pks, (a for _, a in found.hits), strict=True))
            self._pages[key] = pks
        return self._pages[key]


def summary_fields() -> list[str]:
    """What a page's summary counts in one aggregation: every facet registered, the years."""
    return [*FACETS, "year"]


def undated_keys(fields) -> dict[str, int]:
    """The key that stands for an undated match in those of ``fields`` that are facets
    without records (the decades)."""
    return {n: UNDATED for n in fields if n in FACETS and FACETS[n].model is None}


def _aside_counts(
    searcher,
    query: tantivy.Query,
    fields: list[str],
    aggregations: dict,
    undated: tantivy.Query | None,
    head: int | None,
    levels: list[str],
) -> tuple[tuple[dict[str, dict], set[str], int], int | None]:
    """What a page's aside needs of the engine, run on another thread by
    :meth:`Searching.begin_summary`: the facets and years counted (:func:`counted`), and
    the undated documents counted (None: not asked). Engine calls and the buckets turned
    into counts, nothing else: no database, nothing of the request. Whatever Python does
    here holds the GIL the request's thread is waiting for, so a page asks each facet for
    its first values only (``head``): turning a broad search's hundreds of values into
    Python objects here cost the request 0.6 ms at 200,000 documents (``bench/README.md``,
    "Session 20")."""
    found = searcher.aggregate(query, aggregations)
    counts = counted(searcher, query, fields, found, levels, head)
    return counts, None if undated is None else searcher.search(undated, 1, count=True).count


def parts(name: str, levels: list[str]) -> list[str]:
    """The fields a facet (or the years) is counted on: the collections' one per depth
    (``levels``: those some document holds, :func:`~.schema.levels_held`); the decades'
    the years (a document's decade is its first year's, ``Document.decade``): one
    aggregation fewer for every page."""
    if name == "collection":
        return levels
    return ["year"] if name == "decade" else [name]


def _as_counted(name: str, values: dict) -> dict:
    """A field's counts as ``name`` counts them: the decades summed from the years (the
    undated key kept), the years without the undated (the decades' key, when both are
    counted on the one field)."""
    if name == "decade":
        decades: dict[int, int] = {}
        for year, n in values.items():
            key = UNDATED if year == UNDATED else decade_of(int(year))
            decades[key] = decades.get(key, 0) + n
        return decades
    if name == "year":
        values.pop(UNDATED, None)
    return values


def listed(head: int) -> int:
    """How many values each field of a facet lists for a page's head of ``head``."""
    return head * HEAD_FACTOR


def headed(name: str) -> bool:
    """Whether a page lists only the first values of this facet (not the decades)."""
    return name in FACETS and not FACETS[name].every_value


def _values(buckets: list[dict]) -> dict:
    return {b["key"]: b["doc_count"] for b in buckets}


def counted(
    searcher,
    query: tantivy.Query,
    fields: list[str],
    found: dict,
    levels: list[str],
    head: int | None = None,
) -> tuple[dict[str, dict], set[str], int]:
    """({field: {value: documents}}, the facets cut, aggregations run beyond ``found``).

    With ``head``, each facet's fields listed only their first values (``listed(head)``
    each, see :meth:`Searching._aggregations`): a facet whose every field listed
    fewer is complete; the others are *cut*, and hold every value that can be among the
    first ``head`` by count — the values a field did not list count no more than its last
    listed, so they fall below the ``head``-th count unless they tie with it, and a field
    whose last value ties with it is asked again for every value counting as much (the
    ties are ordered by label, which the engine does not know)."""
    counts: dict[str, dict] = {}
    cut: set[str] = set()
    again: dict[str, tuple[str, int]] = {}
    for name in fields:
        counts[name] = {}
        counted_on = parts(name, levels)
        for field in counted_on:
            counts[name].update(_as_counted(name, _values(found[field]["buckets"])))
        if not head or not headed(name):
            continue
        full = [f for f in counted_on if len(found[f]["buckets"]) >= listed(head)]
        if not full:
            continue
        cut.add(name)
        floor = sorted(counts[name].values(), reverse=True)[head - 1]
        again.update(
            {f: (name, floor) for f in full if found[f]["buckets"][-1]["doc_count"] == floor}
        )
    if again:
        aggregations = {f: terms(f, min_count=tie) for f, (_, tie) in again.items()}
        more = searcher.aggregate(query, aggregations)
        for field, (name, _) in again.items():
            counts[name].update(_values(more[field]["buckets"]))
    return counts, cut, int(bool(again))


def terms(field: str, size: int = BUCKETS, min_count: int = 1) -> dict[str, dict]:
    """A terms aggregation: the values of ``field`` counting at least ``min_count`` matches
    (up to ``size``, most first; counted exactly: every segment reports every value)."""
    return {
        "terms": {"field": field, "size": size, "segment_size": BUCKETS, "min_doc_count": min_count}
    }


def _worth(query: tantivy.Query, bit: int) -> tantivy.Query:
    """``query`` matching as itself and scoring exactly ``bit``. Not a constant-score
    query: tantivy-py 0.27's constant-score query over a phrase matches the documents holding
    its words anywhere (positions unchecked); the query scored 0 and an all-documents
    clause worth the bit keep the phrase's own matching."""
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, tantivy.Query.boost_query(query, 0.0)),
            (
                tantivy.Occur.Should,
                tantivy.Query.const_score_query(tantivy.Query.all_query(), float(bit)),
            ),
        ]
    )


#: Facet value labels by facet: {name: (content stamp, {key: (value, label)})}. A broad
#: search lists hundreds of values; their labels change only with a write, so they are
#: read once and kept until the archive's content stamp moves (a label renamed by another
#: process shows in the next search), and dropped at once when this process saves an
#: authority. With no stamp to trust (a write in the last moments) they are read afresh.
_LABELS: dict[str, tuple[str, dict]] = {}


def forget_labels() -> None:
    _LABELS.clear()


def _labels(name: str, keys, stamp: str | None) -> dict[Any, tuple[str, str]]:
    """{key: (public value, label)} of these facet values, kept under the archive's
    content ``stamp`` (:func:`kept.current_stamp`) or read in one query."""
    held, known = _LABELS.get(name, (None, {}))
    if stamp is None or held != stamp:
        known = {}
    missing = [k for k in keys if k not in known]
    if missing:
        spec = FACETS[name]
        if spec.model is None:
            raise ValueError(f"The {name} facet has no records to label")
        rows = spec.model._default_manager.filter(pk__in=missing).values_list(
            "pk", spec.key, spec.label_field
        )
        known = {**known, **{pk: (str(value), text) for pk, value, text in rows}}
        if stamp is not None:
            _LABELS[name] = (stamp, known)
    return known


def labelled(name: str, counts: dict, stamp: str | None) -> list[FacetValue]:
    """Facet values with their labels: decades ascending (undated last), the others most
    documents first (labels kept under ``stamp``: :func:`_labels`)."""
    if FACETS[name].model is None:
        values = [decade_value(None if key == UNDATED else key, n) for key, n in counts.items()]
        return sorted(values, key=lambda v: (v.value == "undated", v.value))
    return _most_first(counts, _labels(name, counts, stamp))


def _most_first(counts: dict, labels: dict[Any, tuple[str, str]]) -> list[FacetValue]:
    """The labelled values of ``counts``, most documents first, then by label."""
    values = [FacetValue(*labels[key], n) for key, n in counts.items() if key in labels]
    return sorted(values, key=lambda v: (-v.count, v.label))


def labelled_head(
    name: str,
    counts: dict,
    stamp: str | None,
    limit: int,
    selected: Collection[Any],
    complete: bool = True,
) -> FacetHead | None:
    """:func:`facets.head_of` of :func:`labelled`'s values, labelling only the values that
    can be in the head: those counting at least the ``limit``-th most (ties are ordered by
    label) and the selected ones (keys). ``complete``: whether ``counts`` holds every value
    of the facet, or only those that can be among its first (:func:`counted`); then None
    when the head needs more: a selected value further down, or a value whose record was
    deleted a moment ago among the first."""
    if FACETS[name].every_value or len(counts) <= limit:
        values = labelled(name, counts, stamp)
        return FacetHead(values, len(values) > limit)
    if not complete and any(key not in counts for key in selected):
        return None
    floor = sorted(counts.values(), reverse=True)[limit - 1] if limit > 0 else math.inf
    keys = [key for key, n in counts.items() if n >= floor or key in selected]
    labels = _labels(name, keys, stamp)
    public = {labels[key][0] for key in selected if key in labels}
    candidates = _most_first({key: counts[key] for key in keys}, labels)
    if sum(1 for value in candidates if value.count >= floor) < limit:
        # A value's record deleted a moment ago (its documents not yet indexed again).
        if not complete:
            return None
        return head_of(name, labelled(name, counts, stamp), limit, public)
    # Every value the index counts (one whose record was deleted a moment ago too, until
    # its documents are indexed again: labelling them all to know is what this avoids).
    return head_of(name, candidates, limit, public, more=True)
