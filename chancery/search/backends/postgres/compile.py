"""A plan as SQL over the ``search_pg`` rows: its words as tsqueries, its filters as
conditions on the rows' facts (:class:`Match`).

A query word is looked up through each configuration it may have been indexed with, OR-ed
together (the English or Russian configuration, and the simple one). Each text query is a
sub-select, ``vector @@ (SELECT query)``: the planner then cannot estimate how many rows
match and always takes the GIN index. With the query as a constant it estimates well, and
for a word in most documents prefers a sequential scan; but that reads (detoasts) every
row's whole vector, 20× slower than the index, which answers a plain word without reading
any vector.

A row matches a tsquery when its human text (``vector``) or its scans' machine-read text
(``machine_vector``, its own GIN index) does (:func:`hit`); when every word group must
match, each is matched apart, so one word may be in a transcript and another on a scan.
"""

# ruff: noqa: S608

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from chancery.corpus.models import Document

from ...analysis import WORD, only_stopwords
from ...plan import SearchPlan
from ...query import ParsedQuery, Term
from .schema import (
    CYRILLIC,
    LAYER_TEXT,
    LINK_FACETS,
    LINKS,
    MACHINE_FIELD,
    MAX_INDEXED,
    ROW_FACETS,
    TABLE,
    link_type,
    prepare,
)

#: "Most of the words" is one GIN query (any of the word-group combinations), and so is each
#: band of it, up to this many combinations in one (9 words, 5 of them: 126); beyond, each
#: group is one GIN scan, and the groups each row matched are counted.
MAX_COMBINATIONS = 128
#: The columns of a row's facts, named by the date bounds of a plan.
DATE_COLUMNS = {"earliest": "s.earliest", "latest": "s.latest"}

Query = tuple[str, list]


def hit(query: str, params: list | tuple, alias: str = "s.") -> Query:
    """The rows whose human or machine-read text matches the tsquery ``query``."""
    return (
        f"({alias}vector @@ (SELECT {query}) OR {alias}machine_vector @@ (SELECT {query}))",
        [*params, *params],
    )


def _tokens(text: str) -> list[str]:
    return [t for word in WORD.findall(prepare(text)) for t in word.split()]


def term_sql(term: Term, weight: str = "") -> Query | None:
    """A tsquery matching ``term`` in every configuration it may be indexed with."""
    tokens = _tokens(term.text)
    if not tokens:
        return None
    label = "A" if term.field == "title" else weight
    suffix = (":*" if term.prefix else ":") + label if (term.prefix or label) else ""
    text = " <-> ".join(f"'{t}'{suffix}" for t in tokens)
    first = "chancery_russian" if CYRILLIC.search(term.text) else "chancery_english"
    parts = [f"to_tsquery('{c}', %s)" for c in (first, "chancery_simple")]
    return "(" + " || ".join(parts) + ")", [text, text]


def any_of(terms: list[Term], weight: str = "") -> Query | None:
    found = [q for q in (term_sql(t, weight) for t in terms) if q]
    if not found:
        return None
    return "(" + " || ".join(sql for sql, _ in found) + ")", [p for _, ps in found for p in ps]


def searched_groups(parsed: ParsedQuery) -> list[list[Term]]:
    """The word groups searched: a group of stopwords only ("of") is left out when other
    groups carry the query: the English configuration indexes no stopword, so it would
    match next to nothing and no document would have every group."""
    groups = parsed.groups
    if not all(only_stopwords(g) for g in groups):
        groups = [g for g in groups if not only_stopwords(g)]
    return groups


def group_queries(parsed: ParsedQuery, weight: str = "") -> list[Query]:
    """A tsquery per word group (limited to the ``weight`` label: "A" for titles), of the
    :func:`searched_groups`."""
    weight = weight or ("B" if parsed.layer == "summary" else "")
    return [q for q in (any_of(g, weight) for g in searched_groups(parsed)) if q]


def both(queries: list[Query], joiner: str = " && ") -> Query:
    return "(" + joiner.join(sql for sql, _ in queries) + ")", [p for _, ps in queries for p in ps]


def _coverage(queries: list[Query], at_least: int) -> Query:
    """Rows matching at least ``at_least`` of the queries, with how many: each query is one
    GIN index scan, so no row's (large) vector is read to count."""
    scans = [hit(q, ps, "") for q, ps in queries]
    sql = (
        "SELECT document_id, count(*) AS n FROM ("
        + " UNION ALL ".join(f"SELECT document_id FROM {TABLE} WHERE {c}" for c, _ in scans)
        + ") AS m GROUP BY document_id HAVING count(*) >= %s"
    )
    return sql, [*(p for _, ps in scans for p in ps), at_least]


