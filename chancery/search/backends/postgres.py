"""PostgreSQL full-text search: the engine for archives that outgrow one machine.

One table, ``search_pg``, one row per published document, keyed by its primary key. The
weighted ``tsvector`` is a generated column, so PostgreSQL keeps it current on every write
to the row: title A, summary B, names C, translation and transcript D, ranked by
``ts_rank_cd`` (cover density: words close together rank higher) with weights
1.0 / 0.4 / 0.2 / 0.1, the SQLite engine's bm25 weights 10 : 4 : 2 : 1. A GIN index
serves ``@@``. Each row also carries its document's facts (type, decade, year, dates, and
its combination of collections, subjects, places, languages and repositories), so that a
search filters, counts, facets and ranks its matches without reading the documents or
writing anything (:class:`Match`, :func:`summarize`, ``PostgresResults._by_relevance``).

Text search configurations, all folding diacritics with ``unaccent``: the transcript (the
original) is analysed in its document's language, ``chancery_russian`` for Russian
(Russian stems for Cyrillic words, English stems for ASCII ones), ``chancery_english`` for
English or untagged documents and ``chancery_simple`` (no stemming) for the other
languages; title, summary, names and translation (the archive's descriptive language) use
``chancery_english``, or ``chancery_russian`` on a Russian document. A query word is
looked up through each configuration it may have been indexed with, OR-ed together.
Chinese and Japanese runs become character bigrams on both sides, as on SQLite.

Highlighting and snippets are shared by every engine (:mod:`chancery.search.snippets`);
``vocabulary`` ("did you mean") reads an unstemmed ``words`` vector with ``ts_stat``.
"""

# Only this module's table, column and configuration names are interpolated into SQL;
# words, ids and dates are parameters.
# ruff: noqa: S608

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chancery.corpus.models import Collection, Document

from .. import ranking
from ..analysis import WORD, bigrams, has_cjk, only_stopwords
from ..facets import FACETS, FacetValue, facet_models
from ..query import ParsedQuery, Term
from .base import (
    IndexEntry,
    SearchBackend,
    SearchResults,
    descendant_ids,
    field_condition,
)

TABLE = "search_pg"
#: ISO 639-2/B language code -> configuration of a document's original text.
LANGUAGE_CONFIGS = {"eng": "chancery_english", "rus": "chancery_russian"}
#: For ?explain=1 (shown with these field names) and ts_rank_cd's {D, C, B, A} below.
COLUMNS = ("title", "summary", "translation", "transcript", "names")
WEIGHTS = (1.0, 0.4, 0.1, 0.1, 0.2)
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
#: tsvector positions stop at 16,383 and its size at 1 MB: this much of a text is indexed
#: (the generated ``vector`` column of migration 0002_postgres).
MAX_INDEXED = 1_000_000
#: Matches ranked with their whole vector; more are first ranked on a small vector. On the
#: judged queries (bench/relevance) 300 ranks as well as 1,000 and as ranking every match.
CANDIDATES = 300
#: "Most of the words" is one GIN query (any of the word-group combinations), and so is each
#: band of it, up to this many combinations in one (9 words, 5 of them: 126); beyond, each
#: group is one GIN scan, and the groups each row matched are counted.
MAX_COMBINATIONS = 128
#: Documents whose words ``vocabulary`` reads ("did you mean" needs no more).
VOCABULARY_SAMPLE = 20_000

# The table is made by the search migrations, each with its SQL written out as it ran it:
# 0002_postgres (the text columns, the weighted ``vector`` and its GIN index, the unstemmed
# ``words``, the text search configurations chancery_english, chancery_russian and
# chancery_simple, copies of PostgreSQL's folding diacritics with ``unaccent``),
# 0004_postgres_head (the ``head`` vector: title, summary, names and the first 1,500
# characters of each text layer, kept in the row), 0005_postgres_facts (the triggers that
# drop the rows of documents deleted or unpublished behind Django's back) and
# 0006_postgres_links (the facts columns, the combinations table :data:`LINKS` and its
# ``search_pg_links_id`` function, the ``lead`` vector and its GIN index).
#
# A search trusts the search table to hold only published documents (it never joins the
# documents for that). Signals keep it so; the triggers keep it so also when documents
# change behind Django's back: a TRUNCATE (``flush``), a queryset ``update`` of the
# status, a raw DELETE.

