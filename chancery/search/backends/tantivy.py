"""Tantivy: the fast embedded engine, for archives of hundreds of thousands of documents.

The index is a folder (``SEARCH_INDEX_DIR``, by default ``$CHANCERY_HOME/search-index``)
derived from the database and never the other way round: ``chancery reindex`` rebuilds it,
``chancery serve`` compares it with the database before starting (``drift``) and rebuilds
it when they disagree. Writes reach it when the database transaction that made them
commits (:mod:`chancery.search.indexing`), so a rolled-back write never shows; after each
write, and once a minute in a searching process, the same comparison is made again and
what a crash left out is reindexed (``indexing.repair``).

Unlike the SQL engines, everything a search page needs is answered inside the index:
matching, ranking (BM25 per field, weighted like the FTS5 engine: title 10, summary 4,
names 2, translation and transcript 1), the count, every facet and the year histogram
(Tantivy aggregations over all matches), filters, dates and sorting (fast fields). The
database is asked only for the ten documents shown, their texts for the snippets, and the
labels of the facet values: a broad word matching most of the archive costs no Python
loop over its matches.

Text is analysed as on SQLite: Russian stems and CJK bigrams in Python
(:mod:`chancery.search.analysis`), then a Tantivy analyzer that lowercases, folds
diacritics and stems English.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from pathlib import Path

import tantivy
from django.conf import settings

from .. import budget, ranking
from ..analysis import analyse, cyrillic_prefix, fold, only_stopwords, query_tokens
from ..facets import FACETS, FacetValue
from ..indexing import published_stamps, repair_now_and_then
from ..plan import (
    LAYER_FIELDS,
    TEXT_FIELDS,
    FacetFilter,
    SearchPlan,
    decade_value,
    text_keyed,
)
from ..query import ParsedQuery, SearchQuery, Term
from .base import IndexEntry, Ranked, SearchBackend, SearchResults

COLUMNS = tuple(TEXT_FIELDS)
#: Bump when the schema or the analysis changes (a facet added to ``FACETS``): an index of
#: another version is rebuilt.
VERSION = 2
#: Added once per matched word group when "most of the words" is enough, so that documents
#: with more of the words rank first (as on SQLite), whatever their BM25.
COVERAGE = 10_000.0
UNDATED_DATE = 9_000_000_000_000
#: The decade "value" of the undated documents in the decade aggregation.
UNDATED = -1
_LOCK = threading.Lock()
_INDEXES: dict[str, tantivy.Index] = {}
#: The writer of the batch this thread is in (Tantivy allows one writer per index).
_WRITING = threading.local()


def _analyzers():
    text = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    words = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )
    return {"chancery": text, "chancery_words": words}


ANALYZERS = _analyzers()


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("pk", stored=True, indexed=True, fast=True)
    #: updated_at (seconds) and length in words: the drift check and the length rerank.
    b.add_integer_field("stamp", fast=True)
    b.add_integer_field("words", fast=True)
    for column in COLUMNS:
        b.add_text_field(column, tokenizer_name="chancery")
    #: Unstemmed title, summary and names: the vocabulary "did you mean" draws on.
    b.add_text_field("vocabulary", tokenizer_name="chancery_words", index_option="basic")
    #: A field per facet, named after it, holding its values' record pks (the decade).
    for name, spec in FACETS.items():
        if text_keyed(spec):
            b.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
        else:
            b.add_integer_field(name, indexed=True, fast=True)
    #: The people, creators and contributors (what ``person:`` filters on).
    b.add_integer_field("agent", indexed=True, fast=True)
    #: The document's languages and its transcripts' (what ``lang:`` filters on).
    b.add_text_field("lang", tokenizer_name="raw", index_option="basic")
    for name in ("earliest", "latest", "year", "date_asc", "date_desc"):
        b.add_integer_field(name, indexed=True, fast=True)
    b.add_text_field("title_sort", tokenizer_name="raw", fast=True, index_option="basic")
    return b.build()


SCHEMA = _schema()


def index_dir() -> Path:
    return Path(settings.SEARCH_INDEX_DIR) / f"tantivy-v{VERSION}"


def open_index() -> tantivy.Index:
    """This process's handle on the index (created empty when there is none)."""
    path = index_dir()
    key = str(path)
    with _LOCK:
        index = _INDEXES.get(key)
        if index is None:
            path.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(SCHEMA, path=key, reuse=tantivy.Index.exists(key))
            for name, analyzer in ANALYZERS.items():
                index.register_tokenizer(name, analyzer)
            _INDEXES[key] = index
        return index


