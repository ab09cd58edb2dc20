"""BM25 over a set of candidate rows, as SQLite FTS5 computes it.

``ts_rank_cd`` knows no word rarity: a document with a common word many times outranks
one with the rare word of the query. The GIN index finds the candidates; this scores them
with the statistics the indexer keeps (migration 0010_postgres_term_stats): each lexeme's
document frequency (``search_pg_terms``), each row's length (``search_pg.length``) and
the archive's number of documents and their average length (``search_pg_stats``).

For each term of the query (a word, a phrase or a prefix; each alternative of a group,
variants included) and each row: its hits, from the positions of the term's lexemes in
the row's vectors (a phrase: the positions where its lexemes stand in order), each hit
counting the weight of its field (:data:`LABEL_WEIGHTS`: the shared
:data:`~chancery.search.plan.TEXT_FIELDS`, the machine-read text half a human text);
then, as FTS5's ``bm25()``::

    idf = ln((N - df + 0.5) / (df + 0.5))            (at least 1e-6)
    score += idf * hits * (k1 + 1) / (hits + k1 * (1 - b + b * length / average))

with k1 = 1.2 and b = 0.75. A term is looked up through each configuration it may be
indexed with (``compile.term_sql``); it counts through the one that scores best. A
phrase's document frequency is its rarest lexeme's.
"""

# ruff: noqa: S608

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...analysis import WORD
from ...plan import TEXT_FIELDS
from ...query import Term
from .schema import CYRILLIC, STATS, TERMS, fetch, prepare

K1 = 1.2
B = 0.75
#: A hit's weight by the label of its position (migration 0002_postgres's ``setweight``).
LABEL_WEIGHTS = {
    "A": TEXT_FIELDS["title"],
    "B": TEXT_FIELDS["summary"],
    "C": TEXT_FIELDS["names"],
    "D": TEXT_FIELDS["transcript"],
}
MACHINE_WEIGHT = TEXT_FIELDS["machine"]


@dataclass
class Reading:
    """A term as one configuration analyses it: its lexemes at their offsets."""

    lexemes: list[tuple[int, str]]
    prefix: bool = False


@dataclass
class RankedTerm:
    """A term: its readings, the labels it may count in, and its weight."""

    term: Term
    readings: list[Reading] = field(default_factory=list)
    #: Only these labels count (a ``title:`` term: A; a search limited to the summary: B).
    labels: str = "ABCD"
    machine: bool = True
    human: bool = True
    #: The word the term is a form of (a typed word, its variants: ``Match.term_groups``).
    group: int = 0


@dataclass
class Statistics:
    documents: int
    average: float
    frequency: dict[str, int]

    def idf(self, df: int) -> float:
        n = max(self.documents, df)
        value = math.log((n - df + 0.5) / (df + 0.5))
        return value if value > 0 else 1e-6


def _configs(term: Term) -> tuple[str, str]:
    first = "chancery_russian" if CYRILLIC.search(term.text) else "chancery_english"
    return first, "chancery_simple"


def prepare_terms(
    terms: list[Term], layer: str | None, groups: list[int]
) -> tuple[list[RankedTerm], Statistics]:
    """The terms' readings (``groups``: the word group of each) and the statistics of
    their lexemes: one statement."""
    texts, configs, owners = [], [], []
    ranked = []
    for i, term in enumerate(terms):
        words = " ".join(t for w in WORD.findall(prepare(term.text)) for t in w.split())
        labels = "A" if term.field == "title" else ("B" if layer == "summary" else "ABCD")
        if layer in ("translation", "transcript"):
            labels = "D"
        ranked.append(
            RankedTerm(term, labels=labels, machine=layer in (None, "machine") and labels != "A",
                   human=layer != "machine", group=groups[i])
        )  # fmt: skip
        if not words:
            continue
        for config in _configs(term):
            texts.append(words)
            configs.append(config)
            owners.append(i)
    prefixed = [i + 1 for i, owner in enumerate(owners) if terms[owner].prefix]
    # One statement: each reading's lexemes at their positions, the document frequency of
    # each (of a prefix: the sum over the lexemes it starts), and the archive's totals.
    rows = fetch(
        "WITH r AS (SELECT q.i, u.lexeme, u.positions "
        "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS q (t, c, i), "
        "unnest(to_tsvector(q.c::regconfig, q.t)) AS u) "
        f"SELECT r.i, r.lexeme, r.positions, (SELECT t.documents FROM {TERMS} t "
        "WHERE t.lexeme = r.lexeme), CASE WHEN r.i = ANY(%s) THEN ("
        f"SELECT coalesce(sum(t.documents), 0) FROM {TERMS} t WHERE t.lexeme >= r.lexeme "
        "AND t.lexeme < r.lexeme || chr(1114111) AND starts_with(t.lexeme, r.lexeme)) END, "
        f"(SELECT documents FROM {STATS}), (SELECT words FROM {STATS}) FROM r ORDER BY r.i",
        [texts, configs, prefixed],
    )
    found: dict[int, list[tuple[str, list[int]]]] = {}
    frequency: dict[str, int] = {}
    totals = (rows[0][5], rows[0][6]) if rows else (0, 0)
    for i, lexeme, positions, df, prefix_df, _, _ in rows:
        found.setdefault(i, []).append((lexeme, positions))
        frequency[lexeme] = int(df or 0)
        if prefix_df is not None:
            frequency[lexeme + "*"] = int(prefix_df)
    seen: set[tuple] = set()
    for i, entries in found.items():
        owner = ranked[owners[i - 1]]
        lexemes = sorted((pos, lexeme) for lexeme, positions in entries for pos in positions)
        first = lexemes[0][0]
        reading = Reading([(p - first, lexeme) for p, lexeme in lexemes], owner.term.prefix)
        key = (owners[i - 1], tuple(reading.lexemes))
        if key not in seen:
            seen.add(key)
            owner.readings.append(reading)
    documents = int(totals[0] or 0)
    average = (int(totals[1] or 0) / documents if documents else 0) or 1.0
    return ranked, Statistics(documents, average, frequency)


