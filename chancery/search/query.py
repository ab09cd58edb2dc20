"""The search request as the engines see it, and the user's query string parsed.

The parser never fails: whatever is typed becomes a list of clauses, and ``explain``
says how it was read, so an unclosed quote or a lone OR searches sensibly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

SORTS = {
    "relevance": "Relevance",
    "date": "Date (oldest first)",
    "-date": "Date (newest first)",
    "title": "Title (A–Z)",
}
DATE_MODES = {"overlap": "overlaps the range", "within": "falls entirely within the range"}

_WORD = re.compile(r"\w", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)("?)|(\S+)')


@dataclass(frozen=True)
class Term:
    """A word, a prefix (``nation*``) or a phrase (``"cold war"``)."""

    text: str
    phrase: bool = False
    prefix: bool = False

    def __str__(self) -> str:
        if self.phrase:
            return f'"{self.text}"'
        return self.text + ("*" if self.prefix else "")


@dataclass
class ParsedQuery:
    """All ``groups`` must match (a group is one term or several alternatives joined
    by OR); no ``excluded`` term may match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    def explain(self) -> str:
        parts = [" OR ".join(str(t) for t in group) for group in self.groups]
        parts += [f"-{t}" for t in self.excluded]
        return " ".join(parts)

    def words(self) -> list[str]:
        """Every positive word, for highlighting and suggestions."""
        return [w for group in self.groups for t in group for w in t.text.split()]


def _clean(text: str) -> str:
    return " ".join(text.replace('"', " ").split())


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    text = text or ""
    if text.count('"') % 2:
        parsed.notes.append("An unclosed quotation mark was closed at the end of the query.")
    pending_or = False
    for minus, quoted, _closing, bare in _TOKEN.findall(text):
        if bare:
            if bare == "OR":
                if parsed.groups and not pending_or:
                    pending_or = True
                else:
                    parsed.notes.append("An OR with nothing on one side was ignored.")
                continue
            minus = "-" if bare.startswith("-") and len(bare) > 1 else ""
            word = bare.lstrip("-") if minus else bare
            prefix = word.endswith("*") and bool(_WORD.search(word))
            value = _clean(re.sub(r"[^\w]+", " ", word))
            if not value:
                if word.strip():
                    parsed.notes.append(f"“{word}” has no letters or digits and was ignored.")
                continue
            term = Term(value, phrase=" " in value, prefix=prefix and " " not in value)
        else:
            value = _clean(re.sub(r"[^\w]+", " ", quoted))
            if not value:
                continue
            term = Term(value, phrase=True)
        if minus:
            parsed.excluded.append(term)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(term)
            pending_or = False
        else:
            parsed.groups.append([term])
    if pending_or:
        parsed.notes.append("A trailing OR was ignored.")
    if parsed.excluded and not parsed.groups:
        parsed.notes.append("Only exclusions were given: showing every document without them.")
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

    @property
    def parsed(self) -> ParsedQuery:
        return parse_query(self.text)
