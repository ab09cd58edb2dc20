"""A plan as Tantivy queries: words in every weighted field, filters that do not score."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import tantivy

from ...analysis import cyrillic_prefix, fold, only_stopwords, query_tokens
from ...filters import FacetFilter
from ...plan import LAYER_FIELDS, TEXT_FIELDS, SearchPlan
from ...query import ParsedQuery, Term
from .schema import ANALYZERS, COLUMNS, SCHEMA, ordinal

#: Added once per matched word group when "most of the words" is enough, so that documents
#: with more of the words rank first (as on SQLite), whatever their BM25.
COVERAGE = 10_000.0
#: The decade "value" of the undated documents in the decade aggregation.
UNDATED = -1
#: Queries of one word in one field (or in every field) kept per process.
QUERIES_KEPT = 4096


def analysed(tokens: list[str]) -> list[str]:
    out = []
    for token in tokens:
        out += ANALYZERS["chancery"].analyze(token)
    return out


def _regex_prefix(text: str) -> str:
    return re.escape(fold(text)) + ".*"


#: Endings a word typed as a prefix may go on with. The index holds stems: the stem of a
#: word may be shorter than what was typed ("negotiations" is held as "negoti", beyond
#: the reach of "negotiat*"), so the stems of the prefix with each ending that fall short
#: of it are matched too, as FTS5 matches the stem of the typed prefix.
ENDINGS = (
    "e", "s", "es", "ed", "ing", "ion", "ions", "ive", "or", "ors", "ment", "ments", "al",
    "y", "ies", "ied", "ity", "ities", "ze", "zed", "zes", "se", "sed", "ses", "ate", "ated",
    "ates", "ation", "ations", "ator", "able", "ance", "ence", "ent", "er", "ers", "ly",
    "ness", "ism", "ist", "ic", "ical", "ous", "ful", "ure",
)  # fmt: skip


@functools.lru_cache(maxsize=QUERIES_KEPT)
def _prefix_pattern(token: str) -> str:
    """The terms of the index a typed prefix stands for: those beginning with it, and the
    stems shorter than it of the words that do (a word of letters only)."""
    prefix = fold(token)
    pattern = re.escape(prefix) + ".*"
    if not (prefix.isalpha() and prefix.isascii()):
        return pattern
    analyzer = ANALYZERS["chancery"]
    shorter = set()
    for ending in ENDINGS:
        stems = analyzer.analyze(prefix + ending)
        if len(stems) == 1 and len(stems[0]) >= 3 and prefix.startswith(stems[0]):
            shorter.add(stems[0])
    shorter.discard(prefix)  # matched by the pattern already
    return "|".join([pattern, *(re.escape(s) for s in sorted(shorter))])


@functools.lru_cache(maxsize=QUERIES_KEPT)
def term_in(column: str, term: Term) -> tantivy.Query | None:
    """``term`` in one field (kept: the same word asks the analyzers the same each time,
    and a Tantivy query is immutable)."""
    tokens = query_tokens(term.text, prefix=term.prefix)
    if not tokens:
        return None
    if term.prefix and len(tokens) == 1:
        return tantivy.Query.regex_query(SCHEMA, column, _prefix_pattern(tokens[0]))
    words = analysed(tokens)
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
        return tantivy.Query.phrase_prefix_query(SCHEMA, column, [*words])
    return tantivy.Query.phrase_query(SCHEMA, column, [*words])


@functools.lru_cache(maxsize=QUERIES_KEPT)
def exact_words(term: Term) -> tuple[str, ...] | None:
    """The index terms :func:`term_in` asks every one of (a word, or a phrase's words), or
    None when it matches terms by pattern (a prefix, a Cyrillic name's stem)."""
    tokens = query_tokens(term.text, prefix=term.prefix)
    if term.prefix or any(cyrillic_prefix(t) for t in tokens):
        return None
    return tuple(analysed(tokens))


def columns_of(term: Term, layer: str | None) -> tuple[str, ...]:
    """The fields a term is searched in: its field, the layer searched, or every one."""
    if term.field == "title":
        return ("title",)
    if layer in LAYER_FIELDS:
        return (LAYER_FIELDS[layer],)
    return COLUMNS


#: Which of its fields a term is searched in (default: :func:`columns_of`): a search may
#: leave out those no document holds its words in (``Searching``), which match nothing.
Fields = Callable[[Term, "str | None"], tuple[str, ...]]


@functools.lru_cache(maxsize=QUERIES_KEPT)
def term_query(
    term: Term, layer: str | None = None, columns: tuple[str, ...] | None = None
) -> tantivy.Query | None:
    """One word, prefix or phrase in every field it may match (``columns``: these of
    them), each field weighted."""
    parts = []
    for column in columns_of(term, layer) if columns is None else columns:
        query = term_in(column, term)
        if query is not None:
            parts.append(
                (tantivy.Occur.Should, tantivy.Query.boost_query(query, TEXT_FIELDS[column]))
            )
    return tantivy.Query.boolean_query(parts) if parts else None


def group_query(
    group: list[Term], layer: str | None, fields: Fields = columns_of
) -> tantivy.Query | None:
    """A group matches when any of its alternatives (OR, name variants) does."""
    parts = [q for q in (term_query(t, layer, fields(t, layer)) for t in group) if q is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])


def text_query(parsed: ParsedQuery, fields: Fields = columns_of) -> tantivy.Query | None:
    """The text part of a search; None when nothing can match it."""
    scored = not all(only_stopwords(g) for g in parsed.groups)
    groups = []
    for group in parsed.groups:
        query = group_query(group, parsed.layer, fields)
        if query is not None and scored and only_stopwords(group):
            query = tantivy.Query.const_score_query(query, 0.0)
        if query is not None:
            groups.append(query)
    excluded = [term_query(t, None, fields(t, None)) for t in parsed.excluded]
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
    clauses += [(tantivy.Occur.MustNot, q) for q in excluded if q is not None]
    return tantivy.Query.boolean_query(clauses)


def one_of(field: str, values) -> tantivy.Query:
    values = list(values)
    if not values:
        return tantivy.Query.empty_query()
    return tantivy.Query.term_set_query(SCHEMA, field, values)


def pks_query(pks) -> tantivy.Query:
    """These documents by pk (a few hundred at most): a term query each. A term set query
    marks every document of the index in a bit set first (1.7 ms at 200,000 documents for
    the rerank's pool, against 0.4 ms)."""
    pks = list(pks)
    if not pks:
        return tantivy.Query.empty_query()
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "pk", pk)) for pk in pks]
    )


