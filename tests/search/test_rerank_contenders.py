"""The rerank's flags are looked up only for the candidates that may reach the page.

Tantivy finds what the rerank needs to know of its pool (words close, every word in the
title) by a query over the pool's documents; finding 210 documents by pk was most of it.
``ranking.contenders`` leaves out the candidates that rank after the page even with
every boost against the others without any. The page must be the page reranked from
every candidate's flags: the same documents, in the same order, with the same scores.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chancery.search import ranking

_candidate = st.tuples(
    st.floats(0, 40, allow_nan=False),  # BM25
    st.integers(1, 3),  # word groups matched
    st.integers(0, 20_000),  # words
    st.booleans(),  # words close
    st.booleans(),  # every word in the title
)


def _page(rows, unknown: ranking.Unknown, offset: int, limit: int, pruned: bool):
    candidates = [
        ranking.Candidate(pk, bm25, groups, words=words)
        for pk, (bm25, groups, words, _, _) in enumerate(rows)
    ]
    asked = ranking.contenders(candidates, unknown, offset + limit) if pruned else candidates
    for c in asked:  # the flags the lookup finds (none where no test can set them)
        _, _, _, near, title = rows[c.pk]
        c.near, c.in_title = near and unknown.near, title and unknown.in_title
    return ranking.rerank(asked, 3, offset, limit), len(asked)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_candidate, max_size=230),
    st.booleans(),
    st.sampled_from([(0, 10), (10, 10), (20, 20), (0, 1)]),
)
@example([(10.0, 1, 400, True, True)] + [(10.0, 1, 400, False, False)] * 20, True, (0, 10))
def test_the_page_is_the_page_every_candidates_flags_give(rows, near, window):
    unknown = ranking.Unknown(near=near, in_title=True)
    offset, limit = window
    assert (
        _page(rows, unknown, offset, limit, True)[0]
        == (_page(rows, unknown, offset, limit, False)[0])
    )


def test_candidates_far_below_the_page_are_not_looked_up():
    """A pool whose scores fall steeply: the flags of those that cannot reach the first
    ten are not asked for."""
    rows = [(100.0 / (i + 1), 1, 400, False, False) for i in range(210)]
    page, asked = _page(rows, ranking.Unknown(near=True, in_title=True), 0, 10, True)
    assert asked < 40
    assert [pk for pk, _, _ in page] == list(range(10))


def test_a_pool_found_by_other_spellings_is_looked_up_whole():
    """Where flags still to be found decide which documents come first (found only by a
    spelling made by rule), every candidate is looked up."""
    candidates = [ranking.Candidate(i, 100.0 / (i + 1), 1) for i in range(210)]
    unknown = ranking.Unknown(in_title=True, generated_only=True)
    assert ranking.contenders(candidates, unknown, 10) == candidates