#: The facts a search filters, counts and ranks by without reading the documents
#: (migrations 0005_postgres_facts and 0006_postgres_links): type, decade, year of the
#: earliest date, the dates, and which combination of collections, subjects, places,
#: languages and repositories the document has (``links``, an id in :data:`LINKS`).
#: Written with the text, inside the same transaction, so they follow the document.
FACT_COLUMNS = {
    "doc_type": "bigint",
    "decade": "integer",
    "year": "integer",
    "earliest": "date",
    "latest": "date",
    "links": "integer",
}
#: The many-to-many facets -> their column in :data:`LINKS` (named after the Document field).
LINK_FACETS = {
    "collection": "collections",
    "subject": "subjects",
    "place": "places",
    "language": "languages",
    "repository": "repositories",
}
#: Each distinct combination of a document's collections, subjects, places, languages and
#: repositories, once: a few thousand for hundreds of thousands of documents (the documents
#: of one volume share most of theirs). A search groups its matches by combination (one
#: integer) and unnests only the combinations found, so facets cost a pass over integers.
LINKS = "search_pg_links"
_LINK_TYPES = {"collections": "bigint[]", "subjects": "bigint[]", "places": "bigint[]",
               "languages": "text[]", "repositories": "bigint[]"}  # fmt: skip


def _links_id_sql(document: str) -> str:
    """The links id of the document whose id is the SQL ``document`` (made if new)."""
    arrays = []
    for column in LINK_FACETS.values():
        field = Document._meta.get_field(column)
        through = field.remote_field.through._meta.db_table
        arrays.append(
            f"ARRAY(SELECT f.{field.m2m_reverse_name()} FROM {through} f "
            f"WHERE f.{field.m2m_column_name()} = {document} ORDER BY 1)"
        )
    return f"{LINKS}_id({', '.join(arrays)})"


def _facts_sql(document: str, row: str) -> str:
    """The facts columns' values of the document whose id is ``document`` and whose
    corpus_document row is ``row``."""
    return (
        f"{row}.doc_type_id, {row}.decade, EXTRACT(YEAR FROM {row}.date_earliest)::integer, "
        f"{row}.date_earliest, {row}.date_latest, {_links_id_sql(document)}"
    )


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Text layers -> (configuration column, text column) a layer-limited query re-checks.
LAYER_TEXT = {
    "translation": ("meta_config", "translation"),
    "transcript": ("text_config", "transcript"),
}


def configs_for(languages: list[str], meta_text: str = "", transcript: str = "") -> tuple[str, str]:
    """(configuration of the descriptive fields, of the transcript) for a document.

    Text with Cyrillic in it is analysed as Russian whatever the declared language: the
    Russian configuration stems ASCII words as English too, so nothing is lost.
    """
    if "rus" in languages:
        return "chancery_russian", "chancery_russian"
    if not languages or "eng" in languages:
        text = "chancery_english"
    else:
        found = (LANGUAGE_CONFIGS[c] for c in languages if c in LANGUAGE_CONFIGS)
        text = next(found, "chancery_simple")
    meta = "chancery_russian" if _CYRILLIC.search(meta_text) else "chancery_english"
    return meta, "chancery_russian" if _CYRILLIC.search(transcript) else text


_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


def prepare(text: str) -> str:
    """Text as stored: no NUL (PostgreSQL refuses it), hyphens as spaces (as SQLite's
    tokenizer reads them: "Hung-chang" is the two words of "Hung chang", not a third
    compound token that would break the phrase), CJK runs as bigrams."""
    text = _HYPHEN.sub(" ", (text or "").replace("\x00", " "))
    if has_cjk(text):
        from ..analysis import _CJK_RUN

        text = _CJK_RUN.sub(lambda m: " ".join(bigrams(m.group())), text)
    return text


def _tokens(text: str) -> list[str]:
    return [t for word in WORD.findall(prepare(text)) for t in word.split()]


def term_sql(term: Term, weight: str = "") -> tuple[str, list[str]] | None:
    """A tsquery matching ``term`` in every configuration it may be indexed with."""
    tokens = _tokens(term.text)
    if not tokens:
        return None
    label = "A" if term.field == "title" else weight
    suffix = (":*" if term.prefix else ":") + label if (term.prefix or label) else ""
    text = " <-> ".join(f"'{t}'{suffix}" for t in tokens)
    first = "chancery_russian" if _CYRILLIC.search(term.text) else "chancery_english"
    parts = [f"to_tsquery('{c}', %s)" for c in (first, "chancery_simple")]
    return "(" + " || ".join(parts) + ")", [text, text]


