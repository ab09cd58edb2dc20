"""What the index holds of a document: its texts, the names it carries and, for an engine
that filters and counts by itself, every facet's values (:func:`read_entries`), read in bulk
as plain values. :mod:`.indexing` decides when.
"""

from __future__ import annotations

from typing import Any

from django.db.models import ManyToManyField

from chancery.corpus.models import (
    Agent,
    Collection,
    Document,
    Place,
    Subject,
    Transcript,
    Translation,
)
from chancery.corpus.sanitize import html_to_text
from chancery.ocr.models import MachineText

from .backends.base import IndexEntry
from .facets import FACETS
from .snippets import shown_texts


def _pairs(relation: str, pks: list[int]) -> dict[int, list[Any]]:
    """{document pk: [related pks]} of one many-to-many relation, in one query (a related
    pk is a number, or a language's code)."""
    field = Document._meta.get_field(relation)
    if not isinstance(field, ManyToManyField):
        raise TypeError(f"Document.{relation} is not a many-to-many field")
    through = field.remote_field.through
    if through is None:
        raise TypeError(f"Document.{relation} has no through model yet")
    target = field.m2m_reverse_field_name()
    rows = through._default_manager.filter(document_id__in=pks).values_list(
        "document_id", f"{target}_id"
    )
    out: dict[int, list[Any]] = {}
    for document, related in rows.order_by("pk"):
        out.setdefault(document, []).append(related)
    return out


def _levels(pairs: dict[int, list[int]]) -> dict[int, list[list[int]]]:
    """{document pk: [[its collections at depth 0], [at depth 1], …]}: each of its
    collections and every collection above them, at its depth in the tree (one query)."""
    pks = {pk for ids in pairs.values() for pk in ids}
    paths = dict(Collection.objects.filter(pk__in=pks).values_list("pk", "path"))

    def chain(pk: int) -> list[int]:
        return [int(p) for p in paths.get(pk, "").strip("/").split("/") if p] or [pk]

    out = {}
    for doc, ids in pairs.items():
        levels: list[set[int]] = []
        for pk in ids:
            for depth, collection in enumerate(chain(pk)):
                if depth == len(levels):
                    levels.append(set())
                levels[depth].add(collection)
        out[doc] = [sorted(level) for level in levels]
    return out


def _texts(model, pks: list[int]) -> dict[int, list[tuple[str, str | None, str]]]:
    """{pk: [(plain text, language, html)]} of the documents' translations or transcripts."""
    rows = model.objects.filter(document_id__in=pks).order_by("document_id", "position", "id")
    out: dict[int, list[tuple[str, str | None, str]]] = {}
    for document, html, language in rows.values_list("document_id", "html", "language_id"):
        out.setdefault(document, []).append((html_to_text(html), language, html))
    return out


def machine_pages(pks: list[int]) -> dict[int, list[str]]:
    """{document pk: the machine-read text of its scans, page by page} (one query).
    A page an editor corrected is left out once its transcript is in (ocr/correction.py)."""
    rows = (
        MachineText.objects.filter(scan__document_id__in=pks, transcript=None)
        .exclude(text="")
        .order_by("scan__document_id", "scan__position", "scan_id", "page")
        .values_list("scan__document_id", "text")
    )
    out: dict[int, list[str]] = {}
    for document, text in rows:
        out.setdefault(document, []).append(text)
    return out


def machine_texts(pks: list[int]) -> dict[int, str]:
    """{document pk: the machine-read text of its scans, page after page} (one query)."""
    return {pk: "\n".join(pages) for pk, pages in machine_pages(pks).items()}


def read_entries(pks: list[int], facts: bool = False) -> tuple[list[IndexEntry], dict]:
    """What the index needs of these documents (the published ones), read as plain values in
    a dozen queries per chunk: no model instances, which cost more than the texts at scale.

    With ``facts``, each entry also carries every facet's values by facet name (record
    pks; the decade), ``agent`` (the people, creators and contributors ``person:``
    finds), ``transcript_languages``, the dates and ``stamp`` (the last change).

    Returns the entries and the people and places they name (for the variants table).
    """
    columns = ["pk", "title", "summary", "doc_type_id", "date_earliest", "date_latest", "decade"]
    documents = list(
        Document.objects.published()
        .filter(pk__in=pks)
        .order_by()
        .values_list(*columns, "updated_at")
    )
    found = [row[0] for row in documents]
    relations = {"people", "creators", "places", "subjects", "languages"}
    if facts:
        relations |= {"contributors"} | {s.relation for s in FACETS.values() if s.many}
    related = {name: _pairs(name, found) for name in sorted(relations)}
    levels: dict[int, list[list[int]]] = {}
    if facts:  # a collection's facet value and filter cover its subtree: index the ancestors
        relation = FACETS["collection"].relation
        levels = _levels(related[relation])
        related[relation] = {
            doc: sorted({pk for level in by_depth for pk in level})
            for doc, by_depth in levels.items()
        }
    agent_ids = {
        a for name in ("people", "creators") for ids in related[name].values() for a in ids
    }
    place_ids = {p for ids in related["places"].values() for p in ids}
    subject_ids = {s for ids in related["subjects"].values() for s in ids}
    names = {
        "agent": dict(Agent.objects.filter(pk__in=agent_ids).values_list("pk", "name")),
        "place": dict(Place.objects.filter(pk__in=place_ids).values_list("pk", "name")),
        "subject": dict(Subject.objects.filter(pk__in=subject_ids).values_list("pk", "name")),
    }
    translations, transcripts = _texts(Translation, found), _texts(Transcript, found)
    pages = machine_pages(found)
    machine = {pk: "\n".join(texts) for pk, texts in pages.items()}
    entries = []
    for pk, title, summary, doc_type, earliest, latest, decade, updated in documents:
        translation = " ".join(text for text, _, _ in translations.get(pk, []))
        transcript = " ".join(text for text, _, _ in transcripts.get(pk, []))
        named = [names["agent"][a] for a in related["people"].get(pk, [])]
        named += [names["agent"][a] for a in related["creators"].get(pk, [])]
        named += [names["place"][p] for p in related["places"].get(pk, [])]
        named += [names["subject"][s] for s in related["subjects"].get(pk, [])]
        entry = IndexEntry(
            pk=pk,
            title=title,
            summary=html_to_text(summary),
            body=f"{translation} {transcript}".strip(),
            names=" · ".join(named),
            languages=related["languages"].get(pk, []),
            translation=translation,
            transcript=transcript,
            machine=machine.get(pk, ""),
        )
        entry.shown = shown_texts(
            [html for _, _, html in translations.get(pk, [])],
            [html for _, _, html in transcripts.get(pk, [])],
            pages.get(pk, []),
        )
        if facts:
            single = {"doc_type": doc_type, "decade": decade}
            entry.facts = {
                name: related[spec.relation].get(pk, []) if spec.many else single[spec.relation]
                for name, spec in FACETS.items()
            }
            people = [*related["people"].get(pk, []), *related["creators"].get(pk, [])]
            entry.facts |= {
                "stamp": int(updated.timestamp()) if updated else 0,
                "agent": {*people, *related["contributors"].get(pk, [])},
                "transcript_languages": {lang for _, lang, _ in transcripts.get(pk, []) if lang},
                "earliest": earliest,
                "latest": latest,
                "collection_levels": levels.get(pk, []),
            }
        entries.append(entry)
    return entries, {"agents": agent_ids, "places": place_ids}
