"""Everything the record page shows or embeds about citing the document, in one object."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from . import csl, meta, styles


@dataclass
class Citations:
    renderings: list[styles.Rendering]
    downloads: list[tuple[str, str, str]]  # label, url, media type
    meta_tags: list[tuple[str, str]]
    json_ld: str


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
    return Citations(
        renderings=styles.render_all(item),
        downloads=[
            (label, reverse(name, args=[doc.public_id]), ext) for ext, label, name in FORMATS
        ],
        meta_tags=meta.highwire(record, item, pdfs),
        json_ld=meta.json_ld_script_body(meta.json_ld(record, request.build_absolute_uri)),
    )