def any_of(terms: list[Term], weight: str = "") -> tuple[str, list[str]] | None:
    found = [q for q in (term_sql(t, weight) for t in terms) if q]
    if not found:
        return None
    return "(" + " || ".join(sql for sql, _ in found) + ")", [p for _, ps in found for p in ps]


def group_queries(parsed: ParsedQuery, weight: str = "") -> list[tuple[str, list[str]]]:
    """A tsquery per word group (limited to the ``weight`` label: "A" for titles); a group
    of stopwords only ("of") is left out when other groups carry the query: the English
    configuration indexes no stopword, so it would match next to nothing and no document
    would have every group."""
    weight = weight or ("B" if parsed.layer == "summary" else "")
    groups = parsed.groups
    if not all(only_stopwords(g) for g in groups):
        groups = [g for g in groups if not only_stopwords(g)]
    return [q for q in (any_of(g, weight) for g in groups) if q]


def _and(queries: list[tuple[str, list[str]]], joiner: str = " && ") -> tuple[str, list[str]]:
    return "(" + joiner.join(sql for sql, _ in queries) + ")", [p for _, ps in queries for p in ps]


def _coverage(queries: list[tuple[str, list[str]]], at_least: int) -> tuple[str, list]:
    """Rows matching at least ``at_least`` of the queries, with how many: each query is one
    GIN index scan, so no row's (large) vector is read to count."""
    scans = [f"SELECT document_id FROM {TABLE} WHERE vector @@ (SELECT {q})" for q, _ in queries]
    sql = (
        f"SELECT document_id, count(*) AS n FROM ({' UNION ALL '.join(scans)}) AS m "
        "GROUP BY document_id HAVING count(*) >= %s"
    )
    return sql, [*(p for _, ps in queries for p in ps), at_least]


@dataclass
class Match:
    """The ``search_pg`` rows (alias ``s``) one search selects, as SQL: every condition of
    the search is on the row (text, exclusions, facets, dates) or a sub-select of document
    ids (field filters), so counting, faceting and ranking never join the documents."""

    source: str = f"{TABLE} AS s"
    source_params: list = field(default_factory=list)
    #: (SQL, its parameters) each.
    conditions: list[tuple[str, list]] = field(default_factory=list)
    #: The tsquery of any word group (what ranking scores), with its parameters.
    text: tuple[str, list] | None = None
    #: Each word group's tsquery.
    queries: list[tuple[str, list]] = field(default_factory=list)
    #: A tsquery matching titles that hold every word group.
    title: tuple[str, list] = ("''::tsquery", [])
    #: For ranking, the matches in the order of how many word groups they match, most
    #: first: (condition, its parameters, SQL of how many groups). One band (no condition)
    #: when every match has all the groups; ``cov.n`` when they are counted row by row.
    bands: list[tuple[str, list, str]] = field(default_factory=lambda: [("", [], "0")])

    #: The text condition a match of the lead vector implies (one word group, no layer):
    #: the lead's own index then answers alone (see ``PostgresResults._by_relevance``).
    implied_by_lead: str = ""

    def where(self, condition: str, params: list) -> None:
        self.conditions.append((condition, params))

    def select(
        self, columns: str, params: list | None = None, *, also: str = "", also_params=(),
        tail: str = "", tail_params=(), without: str = "",
    ) -> tuple[str, list]:  # fmt: skip
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
    """The rows matching the text of ``parsed`` (every row when it has none).

    Each text query is a sub-select, ``vector @@ (SELECT query)``: the planner then cannot
    estimate how many rows match and always takes the GIN index. With the query as a
    constant it estimates well, and for a word in most documents prefers a sequential scan;
    but that reads (detoasts) every row's whole vector, 20× slower than the index, which
    answers a plain word without reading any vector.
    """
    match = Match()
    queries = group_queries(parsed)
    if queries:
        match.text = _and(queries, " || ")
        match.queries = queries
        match.title = _and(group_queries(parsed, "A"))
        total, least = len(queries), parsed.min_match
        # Every band from "all" down to "least" groups is written out: the widest counts.
        widest = max((math.comb(total, n) for n in range(least or total, total + 1)), default=1)
        if least and least < total and widest > MAX_COMBINATIONS:
            coverage, match.source_params = _coverage(queries, least)
            match.source = f"({coverage}) AS cov JOIN {TABLE} AS s USING (document_id)"
            match.bands = [("", [], "cov.n")]
            query, params = match.text
        elif least and least < total:
            query, params = _at_least(queries, least)
            match.where(f"s.vector @@ (SELECT {query})", params)
            match.bands = [_band(queries, n) for n in range(total, least - 1, -1)]
        else:
            query, params = _and(queries)
            match.where(f"s.vector @@ (SELECT {query})", params)
            match.bands = [("", [], str(total))]
            if total == 1 and not parsed.layer:
                match.implied_by_lead = f"s.vector @@ (SELECT {query})"
        layer = LAYER_TEXT.get(parsed.layer or "")
        if layer:
            text = f"to_tsvector(s.{layer[0]}, left(s.{layer[1]}, {MAX_INDEXED}))"
            match.where(f"{text} @@ (SELECT {query})", params)
    excluded = any_of(parsed.excluded)
    if excluded:
        # A GIN scan hashed once, not each match's vector read to test it.
        match.where(
            f"s.document_id NOT IN (SELECT document_id FROM {TABLE} "
            f"WHERE vector @@ (SELECT {excluded[0]}))",
            excluded[1],
        )
    return match