@dataclass(frozen=True)
class Band:
    """The matches with the same number of word groups, for ranking: the rows meeting
    ``condition`` (every match when empty), and how many groups each has — ``groups``, or
    counted row by row (``counted``: the coverage sub-select's ``n``)."""

    condition: str = ""
    params: tuple = ()
    groups: int = 0
    counted: bool = False

    @property
    def groups_sql(self) -> str:
        return "cov.n" if self.counted else str(self.groups)


@dataclass
class Match:
    """The ``search_pg`` rows (alias ``s``) one search selects, as SQL: every condition of
    the search is on the row (text, exclusions, facets, dates) or a sub-select of document
    ids (field filters), so counting, faceting and ranking never join the documents."""

    source: str = f"{TABLE} AS s"
    source_params: list = field(default_factory=list)
    conditions: list[Query] = field(default_factory=list)
    #: The tsquery of any word group (what finds the candidates).
    text: Query | None = None
    #: The terms of the word groups ranking scores (BM25, :mod:`.bm25`), the text layer
    #: the search is limited to, and what BM25 prepared of them (once a search).
    terms: list[Term] = field(default_factory=list)
    #: Which word each term is a form of (a typed word and its variants share one).
    term_groups: list[int] = field(default_factory=list)
    layer: str | None = None
    ranking: Any = None
    #: The typed words whose closeness ranks higher (``SearchPlan.near_tokens``).
    near_tokens: list[str] = field(default_factory=list)
    #: Each word group's tsquery.
    queries: list[Query] = field(default_factory=list)
    #: A tsquery matching titles that hold every word group.
    title: Query = ("''::tsquery", [])
    #: A tsquery of the typed and curated forms of names that also have spellings
    #: generated by rule (``SearchPlan.firm_terms``); None when nothing was generated.
    firm: Query | None = None
    #: A tsquery of every form but the close spellings of widened words
    #: (``SearchPlan.sure_terms``); None when no word was widened.
    sure: Query | None = None
    #: The matches in the order of how many word groups they match, most first.
    bands: list[Band] = field(default_factory=lambda: [Band()])
    #: The text condition a match of the lead vector implies (one word group, no layer):
    #: the lead's own index then answers alone (see ``ranking.by_relevance``).
    implied_by_lead: str = ""

    def words(self) -> Query:
        """:attr:`text`, for what only a search with words does (ranking)."""
        if self.text is None:
            raise ValueError("A search without words has no relevance to rank by")
        return self.text

    def where(self, condition: str, params: list) -> None:
        self.conditions.append((condition, params))

    def select(
        self, columns: str, params: list | None = None, *, also: str = "", also_params=(),
        tail: str = "", tail_params=(), without: str = "",
    ) -> Query:  # fmt: skip
        """SQL selecting ``columns`` of the rows (and meeting ``also`` too; not held to
        the condition ``without``), and its parameters in the order they appear."""
        kept = [(sql, ps) for sql, ps in self.conditions if not without or sql != without]
        where = " AND ".join([*(sql for sql, _ in kept), *([also] if also else [])]) or "true"
        return (
            f"SELECT {columns} FROM {self.source} WHERE {where} {tail}",
            [*(params or []), *self.source_params, *(p for _, ps in kept for p in ps),
             *also_params, *tail_params],
        )  # fmt: skip