def _int_range(field: str, lower: int | None, upper: int | None) -> tantivy.Query:
    return tantivy.Query.range_query(
        SCHEMA, field, tantivy.FieldType.Integer, lower_bound=lower, upper_bound=upper
    )


def facet_clauses(selected: FacetFilter) -> list[tuple]:
    """Clauses for the facet values a search selected (all of them, or any of them)."""
    name = selected.spec.name
    if selected.spec.model is None:
        options = (
            [(tantivy.Occur.Should, one_of(name, selected.decades))] if selected.decades else []
        )
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
        return [(tantivy.Occur.Must, one_of(name, ids)) for ids in selected.alternatives]
    return [(tantivy.Occur.Must, one_of(name, selected.known))]


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A clause that selects without scoring."""
    return tantivy.Query.const_score_query(query, 0.0)


def filter_clauses(plan: SearchPlan, *, dates: bool = True) -> list[tuple]:
    """Every condition of the plan but its words, as clauses that do not score."""
    clauses: list[tuple] = []
    if plan.scope is not None:
        clauses.append((tantivy.Occur.Must, one_of("collection", plan.scope)))
    for selected in plan.facets:
        clauses += facet_clauses(selected)
    if plan.restricted is not None:
        clauses.append((tantivy.Occur.Must, one_of("pk", plan.restricted)))
    for f in plan.fields:
        occur = tantivy.Occur.MustNot if f.negate else tantivy.Occur.Must
        clauses.append((occur, one_of(f.spec.index_field, f.records)))
    for bound in plan.dates if dates else ():
        value = ordinal(bound.value)
        low, high = (value, None) if bound.op == ">=" else (None, value)
        clauses.append((tantivy.Occur.Must, _int_range(bound.field, low, high)))
    return [(occur, _filter(query) if occur == tantivy.Occur.Must else query)
            for occur, query in clauses]  # fmt: skip


def plan_query(
    plan: SearchPlan, *, dates: bool = True, fields: Fields = columns_of
) -> tantivy.Query:
    """The plan as one Tantivy query (without its dates: for the undated count);
    ``fields``: which fields each term is searched in."""
    clauses = filter_clauses(plan, dates=dates)
    if plan.matches_text:
        text = text_query(plan.parsed, fields)
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