def _at_least(queries: list[tuple[str, list]], least: int) -> tuple[str, list]:
    """A tsquery matching rows with at least ``least`` of the queries: any of their
    combinations, all of it answered by the GIN index (no vector is read)."""
    combinations = itertools.combinations(queries, least)
    return _and([_and(list(combination)) for combination in combinations], " || ")


def _band(queries: list[tuple[str, list]], n: int) -> tuple[str, list, str]:
    """The condition on rows matching exactly ``n`` of the queries (a band of ``Match``)."""
    query, params = _at_least(queries, n)
    if n < len(queries):
        more, more_params = _at_least(queries, n + 1)
        query, params = f"({query} && !!{more})", [*params, *more_params]
    return f"s.vector @@ (SELECT {query})", params, str(n)


@dataclass
class Summary:
    count: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    years: list[tuple[int, int]] = field(default_factory=list)
    #: Undated matches when the dates are left out (counted only for a dated search).
    undated: int = 0


def summarize(match: Match, dates: tuple[str, list] | None = None) -> Summary:
    """How many rows match, every facet and the year histogram, in one statement: the
    matches are grouped by links combination, type, decade and year (integers), then the
    combinations found are unnested and labelled. Same values and order as
    :func:`chancery.search.facets.count_facets` (count desc, then label; decades
    ascending, undated last) and ``SearchResults.year_counts``.

    With ``dates`` (a condition, for a ``match`` without it) the same pass also counts the
    undated matches, which a dated search offers to add."""
    names = list(FACETS)
    year = len(names)
    models = facet_models()
    if dates:
        condition, date_params = dates
        rows, params = match.select(
            f"s.links, s.doc_type, s.decade, s.year, ({condition}) IS TRUE AS dated",
            date_params, also=f"({condition} OR s.earliest IS NULL)", also_params=date_params,
        )  # fmt: skip
        grouped = "FROM m WHERE m.dated"
    else:
        rows, params = match.select("s.links, s.doc_type, s.decade, s.year")
        grouped = "FROM m"
    parts = ["SELECT -1, NULL::text, NULL::text, sum(r.n)::bigint, 0::bigint FROM r WHERE r.gl = 0"]
    if dates:
        parts.append("SELECT -2, NULL, NULL, count(*), 0 FROM m WHERE NOT m.dated")
    for name, column in LINK_FACETS.items():
        meta = models[name][0]._meta
        _, key, label = models[name]
        parts.append(
            f"SELECT {names.index(name)}, t.{key}::text, t.{label}::text, x.n, -x.n FROM ("
            f"SELECT v, sum(r.n)::bigint AS n FROM r JOIN {LINKS} k ON k.id = r.links, "
            f"unnest(k.{column}) AS v WHERE r.gl = 0 GROUP BY v) AS x "
            f"JOIN {meta.db_table} t ON t.{meta.pk.column} = x.v"
        )
    model, key, label = models["type"]
    types = model._meta
    parts += [
        f"SELECT {names.index('type')}, t.{key}::text, t.{label}::text, r.n, -r.n FROM r "
        f"JOIN {types.db_table} t ON t.{types.pk.column} = r.doc_type WHERE r.gt = 0",
        f"SELECT {names.index('decade')}, r.decade::text, NULL, r.n, r.decade FROM r "
        "WHERE r.gd = 0",
        f"SELECT {year}, NULL, NULL, r.n, r.year FROM r WHERE r.gy = 0 AND r.year IS NOT NULL",
    ]
    sql = (
        f"WITH m AS ({rows}), r AS (SELECT links, doc_type, decade, year, "
        "GROUPING(links) AS gl, GROUPING(doc_type) AS gt, GROUPING(decade) AS gd, "
        f"GROUPING(year) AS gy, count(*) AS n {grouped} "
        "GROUP BY GROUPING SETS ((links), (doc_type), (decade), (year))) "
        + " UNION ALL ".join(f"({part})" for part in parts)
        + " ORDER BY 1, 5, 3, 2"
    )
    summary = Summary(facets={name: [] for name in names})
    for index, value, label, n, order in _fetch(sql, params):
        if index == -1:
            summary.count = n or 0
        elif index == -2:
            summary.undated = n
        elif index == year:
            summary.years.append((order, n))
        elif names[index] == "decade":
            summary.facets["decade"].append(
                FacetValue(value, f"{value}s", n)
                if value is not None
                else FacetValue("undated", "Undated", n)
            )
        else:
            summary.facets[names[index]].append(FacetValue(value, label, n))
    return summary


