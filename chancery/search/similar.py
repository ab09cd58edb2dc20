"""Spelling-tolerant matching: a rare word is also searched in its close spellings.

A name the variants table does not hold and no romanisation rule reaches may still be
spelt another way in the documents ("Tung Fu-siang" for "Tung Fu-hsiang", "Iswolsky" for
"Iswolski"). A typed word that finds few or no documents is therefore also searched in
the words of the archive's own vocabulary one edit away from it (a letter deleted, added,
changed, or two neighbours swapped), looked up in the engine's index
(``SearchBackend.similar_terms``). The policy is here, once, for every engine:

- only a plain typed word qualifies: not a phrase, a prefix, a field or a stopword, of at
  least :data:`MIN_LENGTH` Latin letters, that the variants table and the rules left alone;
- only when a search for it finds at most :data:`RARE` documents
  (``SearchBackend.document_frequency``): a word that matches well is never widened; and
  only in a search that finds little as typed (:func:`checked_up_to`,
  ``SearchResults.plan``), so a search that finds much pays nothing for this;
- at most :data:`MAX_SIMILAR` close spellings, the most used first; a spelling the stemmer
  already joins to the word (treaty, treaties) is not one; when the word itself is found,
  a spelling used by more than :data:`SWAMP` times as many documents is not added (it is a
  different word, and would bury the few documents that hold the typed one);
- documents found only by a close spelling rank after every document found by the typed
  word, a curated variant or a spelling made by rule, and keep :data:`SIMILAR_WEIGHT` of
  their score (:mod:`chancery.search.ranking`);
- the page says what was also searched ("Also searched for: Tung Fu-hsiang (similar
  spelling)"), and so do ``?explain=1`` and the JSON API.
"""

from __future__ import annotations

from .analysis import STOPWORDS, fold, word_key
from .kept import kept
from .query import SIMILAR, ParsedQuery, Term
from .suggest import MAX_LENGTH

#: Fewer letters than this: too many other words are one edit away ("Hay", "Day").
MIN_LENGTH = 5
#: A word found in at most this many documents is rare enough to be widened.
RARE = 2
#: Close spellings searched for one word, at most.
MAX_SIMILAR = 3
#: A found word is not widened to a spelling more than this many times as common.
SWAMP = 10
#: A search of "most of the words" finding at most this many documents has its words
#: checked (see :func:`checked_up_to`).
CHECKED_UP_TO = 20


def checked_up_to(plan) -> int:
    """The most documents a search may find and still have its words checked for rarity:
    ``RARE`` when every word must match (each word then finds at least what the search
    finds, so none is rare in a search finding more), else ``CHECKED_UP_TO``. A search
    that finds more pays nothing for spelling tolerance."""
    return CHECKED_UP_TO if plan.min_match else RARE


__all__ = ["MAX_SIMILAR", "MIN_LENGTH", "RARE", "SIMILAR", "SWAMP", "checked_up_to", "widen"]


def _word(group: list[Term]) -> str | None:
    """The folded word a group may be widened from, or None."""
    if len(group) != 1:  # alternatives typed, or forms from the table or the rules
        return None
    term = group[0]
    if term.field or term.prefix or term.phrase or term.variant or " " in term.text:
        return None
    word = fold(term.text)
    if (
        not MIN_LENGTH <= len(word) <= MAX_LENGTH
        or not (word.isalpha() and word.isascii())
        or word in STOPWORDS
    ):
        return None
    return word


def close_spellings(word: str, backend, hits: int | None = None) -> list[tuple[str, int]]:
    """[(spelling, documents)] a rare ``word`` is also searched in; [] for any other.
    ``hits``: the documents a search for the word finds, when known already."""
    engine = type(backend).__qualname__
    if hits is None:
        hits = kept(("rare", engine, word), lambda: backend.document_frequency(word, RARE + 1))
    if hits > RARE:
        return []
    found = []
    for term, documents in kept(("close", engine, word), lambda: backend.close_words(word)):
        if term in STOPWORDS or len(term) < MIN_LENGTH - 1 or word_key(term) == word_key(word):
            continue
        if hits and documents > SWAMP * hits:
            continue
        found.append((term, documents))
    return found[:MAX_SIMILAR]


def widen(parsed: ParsedQuery, backend, alone: int | None = None) -> ParsedQuery:
    """``parsed`` with each rare typed word's close spellings added to its group
    (``alone``: what the search finds when it is one word and nothing else)."""
    if not backend.supports_similar_terms or not parsed.groups:
        return parsed
    groups, similar = [], list(parsed.similar)
    for group in parsed.groups:
        word = _word(group)
        found = close_spellings(word, backend, alone) if word else []
        if not found:
            groups.append(group)
            continue
        groups.append([*group, *(Term(t, variant=True, scheme=SIMILAR) for t, _ in found)])
        similar.append((group[0].text, found))
    if not similar:
        return parsed
    return parsed.with_groups(groups, similar=similar)
