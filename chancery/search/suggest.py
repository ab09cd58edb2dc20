""" "Did you mean": close spellings from the archive's own vocabulary.

Only asked when a search finds nothing or very little. Candidates are the archive's words
(titles, summaries and names) sharing the first letter and within two edits; the most
used wins. A suggestion is offered only if it finds more than the original.
"""

from __future__ import annotations

import re

from .analysis import fold

FEW = 3
_WORD = re.compile(r"\w+")


def distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def correct(word: str, vocabulary) -> str | None:
    """A better-attested spelling of ``word`` from ``vocabulary(prefix)``, or None."""
    folded = fold(word)
    if len(folded) < 4 or not folded.isalpha():
        return None
    limit = 1 if len(folded) <= 5 else 2
    # Same first two letters first (a short list), then the same first letter.
    for prefix in (folded[:2], folded[0]):
        entries = vocabulary(prefix)
        if dict(entries).get(folded, 0) > 0:
            return None
        best = None
        for term, docs in entries:
            if abs(len(term) - len(folded)) > limit or term == folded:
                continue
            d = distance(folded, term, limit)
            if d <= limit and (best is None or (d, -docs) < (best[0], -best[1])):
                best = (d, docs, term)
        if best:
            return best[2].capitalize() if word[:1].isupper() else best[2]
    return None


def suggest(text: str, typed_words: list[str], vocabulary) -> str | None:
    """The query with its unknown words corrected, or None when nothing changes."""
    changed = text
    for word in dict.fromkeys(typed_words):
        better = correct(word, vocabulary)
        if better:
            changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, changed, flags=re.I)
    return changed if changed != text else None