class PostgresResults(SearchResults):
    """Every count, facet and ranking of one search from the ``search_pg`` rows (see
    :class:`Match`): one statement counts and facets, one or two rank; the documents are
    read only for the page of hits. Nothing is written, so a read replica answers too."""

    def match(self, parsed: ParsedQuery | None = None, *, dates: bool = True) -> Match:
        """The rows this search finds (with ``parsed`` instead of its own query; without
        its dates)."""
        match = text_match(parsed or self.parsed)
        for condition, params in self._conditions:
            match.where(condition, params)
        if dates and self.has_dates:
            match.where(*self._dates())
        return match

    @cached_property
    def _conditions(self) -> list[tuple[str, list]]:
        """Every condition of the search but its words and dates, on the rows: resolved
        once (facet values, scope and field filters are looked up in the database), for
        the several statements of one search. The relaxed query has the same filters."""
        conditions: list[tuple[str, list]] = []
        q = self.query
        links, link_params = [], []
        if q.collection_scope:
            scope = Collection.objects.get(slug=q.collection_scope)
            links.append("k.collections && %s::bigint[]")
            link_params.append(descendant_ids(scope))
        models = facet_models()
        for name, values in q.filters.items():
            if not values:
                continue
            if name == "decade":
                decades = [int(v) for v in values if v.lstrip("-").isdigit()]
                undated = " OR s.decade IS NULL" if "undated" in values else ""
                conditions.append((f"(s.decade = ANY(%s){undated})", [decades]))
                continue
            model, key, _ = models[name]
            found = dict(
                model.objects.filter(**{f"{key}__in": list(values)}).values_list(key, "pk")
            )
            if name == "type":  # any of them
                conditions.append(("s.doc_type = ANY(%s)", [list(found.values())]))
                continue
            column = LINK_FACETS[name]
            for value in values:  # every one of them
                if value not in found:
                    conditions.append(("false", []))
                    continue
                links.append(f"k.{column} @> %s::{_LINK_TYPES[column]}")
                link_params.append([found[value]])
        if links:
            conditions.append(
                (
                    f"s.links IN (SELECT k.id FROM {LINKS} k WHERE {' AND '.join(links)})",
                    link_params,
                )
            )
        # Conditions no search column holds: document ids from the documents.
        documents, narrowed = Document.objects.order_by(), False
        for condition in self.restrictions:
            documents, narrowed = documents.filter(condition), True
        for f in self.parsed.filters:
            cond = field_condition(f)
            if cond is not None:
                ids = Document.objects.filter(cond).values("pk")
                documents = (
                    documents.exclude(pk__in=ids) if f.negate else documents.filter(pk__in=ids)
                )
                narrowed = True
        if narrowed:
            sql, params = documents.values("pk").query.sql_with_params()
            conditions.append((f"s.document_id IN ({sql})", list(params)))
        return conditions

    def _dates(self) -> tuple[str, list]:
        """The search's date range as a condition on the rows."""
        within = self.query.date_mode == "within"
        bounds = [("s.earliest >= %s" if within else "s.latest >= %s", self.start),
                  ("s.latest <= %s" if within else "s.earliest <= %s", self.end)]  # fmt: skip
        found = [(sql, value) for sql, value in bounds if value]
        return " AND ".join(sql for sql, _ in found), [value for _, value in found]

    @cached_property
    def summary(self) -> Summary:
        summary = self._summarize(self.parsed)
        relaxed = self._relaxable() if summary.count == 0 else None
        if relaxed is not None:
            other = self._summarize(relaxed)
            if other.count:
                self._relax(relaxed)
                summary = other
        return summary

    def _summarize(self, parsed: ParsedQuery) -> Summary:
        if self.has_dates:
            return summarize(self.match(parsed, dates=False), self._dates())
        return summarize(self.match(parsed))

    @cached_property
    def _count(self) -> int:
        return self.summary.count

    def facets(self, only: tuple[str, ...] | None = None) -> dict[str, list[FacetValue]]:
        return {name: values for name, values in self.summary.facets.items()
                if not only or name in only}  # fmt: skip

    def year_counts(self) -> list[tuple[int, int]]:
        return self.summary.years

    def undated_count(self) -> int:
        """Counted with the rest (``summarize``) when the search has dates."""
        if self.has_dates:
            return self.summary.undated
        self.count()
        sql, params = self.match().select("count(*)", also="s.earliest IS NULL")
        return _fetch(sql, params)[0][0]

    @cached_property
    def matched(self) -> QuerySet:
        """The matches as a queryset (for sorting by date or title, and for callers that
        need the documents)."""
        self.count()
        sql, params = self.match().select("s.document_id")
        return Document.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611

    def _ranked(self, offset: int, limit: int) -> list[tuple[int, float | None, dict]]:
        sort = self.query.sort
        if self.parsed.groups and sort == "relevance":
            count = self.count()
            match = self.match()
            if match.text is None or limit <= 0 or offset >= count:
                return []
            return self._by_relevance(match, offset, limit, count)
        if sort == "title" or limit <= 0 or not self.parsed.groups:
            # Without words, the documents' date index walks the archive in order faster.
            return super()._ranked(offset, limit)
        return [(pk, None, {}) for pk in self._by_date(sort == "-date", offset, limit)]

    def _by_date(self, descending: bool, offset: int, limit: int) -> list[int]:
        """One page in the shared date order (``base.ORDERINGS``): the dates are on the
        search row, so the first rows by date are found there — with every row tied with
        the last of them — and only those are joined to the documents for the last key,
        the public id (``government`` newest first at 200,000 documents: 623 -> 219 ms;
        ``treaty`` oldest first, page 1: 10 -> 51 ms, page 501: 196 -> 84 ms)."""
        self.count()
        if descending:
            keys = ["latest DESC NULLS LAST", "earliest DESC NULLS LAST"]
        else:
            keys = ["earliest ASC NULLS LAST", "latest ASC NULLS LAST"]
        rows, params = self.match().select(
            "s.document_id, s.earliest, s.latest",
            tail=f"ORDER BY {', '.join(f's.{k}' for k in keys)} "
            f"FETCH FIRST {offset + limit} ROWS WITH TIES",
        )
        documents = Document._meta.db_table
        sql = (
            f"SELECT d.id FROM ({rows}) AS t JOIN {documents} d ON d.id = t.document_id "
            f"ORDER BY {', '.join(f't.{k}' for k in keys)}, d.public_id LIMIT %s OFFSET %s"
        )
        return [pk for (pk,) in _fetch(sql, [*params, limit, offset])]

    def _by_relevance(self, match: Match, offset: int, limit: int, count: int):
        """[(pk, score, why)] of one page, best first.

        The matches with more of the word groups come first ("most of the words"), band
        by band. Within a band, up to :data:`CANDIDATES` matches are all ranked on their
        whole vector (``_whole_rank``). More (a broad word) are first ranked on a small
        vector and only the best :data:`CANDIDATES` by that rank are ranked on the whole
        vector and come first: the matches with a word in their title, summary or names
        (found by the lead vector's own index), ranked on the lead vector; then the
        others, ranked on their head vector, read only when a page reaches them. The page
        and the next ``RERANK_POOL`` candidates then go through the ranking every engine
        shares (:mod:`chancery.search.ranking`: the title and the length).
        """
        need = offset + limit
        want = need + ranking.RERANK_POOL
        rows: list[Ranked] = []
        for band in match.bands:
            if len(rows) >= need:
                break
            if count <= CANDIDATES:
                rows += _whole(match, band, want - len(rows))
            elif band[2] == "cov.n":
                rows += _cheap_then_whole(match, band, "head", "", [], want - len(rows))
            else:
                lead = f"s.lead @@ (SELECT {match.text[0]})"
                rows += _cheap_then_whole(
                    match, band, "lead", lead, match.text[1], want - len(rows)
                )
                if len(rows) < need:
                    rows += _cheap_then_whole(
                        match, band, "head", f"NOT {lead}", match.text[1], want - len(rows)
                    )
        total = len(self.parsed.groups)
        # The candidates ranked on a whole vector are reranked; beyond them (pages past the
        # best CANDIDATES of a band), the order stays the small vector's.
        whole = next((i for i, row in enumerate(rows) if row.cheap), len(rows))
        page = []
        if offset < whole:
            candidates = [
                ranking.Candidate(r.pk, r.score, r.groups, words=r.words, in_title=r.in_title)
                for r in rows[:whole]
            ]
            page = ranking.rerank(candidates, total, offset, limit)
        for r in rows[max(offset, whole) : need]:
            why = {"ts_rank_cd": r.score, "groups_matched": f"{r.groups} of {total}",
                   "ranked_on": f"{r.cheap} (beyond the best {CANDIDATES})"}  # fmt: skip
            page.append((r.pk, r.score, why))
        return page