def lexeme_condition(ranked: list[RankedTerm]) -> tuple[str, list]:
    """SQL keeping the entries of a vector's ``unnest`` (alias ``u``) a term may hit."""
    exact = sorted({lx for s in ranked for r in s.readings if not r.prefix for _, lx in r.lexemes})
    prefixes = sorted({r.lexemes[0][1] for s in ranked for r in s.readings if r.prefix})
    sql = "u.lexeme = ANY(%s)"
    params: list[object] = [exact]
    for p in prefixes:
        sql += " OR starts_with(u.lexeme, %s)"
        params.append(p)
    return f"({sql})", params


def _positions(entries: dict[str, tuple[list[int], list[str]]], reading: Reading):
    """{position: label} of the reading's hits in one vector's entries."""
    if reading.prefix:
        stem = reading.lexemes[0][1]
        hits: dict[int, str] = {}
        for lexeme, (positions, labels) in entries.items():
            if lexeme.startswith(stem):
                hits.update(zip(positions, labels, strict=False))
        return hits
    first = entries.get(reading.lexemes[0][1])
    if not first:
        return {}
    hits = dict(zip(first[0], first[1], strict=False))
    for offset, lexeme in reading.lexemes[1:]:
        other = entries.get(lexeme)
        if not other:
            return {}
        at = set(other[0])
        hits = {p: label for p, label in hits.items() if p + offset in at}
    return hits


def _entries(found) -> dict[str, tuple[list[int], list[str]]]:
    if not found:
        return {}
    return {
        entry[0]: (entry[1], entry[2] if len(entry) > 2 else ["D"] * len(entry[1]))
        for entry in found
    }


def near_lexemes(ranked: list[RankedTerm], tokens: list[str]) -> list[str]:
    """The lexemes of the typed words whose closeness ranks higher
    (``SearchPlan.near_tokens``: [] when there are fewer than two or too many)."""
    if not tokens:
        return []
    wanted = {t.lower() for t in tokens}
    found = []
    for term in ranked:
        if term.term.variant or term.term.prefix or not term.readings:
            continue
        words = {w.lower() for w in WORD.findall(prepare(term.term.text))}
        if words <= wanted:
            found += [lexeme for _, lexeme in term.readings[0].lexemes]
    return list(dict.fromkeys(found)) if len(found) >= 2 else []


def is_near(human, lexemes: list[str], window: int) -> bool:
    """True when the row's human text holds each of ``lexemes`` within ``window`` words
    of each other (FTS5's NEAR)."""
    if len(lexemes) < 2:
        return False
    entries = _entries(human)
    lists = [entries.get(lexeme, ([], []))[0] for lexeme in lexemes]
    if not all(lists):
        return False
    merged = sorted((p, i) for i, positions in enumerate(lists) for p in positions)
    last: dict[int, int] = {}
    for p, i in merged:
        last[i] = p
        if len(last) == len(lists) and p - min(last.values()) < window:
            return True
    return False


def _df(stats: Statistics, reading: Reading) -> int:
    if reading.prefix:
        return stats.frequency.get(reading.lexemes[0][1] + "*", 0)
    return min(stats.frequency.get(lexeme, 0) for _, lexeme in reading.lexemes)


def group_frequencies(ranked: list[RankedTerm], stats: Statistics) -> dict[int, int]:
    """Each word's document frequency: its most frequent form's (a typed word and its
    variants are one word to BM25, as Lucene's synonym query has it: the rarity of the
    name counts, not that of one of its spellings)."""
    found: dict[int, int] = {}
    for term in ranked:
        for reading in term.readings:
            found[term.group] = max(found.get(term.group, 0), _df(stats, reading))
    return found


def score(ranked: list[RankedTerm], stats: Statistics, length: int, human, machine,
          frequencies: dict[int, int]) -> float:  # fmt: skip
    """The BM25 of one row (``human``/``machine``: its vectors' entries of the terms'
    lexemes, as ``[[lexeme, positions, labels]]``): each word one term, its hits those of
    all its forms (each through its best reading)."""
    human_entries, machine_entries = _entries(human), _entries(machine)
    norm = K1 * (1 - B + B * max(length, 1) / stats.average)
    hits_of: dict[int, float] = {}
    for term in ranked:
        best = 0.0
        for reading in term.readings:
            hits = 0.0
            if term.human:
                for label in _positions(human_entries, reading).values():
                    if label in term.labels:
                        hits += LABEL_WEIGHTS[label]
            if term.machine:
                hits += MACHINE_WEIGHT * len(_positions(machine_entries, reading))
            best = max(best, hits)
        hits_of[term.group] = hits_of.get(term.group, 0.0) + best
    total = 0.0
    for group, hits in hits_of.items():
        if hits:
            idf = stats.idf(max(frequencies.get(group, 0), 1))
            total += idf * hits * (K1 + 1) / (hits + norm)
    return total
