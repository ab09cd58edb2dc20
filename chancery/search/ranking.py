"""What every engine does to its best candidates after its own BM25: one place, one
behaviour, so that the engines rank alike and the relevance benchmark measures both.

An engine ranks by (word groups matched, BM25) and hands its best ``RERANK_POOL``
candidates beyond the page here, with what it knows of each:

- **length**: BM25 favours short documents (b = 0.75, fixed in FTS5); a long memorandum
  that treats the subject at length gains back ``LENGTH_BOOST * ln(1 + words / 400)``;
- **words close together**: the typed words within a few words of each other (NEAR)
  gain ``PROXIMITY_BOOST``;
- **in the title**: a document whose title holds every word group gains ``TITLE_BOOST``
  — a document whose title names the subject is usually about it, while one that names it
  many times in its body may only pass by it (a treaty listing the League of Nations'
  secretariat, a dispatch dated at Peking).

Documents matching more of the word groups ("most of the words") always come first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RERANK_POOL = 200
LENGTH_BOOST = 0.15
PROXIMITY_BOOST = 0.5
TITLE_BOOST = 0.5


@dataclass
class Candidate:
    pk: int
    #: The engine's BM25, higher is better.
    bm25: float
    groups: int
    words: int = 0
    near: bool = False
    in_title: bool = False


def rerank(candidates: list[Candidate], total_groups: int, offset: int, limit: int):
    """[(pk, score, details)] of the page, best first."""
    rows = []
    for c in candidates:
        length = 1 + LENGTH_BOOST * math.log1p(max(c.words, 0) / 400)
        score = c.bm25 * length * (1 + PROXIMITY_BOOST * c.near) * (1 + TITLE_BOOST * c.in_title)
        details = {
            "bm25": round(c.bm25, 3),
            "groups_matched": f"{c.groups} of {total_groups}",
            "words_close": c.near,
            "in_title": c.in_title,
            "length_factor": round(length, 3),
        }
        rows.append((-c.groups, -score, c.pk, score, details))
    rows.sort(key=lambda row: row[:3])
    return [(pk, score, details) for _, _, pk, score, details in rows[offset : offset + limit]]
