"""Highlighting and keyword-in-context snippets, in Python and so the same on every engine.

Words are compared the way the index compares them (folded, stemmed in their own script),
so "treaty" marks "treaties", "Gdansk" marks "Gdańsk" and "Хрущёв" marks "Хрущева"; a
variant searched for ("Peking" for "Beijing") is marked too. A long text gives up to
three passages around the densest clusters of matches, joined by "…".
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import CharField, Value

from chancery.corpus.models import Transcript, Translation
from chancery.corpus.sanitize import html_to_text
from chancery.ocr.models import LABEL as MACHINE_LABEL
from chancery.ocr.models import MachineText

from . import budget
from .analysis import WORD, cyrillic_prefix, fold, has_cjk, word_key
from .budget import MAX_HIGHLIGHT_SPANS, MAX_HIGHLIGHT_TERMS
from .marks import MARK_CLOSE, MARK_OPEN
from .query import ParsedQuery

_WORD_TAIL = re.compile(r"\w*")
WINDOW = 110  # characters each side of a passage's first match
PASSAGES = 3


def _word_pattern(word: str) -> str:
    """A phrase word as a pattern over folded text: its stem, any ending."""
    key = word_key(word)
    return re.escape(key if len(key) <= 3 else key[:-1]) + r"\w*"


@dataclass
class Matcher:
    keys: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    cjk: tuple[str, ...] = ()
    #: Phrases (several words): marked only where their words stand together.
    phrases: tuple[str, ...] = ()

    @classmethod
    def for_query(cls, parsed: ParsedQuery) -> Matcher:
        keys, prefixes, cjk, phrases = set(), [], [], []
        for group in parsed.groups:
            for term in group:
                if has_cjk(term.text):
                    cjk += [w for w in WORD.findall(term.text) if has_cjk(w)]
                    continue
                words = WORD.findall(term.text)
                if len(words) > 1:
                    phrases.append(r"\W+".join(_word_pattern(w) for w in words))
                    continue
                for word in words:
                    if term.prefix:
                        prefixes.append(fold(word))
                    else:
                        key = word_key(word)
                        keys.add(key)
                        if cyrillic_prefix(key):
                            prefixes.append(key)
        # The cost budget: at most MAX_HIGHLIGHT_TERMS words are marked.
        n = MAX_HIGHLIGHT_TERMS
        keys = set(sorted(keys)[:n])
        prefixes, cjk = prefixes[: max(0, n - len(keys))], cjk[:n]
        return cls(keys, tuple(prefixes), tuple(cjk), tuple(phrases[:n]))

    @property
    def empty(self) -> bool:
        return not (self.keys or self.prefixes or self.cjk or self.phrases)

    @cached_property
    def _roots(self) -> tuple[str, ...]:
        """Word starts a match must have: stems are (nearly) prefixes of their words, so
        only tokens starting with a stem's first letters are stemmed and compared."""
        roots = {k[: max(3, len(k) - 2)] for k in self.keys} | set(self.prefixes)
        roots.discard("")
        return tuple(sorted(roots))

    @cached_property
    def _phrases_re(self) -> re.Pattern[str]:
        """Any of the phrases, each starting a word."""
        return re.compile(r"(?<!\w)(?:" + "|".join(self.phrases) + ")")

    def _starts(self, folded: str) -> list[tuple[int, int]]:
        """(where, length) of the longest root standing at each place in ``folded``, in
        order (``str.find``: a regular expression of the roots tries every position of a
        40,000-character text, and takes ten times as long)."""
        found: dict[int, int] = {}
        for root in self._roots:
            at = folded.find(root)
            while at >= 0:
                if found.get(at, 0) < len(root):
                    found[at] = len(root)
                at = folded.find(root, at + 1)
        return sorted(found.items())

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every match in ``text`` (the first ``MAX_HIGHLIGHT_SPANS``)."""
        if not text or self.empty:
            return []
        folded = fold(text)
        found = []
        # A token is a root and the rest of its word; a root found inside a word, or inside
        # a token already taken, is no match.
        after = 0
        for start, length in self._starts(folded):
            if start < after:
                continue
            end = after = _WORD_TAIL.match(folded, start + length).end()  # type: ignore[union-attr]
            if start and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue
            token = folded[start:end]
            if self.prefixes and token.startswith(self.prefixes):
                found.append((start, end, token[:4]))
            elif self.keys and (key := word_key(token)) in self.keys:
                found.append((start, end, key))
            else:
                continue
            if len(found) == MAX_HIGHLIGHT_SPANS:  # the first ones are all that is kept
                break
        if self.phrases:
            for m in self._phrases_re.finditer(folded):
                # each word of the phrase is marked on its own (marks never span spaces)
                for w in WORD.finditer(m.group(0)):
                    found.append((m.start() + w.start(), m.start() + w.end(), m.group(0)))
        for needle in self.cjk:
            start = folded.find(needle)
            while start >= 0:
                found.append((start, start + len(needle), needle))
                start = folded.find(needle, start + len(needle))
        found.sort()
        # The cost budget: passages are chosen among the first matches only (choosing
        # is quadratic in their number; a prefix like "th*" matches every other word).
        return found[:MAX_HIGHLIGHT_SPANS]


def mark(text: str, spans) -> str:
    out, last = [], 0
    for start, end, _ in spans:
        if start < last:
            continue
        out += [text[last:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        last = end
    out.append(text[last:])
    return "".join(out)


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to word boundaries."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def kwic(text: str, spans, passages: int = PASSAGES, window: int = WINDOW) -> str:
    """Up to ``passages`` marked passages around the densest clusters of matches."""
    if not spans:
        return ""
    candidates = _windows(len(text), spans, window)
    candidates.sort()
    chosen: list[tuple[int, int]] = []
    for _d, _n, lo, hi in candidates:
        for c_lo, c_hi in chosen:
            if lo < c_hi and hi > c_lo:
                break
        else:
            chosen.append((lo, hi))
            if len(chosen) == passages:
                break
    starts = [s[0] for s in spans]  # in order: a passage's spans are found by bisection
    parts = []
    for lo, hi in sorted(chosen):
        lo, hi = _cut(text, lo, hi)
        near = spans[bisect_left(starts, lo) : bisect_right(starts, hi)]
        inside = [(s - lo, e - lo, k) for s, e, k in near if e <= hi]
        piece = mark(text[lo:hi].strip(), _shift(text[lo:hi], inside))
        parts.append(("…" if lo > 0 else "") + piece + ("…" if hi < len(text) else ""))
    return " ".join(parts)


def _windows(size: int, spans, window: int) -> list[tuple[int, int, int, int]]:
    """(-different words, -matches, start, end) of the window around each match, what
    ``kwic`` chooses its passages by. The matches of one word do not overlap: their starts
    and ends run in the same order, and those inside a window are one run of them, counted
    by two bisections (a third less time than listing each window's matches)."""
    by_word: dict[str, tuple[list[int], list[int]]] = {}
    for start, end, key in spans:
        starts_ends = by_word.get(key)
        if starts_ends is None:
            by_word[key] = ([start], [end])
        else:
            starts_ends[0].append(start)
            starts_ends[1].append(end)
    words = list(by_word.values())
    if any(ends != sorted(ends) for _, ends in words):  # not from Matcher.spans: list them
        return _windows_listed(size, spans, window)
    out = []
    for start, _end, _key in spans:
        lo, hi = max(0, start - window), min(size, start + window)
        different = matches = 0
        for starts, ends in words:
            n = bisect_right(ends, hi) - bisect_left(starts, lo)
            if n > 0:
                different += 1
                matches += n
        out.append((-different, -matches, lo, hi))
    return out


def _windows_listed(size: int, spans, window: int) -> list[tuple[int, int, int, int]]:
    """:func:`_windows` by listing the matches inside each window."""
    starts = [s[0] for s in spans]
    out = []
    for start, _end, _key in spans:
        lo, hi = max(0, start - window), min(size, start + window)
        near = spans[bisect_left(starts, lo) : bisect_right(starts, hi)]
        inside = [s for s in near if s[1] <= hi]
        out.append((-len({s[2] for s in inside}), -len(inside), lo, hi))
    return out


def _shift(piece: str, spans):
    lead = len(piece) - len(piece.lstrip())
    return [(s - lead, e - lead, k) for s, e, k in spans]


@dataclass
class Marks:
    title: str = ""
    summary: str = ""
    snippet: str = ""
    layers: list[str] = field(default_factory=list)
    snippet_layer: str = ""


LAYER_LABELS = {
    "title": "title",
    "summary": "summary",
    "translation": "translation",
    "transcript": "original transcript",
    "machine": MACHINE_LABEL,
}
#: Layers a hit names by their label ("Matched in: machine-read text"), not their key.
NAMED_BY_LABEL = {"machine"}


def highlight(
    document, texts: list[tuple[str, str]], parsed: ParsedQuery, matcher: Matcher | None = None
) -> Marks:
    """Marks for one hit: ``texts`` is [(layer, plain text)] of its text layers
    (``matcher``: the query's, when the caller marks several hits)."""
    matcher = matcher or Matcher.for_query(parsed)
    marks = Marks()
    title_spans = matcher.spans(document.title)
    marks.title = mark(document.title, title_spans) if title_spans else ""
    summary = _plain(document.summary)
    summary_spans = matcher.spans(summary)
    marks.summary = mark(summary, summary_spans) if summary_spans else ""
    if title_spans:
        marks.layers.append("title")
    if summary_spans:
        marks.layers.append("summary")
    best = None
    for layer, text in texts:
        if parsed.layer and parsed.layer in LAYER_LABELS and layer != parsed.layer:
            continue
        spans = matcher.spans(text)
        if not spans:
            continue
        named = LAYER_LABELS[layer] if layer in NAMED_BY_LABEL else layer
        if named not in marks.layers:
            marks.layers.append(named)
        score = len({s[2] for s in spans}), len(spans)
        if best is None or score > best[0]:
            best = (score, layer, text, spans)
    if best:
        marks.snippet = kwic(best[2], best[3])
        marks.snippet_layer = best[1]
    return marks


_TAG = re.compile(r"<[^>]+>")


def _plain(html_text: str) -> str:
    """Summaries may hold a little markup; marks are placed in their text."""
    if "<" not in (html_text or ""):
        return html_text or ""
    return html.unescape(_TAG.sub("", html_text))


#: Snippets are cut from the first this many characters of a text layer's HTML (a long
#: treaty runs to 120 KB; reading it all for ten hits is most of a page's time). A hit
#: with no match there is read again whole.
SNIPPET_HEAD = 40_000


def marks_for(
    documents: list, parsed: ParsedQuery, stored: dict[int, list[Shown]] | None = None
) -> dict[int, Marks]:
    """{pk: Marks} of these documents (the hits of one page), their texts read at once from
    the database — or given in ``stored`` (an engine's stored excerpts, ``shown_texts``)."""
    if stored is None:
        texts, cut = layer_texts([d.pk for d in documents], SNIPPET_HEAD)
    else:  # a hit the index holds no excerpts of (written by an older version): read
        missing = [d.pk for d in documents if d.pk not in stored]
        texts, cut = layer_texts(missing, SNIPPET_HEAD) if missing else ({}, set())
        for pk, rows in stored.items():
            texts[pk] = [(name, text) for name, text, _ in rows]
            if any(was_cut for _, _, was_cut in rows):
                cut.add(pk)
    matcher = Matcher.for_query(parsed)
    found = {}
    for document in documents:
        budget.check()
        marks = highlight(document, texts.get(document.pk, []), parsed, matcher)
        if not marks.snippet and document.pk in cut:  # the match lies further in
            more = layer_texts([document.pk], budget.MAX_SNIPPET_TEXT)[0].get(document.pk, [])
            marks = highlight(document, more, parsed, matcher)
        found[document.pk] = marks
    return found


def layer_texts(
    ids: list[int], head: int | None = None
) -> tuple[dict[int, list[tuple[str, str]]], set[int]]:
    """{pk: [(layer, plain text)]} of the documents' translations, transcripts and pages of
    machine-read text (one query), and the pks whose text was cut at ``head`` characters."""
    if not ids:
        return {}, set()
    layer = CharField()
    translations = (
        Translation.objects.filter(document_id__in=ids)
        .order_by()
        .annotate(layer=Value("translation", output_field=layer))
    )
    transcripts = (
        Transcript.objects.filter(document_id__in=ids)
        .order_by()
        .annotate(layer=Value("transcript", output_field=layer))
    )
    machine = (
        MachineText.objects.filter(scan__document_id__in=ids, transcript=None)
        .exclude(text="")
        .order_by()
        .annotate(layer=Value("machine", output_field=layer))
    )
    rows = translations.values_list("document_id", "layer", "html").union(
        transcripts.values_list("document_id", "layer", "html"),
        machine.values_list("scan__document_id", "layer", "text"),
        all=True,
    )
    texts: dict[int, list[tuple[str, str]]] = {}
    cut: set[int] = set()
    for pk, name, text in rows:
        if head and len(text) > head:
            text = head_of(text, head)
            cut.add(pk)
        texts.setdefault(pk, []).append((name, text if name == "machine" else html_to_text(text)))
    return texts, cut


def head_of(text: str, head: int = SNIPPET_HEAD) -> str:
    """A text's first ``head`` characters, cut before a tag the cut would fall inside
    (cutting at the last tag's start would leave nothing of one long paragraph)."""
    if len(text) <= head:
        return text
    piece = text[:head]
    return piece[: piece.rfind("<")] if piece.rfind("<") > piece.rfind(">") else piece


#: One stored text of a hit: (layer, plain text of its head, whether it was cut).
Shown = tuple[str, str, bool]


def shown_texts(translations: list[str], transcripts: list[str], machine: list[str]) -> list[Shown]:
    """What an engine stores to cut a document's snippets from (``IndexEntry.shown``): each
    text layer's HTML (each page of machine-read text) cut at ``SNIPPET_HEAD`` characters
    exactly as :func:`layer_texts` cuts it, as plain text."""
    out: list[Shown] = []
    for layer, texts in (("translation", translations), ("transcript", transcripts)):
        out += [(layer, html_to_text(head_of(t)), len(t) > SNIPPET_HEAD) for t in texts]
    out += [("machine", head_of(t), len(t) > SNIPPET_HEAD) for t in machine if t]
    return out