def forget_index() -> None:
    """Drop the process's handles (tests that point SEARCH_INDEX_DIR elsewhere)."""
    with _LOCK:
        _INDEXES.clear()


def _ordinal(value) -> int | None:
    return value.toordinal() if value else None


def to_document(entry: IndexEntry) -> tantivy.Document:
    doc = tantivy.Document(pk=entry.pk)
    facts = entry.facts or {}
    doc.add_integer("stamp", int(facts.get("stamp", 0)))
    # Spaces, not split(): the length rerank needs the order of magnitude, at no cost.
    doc.add_integer("words", entry.body.count(" ") + entry.summary.count(" ") + 1)
    texts = {
        "title": entry.title,
        "summary": entry.summary,
        "translation": entry.translation or ("" if entry.transcript else entry.body),
        "transcript": entry.transcript,
        "names": entry.names,
    }
    for column, text in texts.items():
        if text:
            doc.add_text(column, analyse(text))
    doc.add_text("vocabulary", f"{entry.title} {entry.summary} {entry.names}")
    for name, spec in FACETS.items():
        values = facts.get(name)
        if not spec.many:
            values = [] if values is None else [values]
        for value in values or ():
            if text_keyed(spec):
                doc.add_text(name, value)
            else:
                doc.add_integer(name, value)
    for agent in facts.get("agent", ()):
        doc.add_integer("agent", agent)
    for code in {*entry.languages, *facts.get("transcript_languages", ())}:
        doc.add_text("lang", code)
    earliest, latest = _ordinal(facts.get("earliest")), _ordinal(facts.get("latest"))
    if earliest is not None and latest is not None:
        doc.add_integer("earliest", earliest)
        doc.add_integer("latest", latest)
        doc.add_integer("year", facts["earliest"].year)
        doc.add_integer("date_asc", earliest * 1_000_000 + latest)
        doc.add_integer("date_desc", latest * 1_000_000 + earliest)
    else:
        doc.add_integer("date_asc", UNDATED_DATE)
        doc.add_integer("date_desc", 0)
    doc.add_text("title_sort", fold(entry.title)[:120])
    return doc


# query building ----------------------------------------------------------------------


def _analysed(tokens: list[str]) -> list[str]:
    out = []
    for token in tokens:
        out += ANALYZERS["chancery"].analyze(token)
    return out


def _regex_prefix(text: str) -> str:
    return re.escape(fold(text)) + ".*"


def _term_in(column: str, term: Term) -> tantivy.Query | None:
    tokens = query_tokens(term.text, prefix=term.prefix)
    if not tokens:
        return None
    if term.prefix and len(tokens) == 1:
        return tantivy.Query.regex_query(SCHEMA, column, _regex_prefix(tokens[0]))
    words = _analysed(tokens)
    if not words:
        return None
    if len(words) == 1:
        query = tantivy.Query.term_query(SCHEMA, column, words[0])
        if cyrillic_prefix(tokens[0]):
            # Snowball stems a surname's nominative shorter than its other cases: the stem
            # also matches as a prefix (as on SQLite).
            query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, query),
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.regex_query(SCHEMA, column, _regex_prefix(words[0])),
                    ),
                ]
            )
        return query
    if term.prefix:
        return tantivy.Query.phrase_prefix_query(SCHEMA, column, words)
    return tantivy.Query.phrase_query(SCHEMA, column, words)


def _columns(term: Term, layer: str | None) -> tuple[str, ...]:
    if term.field == "title":
        return ("title",)
    if layer in LAYER_FIELDS:
        return (LAYER_FIELDS[layer],)
    return COLUMNS


def term_query(term: Term, layer: str | None = None) -> tantivy.Query | None:
    """One word, prefix or phrase in every field it may match, each field weighted."""
    parts = []
    for column in _columns(term, layer):
        query = _term_in(column, term)
        if query is not None:
            parts.append(
                (tantivy.Occur.Should, tantivy.Query.boost_query(query, TEXT_FIELDS[column]))
            )
    return tantivy.Query.boolean_query(parts) if parts else None


def group_query(group: list[Term], layer: str | None) -> tantivy.Query | None:
    """A group matches when any of its alternatives (OR, name variants) does."""
    parts = [q for q in (term_query(t, layer) for t in group) if q is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])