@dataclass
class Ranked:
    """A match as ranking sees it: its score on a whole vector (``cheap`` empty) or on the
    small vector ``cheap`` names, and what the shared reranking reads."""

    pk: int
    groups: int
    score: float
    words: int = 0
    in_title: bool = False
    cheap: str = ""


def _whole_rank(match: Match) -> tuple[str, list]:
    """``ts_rank_cd`` over a row's whole vector (``x.v``, see ``_VECTOR``): of every word
    group together (cover density rewards the words close together), then a tenth of any
    group's (for documents with some of the words under "most of the words")."""

    def rank(query: str) -> str:
        return f"ts_rank_cd('{RANK_WEIGHTS}', x.v, (SELECT {query}), 1)"

    if len(match.queries) < 2:
        return rank(match.text[0]), match.text[1]
    both, both_params = _and(match.queries)
    return f"({rank(both)} + 0.1 * {rank(match.text[0])})", [*both_params, *match.text[1]]


#: The columns a whole-vector ranking reads of a row: its whole vector detoasted once into
#: a value the rank functions share (each would otherwise detoast it again), and whether
#: its title holds every word group.
_VECTOR = "s.vector || ''::tsvector AS v, s.lead @@ (SELECT {title}) AS in_title"


def _whole_sql(match: Match, rows: str, rows_params: list, tail: str = "") -> tuple[str, list]:
    """(pk, groups, whole rank, length, in title) of the rows ``rows`` selects (as ``pk``,
    ``n`` and ``_VECTOR``'s columns)."""
    rank, rank_params = _whole_rank(match)
    sql = f"SELECT x.pk, x.n, {rank}, length(x.v), x.in_title FROM ({rows} OFFSET 0) AS x {tail}"
    return sql, [*rank_params, *rows_params]