def text_match(parsed: ParsedQuery) -> Match:
    """The rows matching the words of ``parsed`` (every row when it has none)."""
    match = Match()
    queries = group_queries(parsed)
    if queries:
        match.text = both(queries, " || ")
        match.queries = queries
        searched = searched_groups(parsed)
        match.terms = [t for g in searched for t in g]
        # A typed word and its variants are one word to BM25; typed alternatives (a OR b)
        # are not.
        match.term_groups = list(itertools.accumulate(int(not t.variant) for t in match.terms))
        match.layer = parsed.layer
        match.title = both(group_queries(parsed, "A"))
        firm = [t for g in parsed.groups if any(t.generated for t in g) for t in g]
        match.firm = any_of([t for t in firm if not t.generated])
        sure = [t for g in parsed.groups if any(t.similar for t in g) for t in g]
        match.sure = any_of([t for t in sure if not t.similar])
        total, least = len(queries), parsed.min_match
        if least:
            # A group of stopwords left out stands for a group every document has (as on
            # the engines that index stopwords): "extradition of fugitive criminals", 3 of
            # its 4 groups, is 2 of "extradition", "fugitive" and "criminals".
            least = max(1, least - (len(parsed.groups) - total))
        # Every band from "all" down to "least" groups is written out: the widest counts.
        widest = max((math.comb(total, n) for n in range(least or total, total + 1)), default=1)
        if least and least < total and widest > MAX_COMBINATIONS:
            coverage, match.source_params = _coverage(queries, least)
            match.source = f"({coverage}) AS cov JOIN {TABLE} AS s USING (document_id)"
            match.bands = [Band(counted=True)]
            query, params = match.text
        elif least and least < total:
            query, params = _at_least(queries, least)
            match.where(*hit(query, params))
            match.bands = [_band(queries, n) for n in range(total, least - 1, -1)]
        else:
            query, params = both(queries)
            each = [hit(q, ps) for q, ps in queries]
            condition = " AND ".join(c for c, _ in each)
            match.where(condition, [p for _, ps in each for p in ps])
            match.bands = [Band(groups=total)]
            if total == 1 and not parsed.layer:
                match.implied_by_lead = condition
        layer = LAYER_TEXT.get(parsed.layer or "")
        if parsed.layer == MACHINE_FIELD:
            match.where(f"s.machine_vector @@ (SELECT {query})", params)
        elif layer:
            text = f"to_tsvector(s.{layer[0]}, left(s.{layer[1]}, {MAX_INDEXED}))"
            match.where(f"{text} @@ (SELECT {query})", params)
    excluded = any_of(parsed.excluded)
    if excluded:
        # A GIN scan hashed once, not each match's vector read to test it.
        condition, params = hit(*excluded, "")
        match.where(
            f"s.document_id NOT IN (SELECT document_id FROM {TABLE} WHERE {condition})", params
        )
    return match


def _at_least(queries: list[Query], least: int) -> Query:
    """A tsquery matching rows with at least ``least`` of the queries: any of their
    combinations, all of it answered by the GIN index (no vector is read)."""
    combinations = itertools.combinations(queries, least)
    return both([both(list(combination)) for combination in combinations], " || ")


def _band(queries: list[Query], n: int) -> Band:
    """The rows matching exactly ``n`` of the queries."""
    query, params = _at_least(queries, n)
    if n < len(queries):
        more, more_params = _at_least(queries, n + 1)
        query, params = f"({query} && !!{more})", [*params, *more_params]
    condition, params = hit(query, params)
    return Band(condition, tuple(params), n)


def filter_conditions(plan: SearchPlan) -> list[Query]:
    """Every condition of the plan but its words and dates, on the rows."""
    conditions: list[Query] = []
    links, link_params = [], []
    if plan.scope is not None:
        links.append(f"k.{LINK_FACETS['collection']} && %s::bigint[]")
        link_params.append(list(plan.scope))
    for selected in plan.facets:
        name = selected.spec.name
        if selected.spec.model is None:
            undated = f" OR s.{ROW_FACETS[name]} IS NULL" if selected.undated else ""
            conditions.append(
                (f"(s.{ROW_FACETS[name]} = ANY(%s){undated})", [list(selected.decades)])
            )
        elif name in ROW_FACETS:  # one value a document: any of those selected
            conditions.append((f"s.{ROW_FACETS[name]} = ANY(%s)", [selected.known]))
        else:  # every one of them
            for ids in selected.alternatives:
                if not ids:
                    conditions.append(("false", []))
                    continue
                links.append(f"k.{LINK_FACETS[name]} && %s::{link_type(name)}")
                link_params.append(list(ids))
    if links:
        conditions.append(
            (f"s.links IN (SELECT k.id FROM {LINKS} k WHERE {' AND '.join(links)})", link_params)
        )
    if plan.restricted is not None:
        conditions.append(("s.document_id = ANY(%s)", [list(plan.restricted)]))
    # Field filters: document ids from the documents (no search column holds them).
    documents, narrowed = Document.objects.order_by(), False
    for f in plan.fields:
        related = f.documents()
        documents = documents.exclude(related) if f.negate else documents.filter(related)
        narrowed = True
    if narrowed:
        sql, params = documents.values("pk").query.sql_with_params()
        conditions.append((f"s.document_id IN ({sql})", list(params)))
    return conditions


def date_condition(plan: SearchPlan) -> Query:
    """The plan's date bounds as a condition on the rows."""
    bounds = plan.dates
    sql = " AND ".join(f"{DATE_COLUMNS[b.field]} {b.op} %s" for b in bounds)
    return sql, [b.value for b in bounds]


def plan_match(plan: SearchPlan, *, dates: bool = True) -> Match:
    """The rows the plan finds (without its dates: for the undated count)."""
    match = text_match(plan.parsed)
    match.near_tokens = plan.near_tokens()
    if "conditions" not in plan.memo:
        plan.memo["conditions"] = filter_conditions(plan)
    for condition, params in plan.memo["conditions"]:
        match.where(condition, params)
    if dates and plan.dates:
        match.where(*date_condition(plan))
    return match
