"""The parallel reading view: a record's scans, original transcript and translation side by
side, aligned by printed page.

Each text layer is cut at its page markers (``<span class="pb" data-page="N">``) into one
chunk per page; each scan is given the page its label names ("Page 2 …") or, failing that,
the page at its place in the order. Every pane then holds the same sequence of rows (its
title, the text before the first marker, one row per page, the notes), empty where a layer
lacks a page, so the stylesheet can line the panes up row by row (CSS subgrid) on a screen and
in print, without JavaScript. Without JavaScript the panes are stacked, each with links to its
pages; with it they sit side by side, can be hidden, and on a phone become tabs
(static/chancery/parallel.js).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from chancery.corpus import models

from . import reading

_SCAN_PAGE = re.compile(r"\bpage\s+([\w.-]+)", re.IGNORECASE)
#: Documents with more printed pages than this are shown stacked (the stylesheet's subgrid
#: spans this many rows).
MAX_PAGES = 400
_NESTED_MARKER = ".//span[contains(concat(' ', normalize-space(@class), ' '), ' pb ')][@data-page]"
_RTL = {"ar", "he", "fa", "ur", "yi", "ps", "syr", "dv"}


@dataclass
class Row:
    page: str  # "" for the text before the first page marker, or the notes
    html: str = ""
    scan: models.Scan | None = None
    anchor: str = ""


@dataclass
class Pane:
    key: str  # scan, original, translation (translation-2 … for more)
    title: str
    lang: str = ""
    dir: str = "ltr"
    lead: Row = field(default_factory=lambda: Row(""))
    rows: list[Row] = field(default_factory=list)
    notes: str = ""
    download: str = ""  # a layer's PDF
    layer: models.Translation | models.Transcript | None = None

    @property
    def pages(self) -> list[Row]:
        return [r for r in self.rows if r.html or r.scan]


@dataclass
class Parallel:
    panes: list[Pane]
    pages: list[str]
    first_hit: str | None = None  # the page of the first highlighted word
    marked: int = 0  # words highlighted in all the layers

    @property
    def has_scans(self) -> bool:
        return any(p.key == "scan" for p in self.panes)


def _split(html: str) -> tuple[str, list[tuple[str, str]], str]:
    """(text before the first marker, [(page, html)], notes) of a sanitised layer. A marker
    at the top level starts a new chunk; one inside a paragraph (a page turning mid-sentence)
    moves the paragraphs after it to its page and stays where it is."""
    try:
        root = lxml_html.fragment_fromstring(html or "", create_parent="div")
    except etree.ParserError:
        return html, [], ""
    lead: list[str] = []
    pages: list[tuple[str, list[str]]] = []
    notes: list[str] = []
    if root.text and root.text.strip():
        lead.append(root.text)
    for child in root:
        if not isinstance(child.tag, str):
            continue
        out = etree.tostring(child, encoding="unicode", method="html")
        classes = (child.get("class") or "").split()
        if "footnotes" in classes:
            notes.append(out)
            continue
        if child.tag == "span" and "pb" in classes and child.get("data-page"):
            pages.append((child.get("data-page"), [out]))
            continue
        (pages[-1][1] if pages else lead).append(out)
        inner = child.xpath(_NESTED_MARKER)
        if inner:
            pages.append((inner[-1].get("data-page"), []))
    return "".join(lead), [(p, "".join(parts)) for p, parts in pages], "".join(notes)


def _scan_pages(scans: list[models.Scan], text_pages: list[str]) -> list[tuple[str, models.Scan]]:
    named = [(m.group(1), s) for s in scans if (m := _SCAN_PAGE.search(s.label or ""))]
    if len(named) == len(scans):
        return named
    if len(text_pages) >= len(scans):
        return list(zip(text_pages, scans, strict=False))
    return [(str(i), s) for i, s in enumerate(scans, start=1)]


def _lang(layer) -> tuple[str, str]:
    if layer.language is None:
        return "", "ltr"
    tag = layer.language.bcp47
    return tag, "rtl" if tag.split("-")[0] in _RTL else "ltr"


def build(doc: models.Document, words: list[str]) -> Parallel | None:
    """The panes of ``doc`` (its layers highlighted with ``words``), or None when it has
    fewer than two things to set side by side (layers with text, or scans)."""
    transcripts = [t for t in doc.transcripts.all() if t.html or t.file]
    translations = [t for t in doc.translations.all() if t.html or t.file]
    scans = [s for s in doc.scans.all() if s.is_image]
    if len(transcripts) + len(translations) + (1 if scans else 0) < 2:
        return None
    layers: list[tuple[str, str, models.Transcript | models.Translation]] = []
    for n, t in enumerate(transcripts, start=1):
        layers.append((f"original{'' if n == 1 else f'-{n}'}", t.label or "Original", t))
    for n, tr in enumerate(translations, start=1):
        layers.append((f"translation{'' if n == 1 else f'-{n}'}", tr.label or "Translation", tr))
    split = []
    order: list[str] = []
    first_hit = None
    marked = 0
    for key, title, layer in layers:
        html, n = reading.highlight(layer.html, words)
        marked += n
        lead, page_chunks, notes = _split(html)
        split.append((key, title, layer, lead, dict(page_chunks), notes))
        for page, chunk in page_chunks:
            if page not in order:
                order.append(page)
            if first_hit is None and "<mark>" in chunk:
                first_hit = page
    scan_pages = _scan_pages(scans, order)
    for page, _ in scan_pages:
        if page not in order:
            order.append(page)
    if len(order) > MAX_PAGES:
        return None
    by_page = {page: scan for page, scan in scan_pages}
    panes = []
    if scans:
        pane = Pane("scan", "Scans", lang="", dir="ltr")
        pane.rows = [Row(p, scan=by_page.get(p), anchor=f"scan-page-{p}") for p in order]
        panes.append(pane)
    seen: set[str] = set()
    for key, title, layer, lead, chunks, notes in split:
        tag, direction = _lang(layer)
        language = layer.language.name if layer.language else ""
        name = f"{title} ({language})" if language and language not in title else title
        pane = Pane(key, name, tag, direction, layer=layer)
        target = "scan-page" if scans else "cite-page"
        pane.lead = Row("", reading.page_markers(lead, seen, target))
        pane.rows = [
            Row(p, reading.page_markers(chunks.get(p, ""), seen, target), anchor=f"{key}-page-{p}")
            for p in order
        ]
        pane.notes = notes
        pane.download = layer.file.url if layer.file else ""
        panes.append(pane)
    return Parallel(panes, order, first_hit, marked)