def _whole(match: Match, band: tuple[str, list, str], need: int) -> list[Ranked]:
    """The first ``need`` matches of ``band``, ranked on their whole vector."""
    condition, params, groups = band
    title, title_params = match.title
    rows, rows_params = match.select(
        f"s.document_id AS pk, {groups} AS n, {_VECTOR.format(title=title)}", title_params,
        also=condition, also_params=params,
    )  # fmt: skip
    sql, params = _whole_sql(match, rows, rows_params, f"ORDER BY 2 DESC, 3 DESC, 1 LIMIT {need}")
    return [Ranked(pk, n, score, words, bool(t)) for pk, n, score, words, t in _fetch(sql, params)]


#: What each small vector holds (for ?explain=1).
_CHEAP = {"lead": "title, summary and names", "head": "title, summary, names, start of texts"}


def _cheap_then_whole(match: Match, band: tuple[str, list, str], vector: str, also: str,
                      also_params: list, need: int) -> list[Ranked]:  # fmt: skip
    """The first ``need`` matches of ``band`` meeting ``also``: ranked on the small
    ``vector``, the best :data:`CANDIDATES` of them on the whole vector, first."""
    condition, params, groups = band
    also = " AND ".join(c for c in (condition, also) if c)
    cheap = f"ts_rank_cd('{RANK_WEIGHTS}', s.{vector}, {match.text[0]}, 1)"
    sql, params = match.select(
        f"s.document_id, {groups}, {cheap}", match.text[1], also=also,
        also_params=[*params, *also_params],
        tail=f"ORDER BY 2 DESC, 3 DESC, 1 LIMIT {max(CANDIDATES, need)}",
        without=match.implied_by_lead if vector == "lead" else "",
    )  # fmt: skip
    found = _fetch(sql, params)
    top = {pk: n for pk, n, _ in found[:CANDIDATES]}
    rest = [Ranked(pk, n, score, cheap=_CHEAP[vector]) for pk, n, score in found[CANDIDATES:need]]
    if not top:
        return rest
    title, title_params = match.title
    sql, params = _whole_sql(
        match,
        f"SELECT s.document_id AS pk, 0 AS n, {_VECTOR.format(title=title)} FROM {TABLE} s "
        "WHERE s.document_id = ANY(%s)",
        [*title_params, list(top)],
    )
    ranked = [
        Ranked(pk, top[pk], score, words, bool(t)) for pk, _, score, words, t in _fetch(sql, params)
    ]
    ranked.sort(key=lambda r: (-r.groups, -r.score, r.pk))
    return ranked + rest


