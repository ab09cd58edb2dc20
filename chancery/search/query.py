"""The search request as the engines see it, and the user's query string parsed.

The parser never fails: whatever is typed becomes a list of clauses, and ``explain``
says how it was read, so an unclosed quote, a lone OR or stray symbols search sensibly.

The language (documented for users on /help/search/ and in docs/search.md):
words (all of them must match; from three words on, documents with most of them follow),
``"exact phrases"``, ``-exclusions`` (or ``NOT word``), ``a OR b``, ``prefix*``, field
filters ``title:`` ``person:`` ``place:`` ``collection:`` ``type:`` ``lang:`` (a quoted
value may hold spaces, a leading ``-`` negates) and date ranges ``1958..1962``,
``1958-03..1958-06``, ``..1920``, ``1945..`` (also written ``date:1958..1962`` or ``year:1958``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace

from chancery.corpus.dates import partial_date

SORTS = {
    "relevance": "Relevance",
    "date": "Date (oldest first)",
    "-date": "Date (newest first)",
    "title": "Title (A–Z)",
}
DATE_MODES = {"overlap": "overlaps the range", "within": "falls entirely within the range"}
#: Text layers a search can be limited to (public name -> label).
LAYERS = {
    "translation": "Translation",
    "transcript": "Original transcript",
    "summary": "Summary",
}
#: Field filters resolved by the database (not the text engine), public name -> label.
FIELD_FILTERS = {
    "person": "person",
    "place": "place",
    "collection": "collection",
    "type": "type",
    "lang": "language",
}
_FIELD_ALIASES = {"language": "lang", "people": "person", "who": "person", "where": "place"}

_WORD = re.compile(r"\w", re.UNICODE)
_TOKEN = re.compile(r'(-?)(?:(\w+):)?"([^"]*)("?)|(\S+)')
_DATE_PART = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
_RANGE = re.compile(rf"^({_DATE_PART})?\.\.\.?({_DATE_PART})?$")
_SINGLE_DATE = re.compile(rf"^({_DATE_PART})$")


@dataclass(frozen=True)
class Term:
    """A word, a prefix (``nation*``) or a phrase (``"cold war"``).

    ``field`` limits it to one indexed field (only ``title`` today); ``variant`` marks a
    form added by name-variant expansion rather than typed by the user.
    """

    text: str
    phrase: bool = False
    prefix: bool = False
    field: str | None = None
    variant: bool = False

    def __str__(self) -> str:
        shown = f'"{self.text}"' if self.phrase else self.text + ("*" if self.prefix else "")
        return f"{self.field}:{shown}" if self.field else shown


@dataclass(frozen=True)
class FieldFilter:
    """``person:Khrushchev`` and the like: applied by the database, on any engine."""

    name: str
    value: str
    negate: bool = False

    def __str__(self) -> str:
        value = f'"{self.value}"' if " " in self.value else self.value
        return f"{'-' if self.negate else ''}{self.name}:{value}"


@dataclass
class ParsedQuery:
    """All ``groups`` must match (a group is one term or several alternatives joined
    by OR); no ``excluded`` term may match.

    ``min_match`` > 0 relaxes that: a document matching at least that many groups is found
    (ranked below those matching all). ``layer`` limits text matching to one text layer.
    Engines that ignore these still answer correctly, only more strictly or more broadly.
    """

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filters: list[FieldFilter] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    min_match: int = 0
    layer: str | None = None
    #: (what the user typed, [the other forms searched]) from name-variant expansion.
    expansions: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def has_text(self) -> bool:
        return bool(self.groups)

    def explain(self) -> str:
        parts = []
        for group in self.groups:
            typed = [str(t) for t in group if not t.variant] or [str(group[0])]
            parts.append(" OR ".join(typed))
        parts += [f"-{t}" for t in self.excluded]
        parts += [str(f) for f in self.filters]
        if self.start or self.end:
            start = self.start.isoformat() if self.start else ""
            end = self.end.isoformat() if self.end else ""
            parts.append(f"{start}..{end}")
        return " ".join(parts)

    def words(self) -> list[str]:
        """Every positive word, for highlighting and suggestions."""
        return [w for group in self.groups for t in group for w in t.text.split()]

    def typed_words(self) -> list[str]:
        return [w for group in self.groups for t in group if not t.variant for w in t.text.split()]

    def with_groups(self, groups: list[list[Term]], **changes) -> ParsedQuery:
        return replace(self, groups=groups, notes=list(self.notes), **changes)


def _clean(text: str) -> str:
    return " ".join(text.replace('"', " ").split())


def _date(value: str, *, end: bool) -> dt.date:
    return partial_date(value, end=end)


def _date_range(parsed: ParsedQuery, start: str | None, end: str | None, raw: str) -> bool:
    try:
        first = _date(start, end=False) if start else None
        last = _date(end, end=True) if end else None
    except (ValueError, calendar.IllegalMonthError):
        parsed.notes.append(f"“{raw}” is not a real date range and was ignored.")
        return True
    if start and end and first and last and first > last:
        first, last = _date(end, end=False), _date(start, end=True)
        parsed.notes.append(f"The range “{raw}” was read backwards, as {end}..{start}.")
    # Several ranges narrow each other.
    parsed.start = max(filter(None, [parsed.start, first]), default=None)
    parsed.end = min(filter(None, [parsed.end, last]), default=None)
    return True


def _field_term(parsed: ParsedQuery, name: str, value: str, negate: bool, raw: str) -> bool:
    """Handle ``name:value``; False when ``name`` is not a field (then it is plain text)."""
    name = _FIELD_ALIASES.get(name.lower(), name.lower())
    value = _clean(value)
    if name in ("date", "year"):
        match = _RANGE.match(value) or _SINGLE_DATE.match(value)
        if not match:
            parsed.notes.append(f"“{raw}” is not a date or range (use 1958 or 1958..1962).")
            return True
        groups = match.groups()
        start, end = (groups[0], groups[1]) if len(groups) == 2 else (groups[0], groups[0])
        return _date_range(parsed, start, end, raw)
    if name in FIELD_FILTERS:
        if not value:
            parsed.notes.append(f"“{raw}” names no {FIELD_FILTERS[name]} and was ignored.")
            return True
        parsed.filters.append(FieldFilter(name, value, negate))
        return True
    if name == "title":
        words = _clean(re.sub(r"[^\w*]+", " ", value))
        if not words.strip("* "):
            return True
        prefix = words.endswith("*") and " " not in words
        text = words.rstrip("*").replace("*", "")
        term = Term(text, phrase=" " in text, prefix=prefix, field="title")
        (parsed.excluded.append(term) if negate else parsed.groups.append([term]))
        return True
    return False


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    text = text or ""
    if text.count('"') % 2:
        parsed.notes.append("An unclosed quotation mark was closed at the end of the query.")
    pending_or = False
    negate_next = False
    for minus, fname, quoted, _closing, bare in _TOKEN.findall(text):
        if bare:
            if bare in ("OR", "|", "||"):
                if parsed.groups and not pending_or:
                    pending_or = True
                else:
                    parsed.notes.append("An OR with nothing on one side was ignored.")
                continue
            if bare in ("AND", "&&", "+"):
                continue
            if bare == "NOT":
                negate_next = True
                continue
            minus = "-" if bare.startswith("-") and len(bare) > 1 else ""
            word = bare.lstrip("-") if minus else bare
            word = word.strip("()[]{}")
            range_match = _RANGE.match(word)
            if range_match and any(range_match.groups()):
                _date_range(parsed, range_match[1], range_match[2], raw=word)
                continue
            if ":" in word.strip(":"):
                name, _, value = word.partition(":")
                if _field_term(parsed, name, value, bool(minus or negate_next), word):
                    negate_next = False
                    continue
            prefix = word.endswith("*") and bool(_WORD.search(word))
            value = _clean(re.sub(r"[^\w]+", " ", word))
            if not value:
                if word.strip():
                    parsed.notes.append(f"“{word}” has no letters or digits and was ignored.")
                continue
            term = Term(value, phrase=" " in value, prefix=prefix and " " not in value)
        else:
            if fname and _field_term(parsed, fname, quoted, bool(minus or negate_next), fname):
                negate_next = False
                continue
            value = _clean(re.sub(r"[^\w]+", " ", quoted))
            if fname:
                value = _clean(f"{fname} {value}")
            if not value:
                continue
            term = Term(value, phrase=True)
        if minus or negate_next:
            parsed.excluded.append(term)
            pending_or = False
            negate_next = False
        elif pending_or:
            parsed.groups[-1].append(term)
            pending_or = False
        else:
            parsed.groups.append([term])
    if pending_or:
        parsed.notes.append("A trailing OR was ignored.")
    if negate_next:
        parsed.notes.append("A trailing NOT was ignored.")
    if parsed.excluded and not parsed.groups:
        parsed.notes.append("Only exclusions were given: showing every document without them.")
    plain = [g for g in parsed.groups if not any(t.field for t in g)]
    if len(plain) >= 3:
        # "most of the words": more than half of them (all words still rank first).
        parsed.min_match = len(parsed.groups) - (len(plain) - (len(plain) // 2 + 1))
    return parsed


@dataclass
class SearchQuery:
    """One search request in engine-neutral terms (public names only)."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    start: dt.date | None = None
    end: dt.date | None = None
    date_mode: str = "overlap"
    sort: str = "relevance"
    collection_scope: str | None = None
    layer: str | None = None
    explain: bool = False

    @property
    def parsed(self) -> ParsedQuery:
        parsed = parse_query(self.text)
        parsed.layer = self.layer
        return parsed