def text_query(parsed: ParsedQuery) -> tantivy.Query | None:
    """The text part of a search; None when nothing can match it."""
    scored = not all(only_stopwords(g) for g in parsed.groups)
    groups = []
    for group in parsed.groups:
        query = group_query(group, parsed.layer)
        if query is not None and scored and only_stopwords(group):
            query = tantivy.Query.const_score_query(query, 0.0)
        if query is not None:
            groups.append(query)
    excluded = [q for q in (term_query(t) for t in parsed.excluded) if q is not None]
    if parsed.groups and not groups:
        return None
    clauses = []
    if groups and parsed.min_match and parsed.min_match < len(groups):
        covered = [
            tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, g),
                    (tantivy.Occur.Should, tantivy.Query.const_score_query(g, COVERAGE)),
                ]
            )
            for g in groups
        ]
        clauses.append(
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, q) for q in covered],
                    minimum_number_should_match=parsed.min_match,
                ),
            )
        )
    else:
        clauses += [(tantivy.Occur.Must, g) for g in groups]
    if not clauses:
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    clauses += [(tantivy.Occur.MustNot, q) for q in excluded]
    return tantivy.Query.boolean_query(clauses)


def _in(field: str, values) -> tantivy.Query:
    values = list(values)
    if not values:
        return tantivy.Query.empty_query()
    return tantivy.Query.term_set_query(SCHEMA, field, values)


def _int_range(field: str, lower: int | None, upper: int | None) -> tantivy.Query:
    return tantivy.Query.range_query(
        SCHEMA, field, tantivy.FieldType.Integer, lower_bound=lower, upper_bound=upper
    )