def _fetch(sql: str, params: list) -> list[tuple]:
    with connections[router.db_for_read(Document)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    @staticmethod
    def _writer():
        return connections[router.db_for_write(Document)]

    @staticmethod
    def _reader():
        return connections[router.db_for_read(Document)]

    # indexing ---------------------------------------------------------------------------

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        rows = []
        for e in entries:
            translation = e.translation or ("" if e.transcript else e.body)
            described = " ".join((e.title, e.summary, e.names, translation))
            meta, text = configs_for(list(e.languages or []), described, e.transcript)
            rows.append(
                (
                    e.pk,
                    meta,
                    text,
                    prepare(e.title),
                    prepare(e.summary),
                    prepare(e.names),
                    prepare(translation),
                    prepare(e.transcript),
                )  # fmt: skip
            )
        with self._writer().cursor() as cursor:
            # The facts are read from the document rows in the same statement: the index
            # is written in the transaction that changed them, so they are current.
            columns = ("meta_config", "text_config", "title", "summary", "names",
                       "translation", "transcript", *FACT_COLUMNS)  # fmt: skip
            cursor.executemany(
                f"INSERT INTO {TABLE} (document_id, {', '.join(columns)}) "
                "SELECT v.id, v.meta::regconfig, v.text::regconfig, v.title, v.summary, "
                f"v.names, v.translation, v.transcript, {_facts_sql('v.id', 'f')} "
                "FROM (VALUES (%s::bigint, %s, %s, %s, %s, %s, %s, %s)) "
                "AS v (id, meta, text, title, summary, names, translation, transcript) "
                f"JOIN {Document._meta.db_table} f ON f.id = v.id "
                "ON CONFLICT (document_id) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns),
                rows,
            )

    def delete(self, pks: list[int]) -> None:
        pks = list(pks)
        if pks:
            with self._writer().cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE document_id = ANY(%s)", [pks])

    def reset(self) -> None:
        # DELETE, not TRUNCATE: readers keep the old index until a reindex commits.
        with self._writer().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        with self._writer().cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
            cursor.execute(f"ANALYZE {LINKS}")

    def indexed_count(self) -> int:
        with self._reader().cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    # querying ---------------------------------------------------------------------------

    def search(self, query) -> PostgresResults:
        return PostgresResults(self, query)

    def filter_matching(self, qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """``qs`` narrowed to the documents matching the text query (and no exclusion)."""
        sql, params = text_match(parsed).select("s.document_id")
        return qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Archive words (folded, unstemmed) starting with ``prefix``, with document counts."""
        if not prefix:
            return []
        sample = f"SELECT words FROM {TABLE} LIMIT {VOCABULARY_SAMPLE}"
        with self._reader().cursor() as cursor:
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat(%s) WHERE word >= %s AND word < %s LIMIT %s",
                [sample, prefix, prefix + "\U0010ffff", limit],
            )
            return cursor.fetchall()
