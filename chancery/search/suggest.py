""" "Did you mean": close spellings from the archive's own vocabulary.

Only asked when a search finds nothing or very little. The vocabulary is the words of the
archive's titles, summaries and names, folded, with the number of documents using each,
as the engine keeps it in its own index (``SearchBackend.similar_terms``): the words one
edit away (a letter deleted, added, changed, or two neighbours swapped) are looked up
there in one batch — a few hundred exact look-ups, never a pass over the vocabulary. Only
when none is found, and the word is long enough for two edits, are the words sharing its
first two letters (then its first letter) compared with it. The most used wins. A
suggestion is offered only if it finds more than the original.
"""

from __future__ import annotations

import re
import string

from .analysis import fold

FEW = 3
_WORD = re.compile(r"\w+")
ALPHABET = string.ascii_lowercase


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


#: More letters than this: no word of any language the archive holds, and its ~54 × length
#: neighbours would make one look-up cost what a whole search may (a 1,000-letter word).
MAX_LENGTH = 40


def neighbours(word: str) -> set[str]:
    """Every string one edit from ``word`` (folded, Latin letters): a letter deleted,
    added or changed, or two neighbouring letters swapped. About 54 × its length."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    out |= {a + c + b for a, b in splits for c in ALPHABET}
    out.discard(word)
    return out


def most_used(found: dict[str, int], limit: int) -> list[tuple[str, int]]:
    """The words found (with their document counts), most used first, then A–Z."""
    ranked = sorted(((t, n) for t, n in found.items() if n > 0), key=lambda tn: (-tn[1], tn[0]))
    return ranked[:limit]


def correct(word: str, backend) -> str | None:
    """A better-attested spelling of ``word`` from the engine's vocabulary, or None."""
    folded = fold(word)
    if not 4 <= len(folded) <= MAX_LENGTH or not folded.isalpha():
        return None
    best = _one_edit(folded, backend) or _two_edits(folded, backend)
    if best:
        return best.capitalize() if word[:1].isupper() else best
    return None


def _one_edit(folded: str, backend) -> str | None:
    if not folded.isascii() or not backend.supports_similar_terms:
        return None
    if _in_vocabulary(folded, backend):
        return None
    found = backend.close_words(folded)
    return found[0][0] if found else None


def _in_vocabulary(folded: str, backend) -> bool:
    return any(term == folded for term, _ in backend.vocabulary(folded, 50))


def _two_edits(folded: str, backend) -> str | None:
    limit = 1 if len(folded) <= 5 else 2
    if limit < 2 and backend.supports_similar_terms and folded.isascii():
        return None  # one edit was looked up in the index already
    # Same first two letters first (a short list), then the same first letter.
    for prefix in (folded[:2], folded[0]):
        entries = backend.vocabulary(prefix)
        if dict(entries).get(folded, 0) > 0:
            return None
        best = None
        letters = set(folded)
        for term, docs in entries:
            if abs(len(term) - len(folded)) > limit or term == folded:
                continue
            if len(letters.symmetric_difference(term)) > 2 * limit:
                continue  # each edit changes at most two of the letters used
            d = distance(folded, term, limit)
            if d <= limit and (best is None or (d, -docs) < (best[0], -best[1])):
                best = (d, docs, term)
        if best:
            return best[2]
    return None


def suggest(text: str, typed_words: list[str], backend) -> str | None:
    """The query with its unknown words corrected, or None when nothing changes."""
    changed = text
    for word in dict.fromkeys(typed_words):
        better = correct(word, backend)
        if better:
            changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, changed, flags=re.I)
    return changed if changed != text else None