def facet_clauses(selected: FacetFilter) -> list[tuple]:
    """Clauses for the facet values a search selected (all of them, or any of them)."""
    name = selected.spec.name
    if selected.spec.model is None:
        options = [(tantivy.Occur.Should, _in(name, selected.decades))] if selected.decades else []
        if selected.undated:
            undated = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.all_query()),
                    (tantivy.Occur.MustNot, tantivy.Query.exists_query(name)),
                ]
            )
            options.append((tantivy.Occur.Should, undated))
        return [(tantivy.Occur.Must, tantivy.Query.boolean_query(options))] if options else []
    if selected.spec.conjunctive:
        return [
            (tantivy.Occur.Must, _in(name, [pk] if pk is not None else [])) for pk in selected.ids
        ]
    return [(tantivy.Occur.Must, _in(name, selected.known))]


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A clause that selects without scoring."""
    return tantivy.Query.const_score_query(query, 0.0)


def filter_clauses(plan: SearchPlan, *, dates: bool = True) -> list[tuple]:
    """Every condition of the plan but its words, as clauses that do not score."""
    clauses: list[tuple] = []
    if plan.scope is not None:
        clauses.append((tantivy.Occur.Must, _in("collection", plan.scope)))
    for selected in plan.facets:
        clauses += facet_clauses(selected)
    if plan.restricted is not None:
        clauses.append((tantivy.Occur.Must, _in("pk", plan.restricted)))
    for f in plan.fields:
        occur = tantivy.Occur.MustNot if f.negate else tantivy.Occur.Must
        clauses.append((occur, _in(f.spec.index_field, f.records)))
    for bound in plan.dates if dates else ():
        value = _ordinal(bound.value)
        low, high = (value, None) if bound.op == ">=" else (None, value)
        clauses.append((tantivy.Occur.Must, _int_range(bound.field, low, high)))
    return [(occur, _filter(query) if occur == tantivy.Occur.Must else query)
            for occur, query in clauses]  # fmt: skip


def plan_query(plan: SearchPlan, *, dates: bool = True) -> tantivy.Query:
    """The plan as one Tantivy query (without its dates: for the undated count)."""
    clauses = filter_clauses(plan, dates=dates)
    if plan.matches_text:
        text = text_query(plan.parsed)
        if text is None:
            return tantivy.Query.empty_query()
        clauses.append((tantivy.Occur.Must, text))
    if not any(occur == tantivy.Occur.Must for occur, _ in clauses):
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(clauses)


#: Sort -> the fast field and direction it pages by (date for any other).
SORT_FIELDS = {
    "date": ("date_asc", tantivy.Order.Asc),
    "-date": ("date_desc", tantivy.Order.Desc),
    "title": ("title_sort", tantivy.Order.Asc),
}


class Searching:
    """One plan against the index as last committed by any process (a reload costs
    ~0.1 ms, so a request served by one worker sees what another just wrote)."""

    def __init__(self, plan: SearchPlan):
        index = open_index()
        index.reload()
        self.plan = plan
        self.searcher = index.searcher()
        self.query = plan_query(plan)
        self.count = self.searcher.search(self.query, 1, count=True).count

    def count_of(self, query: tantivy.Query) -> int:
        return self.searcher.search(query, 1, count=True).count

    def pks(self, hits) -> list[int]:
        return self.searcher.fast_field_values("pk", [address for _, address in hits])

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
        pks = self.searcher.fast_field_values("pk", addresses)
        lengths = self.searcher.fast_field_values("words", addresses)
        budget.check()
        near, in_title = self._near(pks), self._in_title(pks)
        parsed = self.plan.parsed
        groups = len(parsed.groups)
        candidates = []
        for (score, _), pk, words in zip(hits, pks, lengths, strict=True):
            covered = int(score // COVERAGE) if parsed.min_match else groups
            bm25 = score - covered * COVERAGE if parsed.min_match else score
            candidates.append(
                ranking.Candidate(
                    pk, bm25, covered, words=words or 0, near=pk in near, in_title=pk in in_title
                )
            )
        return ranking.rerank(candidates, groups, offset, limit)

    def in_order(self, sort: str, offset: int, limit: int) -> Ranked:
        field, order = SORT_FIELDS.get(sort, SORT_FIELDS["date"])
        hits = self.searcher.search(
            self.query, limit, order_by_field=field, order=order, offset=offset
        ).hits
        return [(pk, None, {}) for pk in self.pks(hits)]

    def _among(self, pks: list[int], query: tantivy.Query) -> set[int]:
        """Which of these documents match ``query``."""
        both = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, _in("pk", pks)), (tantivy.Occur.Must, query)]
        )
        return set(self.pks(self.searcher.search(both, len(pks)).hits))

    def _in_title(self, pks: list[int]) -> set[int]:
        """Of these documents, those whose title holds every word group."""
        clauses = []
        for group in self.plan.parsed.groups:
            parts = [q for q in (_term_in("title", t) for t in group) if q is not None]
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

    def _near(self, pks: list[int]) -> set[int]:
        """Of these documents, those where the typed words stand close together."""
        words = _analysed(self.plan.near_tokens())
        if len(words) < 2 or not pks:
            return set()
        slop = self.plan.near_window(words)
        near = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.phrase_query(SCHEMA, column, words, slop=slop))
                for column in COLUMNS
            ]
        )
        return self._among(pks, near)


#: Facet value labels by facet: {name: (read at, {key: (value, label)})}. A broad search
#: lists hundreds of values; their labels change rarely, so they are read once and kept
#: ``LABELS_TTL`` seconds (and dropped at once when this process saves an authority).
_LABELS: dict[str, tuple[float, dict]] = {}
LABELS_TTL = 60.0


def forget_labels(**kwargs) -> None:
    _LABELS.clear()


def _labels(name: str, keys) -> dict:
    """{key: (public value, label)} of these facet values, from the cache or one query."""
    read_at, known = _LABELS.get(name, (0.0, {}))
    if time.monotonic() - read_at > LABELS_TTL:
        read_at, known = time.monotonic(), {}
    missing = [k for k in keys if k not in known]
    if missing:
        spec = FACETS[name]
        rows = spec.model.objects.filter(pk__in=missing).values_list(
            "pk", spec.key, spec.label_field
        )
        known = {**known, **{pk: (str(value), text) for pk, value, text in rows}}
        _LABELS[name] = (read_at, known)
    return known


def _label(name: str, counts: dict) -> list[FacetValue]:
    """Facet values with their labels: decades ascending (undated last), the others most
    documents first."""
    if FACETS[name].model is None:
        values = [decade_value(None if key == UNDATED else key, n) for key, n in counts.items()]
        return sorted(values, key=lambda v: (v.value == "undated", v.value))
    labels = _labels(name, counts)
    values = [FacetValue(*labels[key], n) for key, n in counts.items() if key in labels]
    return sorted(values, key=lambda v: (-v.count, v.label))


class TantivyBackend(SearchBackend):
    """The index in a folder beside the database; see the module's docstring."""

    vendor = "tantivy"
    #: Index writes wait for the database transaction to commit (see indexing.schedule).
    deferred = True
    indexes_facts = True
    supports_drift = True
    supports_prefix_count = True
    supports_folded_title_order = True

    @property
    def _writer(self):
        return getattr(_WRITING, "writer", None)

    # answering a plan -------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        repair_now_and_then()
        return super().search(query)

    def _searching(self, plan: SearchPlan) -> Searching:
        if "searching" not in plan.memo:
            plan.memo["searching"] = Searching(plan)
        return plan.memo["searching"]

    def count(self, plan: SearchPlan) -> int:
        return self._searching(plan).count

    def facets(self, plan: SearchPlan, only: tuple[str, ...] | None) -> dict[str, list[FacetValue]]:
        wanted = list(only or FACETS)
        searching = self._searching(plan)
        if not searching.count:
            return {name: [] for name in wanted}
        decades = {n: UNDATED for n in wanted if FACETS[n].model is None}
        counts = searching.aggregate(wanted, decades)
        return {name: _label(name, counts[name]) for name in wanted}

    def year_counts(self, plan: SearchPlan) -> list[tuple[int, int]]:
        searching = self._searching(plan)
        if not searching.count:
            return []
        return sorted(
            (int(year), n) for year, n in searching.aggregate(["year"], {})["year"].items()
        )

    def undated_count(self, plan: SearchPlan) -> int:
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, plan_query(plan, dates=False)),
                (tantivy.Occur.MustNot, tantivy.Query.exists_query("earliest")),
            ]
        )
        return self._searching(plan).count_of(query)

    def page(self, plan: SearchPlan, offset: int, limit: int, sort: str) -> Ranked:
        searching = self._searching(plan)
        if plan.has_text and sort == "relevance":
            return searching.by_relevance(offset, limit)
        return searching.in_order(sort, offset, limit)

    # writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self):
        """One writer and one commit for many adds and deletes (reindex, imports)."""
        if self._writer is not None:
            yield
            return
        index = open_index()
        writer = _acquire_writer(index)
        _WRITING.writer = writer
        try:
            yield
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            _WRITING.writer = None
            del writer
            index.reload()

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        with self.batch():
            for entry in entries:
                self._writer.delete_documents_by_term("pk", entry.pk)
                self._writer.add_document(to_document(entry))

    def delete(self, pks: list[int]) -> None:
        if not pks:
            return
        with self.batch():
            for pk in pks:
                self._writer.delete_documents_by_term("pk", pk)

    def reset(self) -> None:
        with self.batch():
            self._writer.delete_all_documents()

    def indexed_count(self) -> int:
        index = open_index()
        index.reload()
        return index.searcher().num_docs

    # the index against the database -------------------------------------------------------

    def fingerprint(self) -> tuple[int, int, int]:
        """(documents, sum of their pks, sum of their last-change times) in the index."""
        index = open_index()
        index.reload()
        searcher = index.searcher()
        if not searcher.num_docs:
            return (0, 0, 0)
        stats = searcher.aggregate(
            tantivy.Query.all_query(),
            {"pk": {"stats": {"field": "pk"}}, "stamp": {"stats": {"field": "stamp"}}},
        )
        return (
            int(stats["pk"]["count"]),
            int(round(stats["pk"]["sum"])),
            int(round(stats["stamp"]["sum"])),
        )

    def drift(self, published: dict[int, int] | None = None) -> str | None:
        """Why the index no longer matches the database's published documents, or None.

        ``published``: their {pk: stamp} when the caller has read them already."""
        if published is None:
            published = published_stamps()
        count, total, stamps = len(published), sum(published), sum(published.values())
        indexed = self.fingerprint()
        if indexed == (count, total, stamps):
            return None
        if indexed[0] != count:
            return f"the index holds {indexed[0]} documents, the database publishes {count}"
        return "the index holds other versions of some documents than the database"

    def indexed_stamps(self) -> dict[int, int]:
        """{pk: stamp} of every document in the index (what a repair compares)."""
        index = open_index()
        index.reload()
        searcher = index.searcher()
        if not searcher.num_docs:
            return {}
        hits = searcher.search(tantivy.Query.all_query(), searcher.num_docs).hits
        addresses = [address for _, address in hits]
        pks = searcher.fast_field_values("pk", addresses)
        stamps = searcher.fast_field_values("stamp", addresses)
        return dict(zip(pks, stamps, strict=True))

    # reading ----------------------------------------------------------------------------

    def prefix_expansions(self, prefix: str, limit: int) -> int:
        """Different terms ``prefix*`` stands for in the text fields, up to ``limit`` (the
        regex query expands to each of them)."""
        tokens = query_tokens(prefix, prefix=True)
        token = fold(tokens[0]) if tokens else ""
        if not token:
            return 0
        searcher = open_index().searcher()
        terms: set[str] = set()
        for column in COLUMNS:
            terms.update(t for t, _ in searcher.terms_with_prefix(column, token, limit=limit))
            if len(terms) >= limit:
                break
        return len(terms)

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        if not prefix:
            return []
        searcher = open_index().searcher()
        return [
            (term, n)
            for term, n in searcher.terms_with_prefix("vocabulary", fold(prefix), limit=limit)
        ]


def _acquire_writer(index: tantivy.Index, patience: float = 30.0):
    """The index's one writer; another process holding it is waited for, not failed on."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return index.writer(heap_size=64_000_000, num_threads=1)
        except ValueError as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
