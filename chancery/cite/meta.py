"""What record pages embed for machines: Highwire Press ``citation_*`` meta tags (read by
Zotero and Google Scholar), a few Dublin Core tags, and schema.org JSON-LD."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from chancery.corpus.models import Agent

from .csl import Record

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _slashed(item: dict) -> str | None:
    """The date as Highwire wants it: 1958/09/27, 1958/09 or 1958 (first day of a range)."""
    parts = (item.get("issued") or {}).get("date-parts")
    if not parts:
        return None
    return "/".join([f"{parts[0][0]:04d}"] + [f"{p:02d}" for p in parts[0][1:]])


def highwire(record: Record, item: dict, pdf_urls: list[str]) -> list[tuple[str, str]]:
    doc = record.document
    tags = [("citation_title", doc.title)]
    tags += [("citation_author", a.name) for a in record.creators]
    if date := _slashed(item):
        tags += [("citation_publication_date", date), ("citation_date", date)]
    if doc.published_at:
        tags.append(("citation_online_date", doc.published_at.strftime("%Y/%m/%d")))
    if record.edition is not None:  # printed in a volume: Highwire's book-chapter tags
        tags.append(("citation_inbook_title", record.edition.title))
        tags += [("citation_editor", e) for e in record.edition.editor_names]
        if doc.page_start:
            tags.append(("citation_firstpage", doc.page_start))
            tags.append(("citation_lastpage", doc.page_end or doc.page_start))
        if record.edition.publisher:
            tags.append(("citation_publisher", record.edition.publisher))
    else:
        tags.append(("citation_publisher", record.site_name))
    tags += [("citation_archive", r.name) for r in record.repositories]
    if doc.source:
        tags.append(("citation_archive_location", doc.source))
    if record.collections:
        tags.append(("citation_series_title", record.collections[0].title))
    if item.get("language"):
        tags.append(("citation_language", item["language"]))
    keywords = [s.name for s in doc.subjects.all()]
    if keywords:
        tags.append(("citation_keywords", "; ".join(keywords)))
    if doc.summary:
        tags.append(("citation_abstract", doc.summary))
    tags += [("citation_pdf_url", url) for url in pdf_urls[:1]]
    tags += [("citation_public_url", record.url), ("citation_abstract_html_url", record.url)]
    # Dublin Core, for tools that read DC.* rather than Highwire.
    tags += [("DC.title", doc.title), ("DC.identifier", record.url)]
    if doc.date:
        tags.append(("DC.date", doc.date))
    if doc.doc_type:
        tags.append(("DC.type", doc.doc_type.name))
    if doc.source:
        tags.append(("DC.source", doc.source))
    tags += [("DC.relation.isPartOf", c.title) for c in record.collections]
    tags.append(("DC.publisher", record.site_name))
    return tags


def _when(doc) -> str | None:
    """An ISO 8601 date or interval for schema.org (EDTF qualifiers dropped)."""
    if not doc.date_earliest:
        return None
    plain = doc.date.rstrip("~?%")
    if plain and all(ch.isdigit() or ch in "-/" for ch in plain) and ".." not in plain:
        return plain
    if doc.date_earliest == doc.date_latest:
        return doc.date_earliest.isoformat()
    return f"{doc.date_earliest.isoformat()}/{doc.date_latest.isoformat()}"


def _agent(agent: Agent, absolute) -> dict:
    kind = "Person" if agent.kind == Agent.PERSON else "Organization"
    return {"@type": kind, "name": agent.name, "url": absolute(agent.get_absolute_url())}


def json_ld(record: Record, absolute) -> dict:
    """A schema.org ArchiveComponent; ``absolute`` turns a path into a full URL."""
    doc = record.document
    data: dict = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": record.url,
        "url": record.url,
        "identifier": doc.public_id,
        "name": doc.title,
        "publisher": {"@type": "Organization", "name": record.site_name, "url": absolute("/")},
    }
    if doc.summary:
        data["description"] = doc.summary
    if when := _when(doc):
        data["dateCreated"] = when
        data["temporalCoverage"] = when
    if doc.published_at:
        data["datePublished"] = doc.published_at.date().isoformat()
    if doc.doc_type:
        data["genre"] = doc.doc_type.name
    if record.creators:
        data["creator"] = [_agent(a, absolute) for a in record.creators]
    if record.collections:
        data["isPartOf"] = [
            {"@type": "Collection", "name": c.title, "url": absolute(c.get_absolute_url())}
            for c in record.collections
        ]
    if record.repositories:
        data["holdingArchive"] = [
            {
                "@type": "ArchiveOrganization",
                "name": r.name,
                "url": r.url or absolute(r.get_absolute_url()),
                **({"address": r.location} if r.location else {}),
            }
            for r in record.repositories
        ]
    subjects = [{"@type": "Thing", "name": s.name} for s in doc.subjects.all()]
    if subjects:
        data["about"] = subjects
    places = [{"@type": "Place", "name": p.name} for p in doc.places.all()]
    if places:
        data["spatialCoverage"] = places
    languages = [lang.bcp47 for lang in doc.languages.all()]
    if languages:
        data["inLanguage"] = languages
    if doc.rights:
        data["license"] = doc.rights.url or doc.rights.name
    return data


def json_ld_script_body(data: dict) -> SafeString:
    """JSON safe to place inside <script type="application/ld+json">."""
    # <, > and & escaped: the JSON cannot close its <script type="application/ld+json">
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308
