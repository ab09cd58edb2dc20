"""Marks and snippets are made faster, never different.

``analysis.fold`` lowers a text's ASCII letters in bulk, and ``Matcher.spans`` finds the
query's roots with ``str.find``: both are held to the straightforward versions they replace
(kept here as the reference), character by character and on real FRUS texts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chancery.corpus.sanitize import html_to_text
from chancery.search.analysis import _FOLD, WORD, fold, word_key
from chancery.search.budget import MAX_HIGHLIGHT_SPANS
from chancery.search.query import parse_query
from chancery.search.snippets import Matcher, _windows, kwic

pytestmark = pytest.mark.engine

FRUS = Path("/work/shared/corpora/frus")


def reference_fold(text: str) -> str:
    """``fold`` as it was: str.lower, then each other character through the table."""
    if "\u0130" in text:
        return text.translate(_FOLD)
    low = text.lower()
    if low.isascii():
        return low
    special = "".join(c for c in set(low) if ord(c) > 127 and _FOLD[ord(c)] != c)
    if not special:
        return low
    return re.sub(f"[{re.escape(special)}]", lambda m: _FOLD[ord(m.group())], low)


def reference_spans(matcher: Matcher, text: str) -> list[tuple[int, int, str]]:
    """``Matcher.spans`` as it was: one regular expression of every root."""
    if not text or matcher.empty:
        return []
    folded = reference_fold(text)
    found = []
    roots = {k[: max(3, len(k) - 2)] for k in matcher.keys} | set(matcher.prefixes)
    roots.discard("")
    if roots:
        alternation = "|".join(sorted(map(re.escape, roots), key=len, reverse=True))
        for m in re.finditer(rf"(?:{alternation})\w*", folded):
            start = m.start()
            if start and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue
            token = m.group(0)
            if matcher.prefixes and token.startswith(matcher.prefixes):
                found.append((m.start(), m.end(), token[:4]))
                continue
            key = word_key(token) if matcher.keys else ""
            if key in matcher.keys:
                found.append((m.start(), m.end(), key))
    if matcher.phrases:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(matcher.phrases) + ")")
        for m in pattern.finditer(folded):
            for w in WORD.finditer(m.group(0)):
                found.append((m.start() + w.start(), m.start() + w.end(), m.group(0)))
    for needle in matcher.cjk:
        start = folded.find(needle)
        while start >= 0:
            found.append((start, start + len(needle), needle))
            start = folded.find(needle, start + len(needle))
    found.sort()
    return found[:MAX_HIGHLIGHT_SPANS]


def every_character():
    """Every character of the first planes, one in 97 of the others (not surrogates)."""
    codes = [*range(32, 0x30000), *range(0x30000, sys.maxunicode + 1, 97)]
    return [chr(c) for c in codes if not 0xD800 <= c < 0xE000]


def test_fold_is_the_same_for_every_character_alone_and_among_others():
    for char in every_character():
        for text in (char, f"a{char}", f"{char}B", f"É{char}{char.upper()}z", f"Σ{char}ς"):
            assert fold(text) == reference_fold(text), (hex(ord(char)), text)


def test_fold_keeps_lone_surrogates_and_the_dotted_capital_i():
    for text in ("ab\ud800Cé", "İstanbul Été", "ΣΟΦΙΑΣ σοφίας", "Ⅻ ǅ ﬁ Straße"):
        assert fold(text) == reference_fold(text)
        assert len(fold(text)) == len(text)


QUERIES = ["treaty", "government", "Li Hongzhang", "Peking", "negotiat*", "th*",
           '"most favored nation"', '"open door" policy', "Gdansk", "Хрущев", "毛泽东",
           "commercial treaty revision tariff", "the"]  # fmt: skip


def frus_texts(volume: str, n: int = 200) -> list[str]:
    path = FRUS / volume
    if not path.exists():
        pytest.skip(f"the FRUS corpus is not at {FRUS}")
    raw = path.read_text()
    parts = re.findall(r"<div[^>]*type=\"document\".*?</div>", raw, re.S)[:n]
    return [html_to_text(p)[:40_000] for p in parts]


@pytest.mark.parametrize("volume", ["frus1901China.xml", "frus1919Parisv01.xml"])
def test_the_marks_and_snippets_are_those_of_the_regular_expression(volume):
    texts = frus_texts(volume)
    texts += ["Retreat, treaties; TREATY-making: the Treaty’s “treatment” (treat)!", "Gdańsk"]
    for text in QUERIES:
        matcher = Matcher.for_query(parse_query(text))
        for body in texts:
            expected = reference_spans(matcher, body)
            assert matcher.spans(body) == expected, (text, body[:60])
            assert kwic(body, expected) == reference_kwic(body, expected)


def reference_windows(text, spans, window=110):
    """(-different words, -matches, start, end) of the window around each span: every span
    compared with every other."""
    candidates = []
    for start, _end, _key in spans:
        lo, hi = max(0, start - window), min(len(text), start + window)
        inside = [s for s in spans if s[0] >= lo and s[1] <= hi]
        candidates.append((-len({s[2] for s in inside}), -len(inside), lo, hi))
    return candidates


def reference_kwic(text, spans, passages=3, window=110):
    """``kwic``'s choice of windows as it was (every span compared with every other)."""
    from chancery.search.snippets import _cut, _shift, mark

    if not spans:
        return ""
    candidates = reference_windows(text, spans, window)
    candidates.sort()
    chosen = []
    for _d, _n, lo, hi in candidates:
        if any(lo < c_hi and hi > c_lo for c_lo, c_hi in chosen):
            continue
        chosen.append((lo, hi))
        if len(chosen) == passages:
            break
    parts = []
    for lo, hi in sorted(chosen):
        lo, hi = _cut(text, lo, hi)
        inside = [(s - lo, e - lo, k) for s, e, k in spans if s >= lo and e <= hi]
        piece = mark(text[lo:hi].strip(), _shift(text[lo:hi], inside))
        parts.append(("…" if lo > 0 else "") + piece + ("…" if hi < len(text) else ""))
    return " ".join(parts)


@st.composite
def _text_and_spans(draw):
    """A text and sorted matches in it: of one word or several, overlapping or not."""
    words = draw(st.lists(st.sampled_from(["treaty", "door", "open", "li", "hongzhang"]),
                          min_size=1, max_size=400))  # fmt: skip
    text = " ".join(words)
    keys = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    spans = set()
    for _ in range(draw(st.integers(1, 60))):
        # on a grid of ten: matches end exactly at a window's edge (110 from a start)
        start = draw(st.integers(0, (len(text) - 1) // 10)) * 10
        end = min(len(text), start + draw(st.sampled_from([3, 10, 100, 110, 120, 230])))
        spans.add((start, end, draw(st.sampled_from(keys))))
    return text, sorted(spans)


@settings(max_examples=300, deadline=None)
@given(_text_and_spans())
@example(("treaty " * 50, [(0, 200, "a"), (210, 216, "a")]))  # a match longer than a window
def test_the_passages_are_those_every_window_compared_with_every_match_gives(case):
    """``kwic`` counts a window's matches by bisection: the passages are the reference's,
    for one word or several, with matches overlapping (then counted one by one) or not,
    and with a match longer than the window."""
    text, spans = case
    assert kwic(text, spans) == reference_kwic(text, spans)
    # and each window is counted as the reference counts it (what the choice is made by)
    assert _windows(len(text), spans, 110) == reference_windows(text, spans, 110)
