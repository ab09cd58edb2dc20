"""Everything the record page shows or embeds about citing the document, in one object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import csl, meta, styles


@dataclass
class PageCitation:
    page: str
    note: SafeString  # Chicago's note, citing this page
    downloads: list[tuple[str, str, str]]


@dataclass
class Citations:
    renderings: list[styles.Rendering]
    downloads: list[tuple[str, str, str]]  # label, url, media type
    meta_tags: list[tuple[str, str]]
    json_ld: str
    pages: list[PageCitation] = field(default_factory=list)


#: Pages of one document cited one by one on its record page (a long report has more).
MAX_PAGE_CITATIONS = 40
#: A page number no document has, rendered once in the place of every plain page number
#: (letters and digits only: "12", "xiv"; a range or list, "12-13", is rendered itself,
#: as its label is "pp.").
STAND_IN = "7301946285"
_PLAIN_PAGE = re.compile(r"[0-9A-Za-z]+")


FORMATS = [
    ("bib", "BibTeX", "cite:bibtex"),
    ("ris", "RIS", "cite:ris"),
    ("json", "CSL-JSON", "cite:csl-json"),
]


def record_citations(request, doc, collections, repositories, edition=None) -> Citations:
    """Built from what the document view has already fetched (prefetched relations)."""
    url = request.build_absolute_uri(doc.get_absolute_url())
    record = csl.record_for(doc, url, collections, repositories, edition)
    item = csl.item(record)
    pdfs = [
        request.build_absolute_uri(s.file.url)
        for s in doc.scans.all()
        if s.file and s.file.name.lower().endswith(".pdf")
    ]
    downloads = [(label, reverse(name, args=[doc.public_id]), ext) for ext, label, name in FORMATS]
    pages = []
    # Every page's note is the same citation but for the page (and the URL's anchor): a
    # plain page number is put into one rendering made with a stand-in, not rendered anew.
    model = styles.render(csl.item(record, STAND_IN), styles.STYLES[0]).note
    for page in csl.printed_pages(doc)[:MAX_PAGE_CITATIONS]:
        if model and STAND_IN in model and _PLAIN_PAGE.fullmatch(page):
            note: SafeString | None = mark_safe(model.replace(STAND_IN, page))  # noqa: S308
        else:
            note = styles.render(csl.item(record, page), styles.STYLES[0]).note
        if note is None:  # Chicago is a note style: citeproc gave nothing for this page
            continue
        links = [(label, f"{url}?page={page}", ext) for label, url, ext in downloads]
        pages.append(PageCitation(page, note, links))
    return Citations(
        renderings=styles.render_all(item),
        pages=pages,
        downloads=downloads,
        meta_tags=meta.highwire(record, item, pdfs),
        json_ld=meta.json_ld_script_body(meta.json_ld(record, request.build_absolute_uri)),
    )
