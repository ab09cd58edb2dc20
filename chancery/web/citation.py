"""A Chicago-style citation of a record, for the "Cite this document" block."""

from __future__ import annotations

from django.utils.html import format_html

from chancery.corpus.models import Document


def chicago_note(document: Document, url: str, site_name: str, collections, repositories) -> str:
    """Chicago notes-and-bibliography style, as archives cite online primary sources:

    "Title," Date, Source, Repository. Collection. Site. URL.
    """
    parts = [format_html("“{}”", document.title.rstrip(". "))]
    if document.date_display:
        parts.append(format_html("{}", document.date_display))
    if document.source:
        parts.append(format_html("{}", document.source.rstrip(". ")))
    if repositories:
        parts.append(format_html("{}", "; ".join(r.name for r in repositories)))
    head = format_html(", ".join(["{}"] * len(parts)), *parts)
    tail = []
    if collections:
        tail.append(format_html("{}", "; ".join(c.title for c in collections)))
    tail.append(format_html("<i>{}</i>", site_name))
    tail.append(format_html("{}", url))
    return format_html("{}. {}.", head, format_html(". ".join(["{}"] * len(tail)), *tail))
