"""One page of a PostgreSQL search: by relevance (``ts_rank_cd``, cover density: words
close together rank higher, then the ranking every engine shares) or by date."""

# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass

from chancery.corpus.models import Document

from ... import ranking
from ..base import Ranked
from .compile import Band, Match, Query, both
from .schema import RANK_WEIGHTS, TABLE, fetch

#: Matches ranked with their whole vector; more are first ranked on a small vector. On the
#: judged queries (bench/relevance) 300 ranks as well as 1,000 and as ranking every match.
CANDIDATES = 300


@dataclass
class Scored:
    """A match as ranking sees it: its score on a whole vector (``cheap`` empty) or on the
    small vector ``cheap`` names, and what the shared reranking reads."""

    pk: int
    groups: int
    score: float
    words: int = 0
    in_title: bool = False
    cheap: str = ""


def _whole_rank(match: Match) -> Query:
    """``ts_rank_cd`` over a row's whole vector (``x.v``, see ``_VECTOR``): of every word
    group together (cover density rewards the words close together), then a tenth of any
    group's (for documents with some of the words under "most of the words")."""

    def rank(query: str) -> str:
        return f"ts_rank_cd('{RANK_WEIGHTS}', x.v, (SELECT {query}), 1)"

    text, text_params = match.words()
    if len(match.queries) < 2:
        return rank(text), text_params
    every, every_params = both(match.queries)
    return f"({rank(every)} + 0.1 * {rank(text)})", [*every_params, *text_params]


#: The columns a whole-vector ranking reads of a row: its whole vector detoasted once into
#: a value the rank functions share (each would otherwise detoast it again), and whether
#: its title holds every word group.
_VECTOR = "s.vector || ''::tsvector AS v, s.lead @@ (SELECT {title}) AS in_title"


def _whole_sql(match: Match, rows: str, rows_params: list, tail: str = "") -> Query:
    """(pk, groups, whole rank, length, in title) of the rows ``rows`` selects (as ``pk``,
    ``n`` and ``_VECTOR``'s columns)."""
    rank, rank_params = _whole_rank(match)
    sql = f"SELECT x.pk, x.n, {rank}, length(x.v), x.in_title FROM ({rows} OFFSET 0) AS x {tail}"
    return sql, [*rank_params, *rows_params]


def _whole(match: Match, band: Band, need: int) -> list[Scored]:
    """The first ``need`` matches of ``band``, ranked on their whole vector."""
    title, title_params = match.title
    rows, rows_params = match.select(
        f"s.document_id AS pk, {band.groups_sql} AS n, {_VECTOR.format(title=title)}",
        title_params, also=band.condition, also_params=band.params,
    )  # fmt: skip
    sql, params = _whole_sql(match, rows, rows_params, f"ORDER BY 2 DESC, 3 DESC, 1 LIMIT {need}")
    return [Scored(pk, n, score, words, bool(t)) for pk, n, score, words, t in fetch(sql, params)]


#: What each small vector holds (for ?explain=1).
_CHEAP = {"lead": "title, summary and names", "head": "title, summary, names, start of texts"}


def _cheap_then_whole(match: Match, band: Band, vector: str, also: str,
                      also_params: list, need: int) -> list[Scored]:  # fmt: skip
    """The first ``need`` matches of ``band`` meeting ``also``: ranked on the small
    ``vector``, the best :data:`CANDIDATES` of them on the whole vector, first."""
    also = " AND ".join(c for c in (band.condition, also) if c)
    text, text_params = match.words()
    cheap = f"ts_rank_cd('{RANK_WEIGHTS}', s.{vector}, {text}, 1)"
    sql, params = match.select(
        f"s.document_id, {band.groups_sql}, {cheap}", text_params, also=also,
        also_params=[*band.params, *also_params],
        tail=f"ORDER BY 2 DESC, 3 DESC, 1 LIMIT {max(CANDIDATES, need)}",
        without=match.implied_by_lead if vector == "lead" else "",
    )  # fmt: skip
    found = fetch(sql, params)
    top = {pk: n for pk, n, _ in found[:CANDIDATES]}
    rest = [Scored(pk, n, score, cheap=_CHEAP[vector]) for pk, n, score in found[CANDIDATES:need]]
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
        Scored(pk, top[pk], score, words, bool(t)) for pk, _, score, words, t in fetch(sql, params)
    ]
    ranked.sort(key=lambda r: (-r.groups, -r.score, r.pk))
    return ranked + rest


def by_relevance(match: Match, total: int, offset: int, limit: int, count: int) -> Ranked:
    """[(pk, score, why)] of one page, best first (``total``: the plan's word groups).

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
    text, text_params = match.words()
    rows: list[Scored] = []
    for band in match.bands:
        if len(rows) >= need:
            break
        if count <= CANDIDATES:
            rows += _whole(match, band, want - len(rows))
        elif band.counted:
            rows += _cheap_then_whole(match, band, "head", "", [], want - len(rows))
        else:
            lead = f"s.lead @@ (SELECT {text})"
            rows += _cheap_then_whole(match, band, "lead", lead, text_params, want - len(rows))
            if len(rows) < need:
                rows += _cheap_then_whole(
                    match, band, "head", f"NOT {lead}", text_params, want - len(rows)
                )
    # The candidates ranked on a whole vector are reranked; beyond them (pages past the
    # best CANDIDATES of a band), the order stays the small vector's.
    whole = next((i for i, row in enumerate(rows) if row.cheap), len(rows))
    page: Ranked = []
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


def by_date(match: Match, descending: bool, offset: int, limit: int) -> list[int]:
    """One page in the shared date order (``orm.ORDERINGS``): the dates are on the search
    row, so the first rows by date are found there — with every row tied with the last of
    them — and only those are joined to the documents for the last key, the public id
    (``government`` newest first at 200,000 documents: 623 -> 219 ms; ``treaty`` oldest
    first, page 1: 10 -> 51 ms, page 501: 196 -> 84 ms)."""
    if descending:
        keys = ["latest DESC NULLS LAST", "earliest DESC NULLS LAST"]
    else:
        keys = ["earliest ASC NULLS LAST", "latest ASC NULLS LAST"]
    rows, params = match.select(
        "s.document_id, s.earliest, s.latest",
        tail=f"ORDER BY {', '.join(f's.{k}' for k in keys)} "
        f"FETCH FIRST {offset + limit} ROWS WITH TIES",
    )
    documents = Document._meta.db_table
    sql = (
        f"SELECT d.id FROM ({rows}) AS t JOIN {documents} d ON d.id = t.document_id "
        f"ORDER BY {', '.join(f't.{k}' for k in keys)}, d.public_id LIMIT %s OFFSET %s"
    )
    return [pk for (pk,) in fetch(sql, [*params, limit, offset])]
