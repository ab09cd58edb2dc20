"""The JSON shapes of API v1. Field names here are a public contract: add, never rename.

``openapi.py`` describes each shape; a test checks the two agree.
"""

from __future__ import annotations

from django.urls import reverse


def iso(value) -> str | None:
    return value.isoformat() if value else None


def api_url(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", args=args))


def ref(request, item, kind: str) -> dict:
    """A link to an authority: subject, place, person or repository."""
    return {
        "slug": item.slug,
        "name": item.name,
        "api_url": api_url(request, kind, item.slug),
    }


def _link(request, view: str, key: str, value: str, title: str) -> dict:
    """A link to one resource: its key (``id`` or ``slug``), title and API URL."""
    return {key: value, "title": title, "api_url": api_url(request, view, value)}


def doc_ref(request, doc) -> dict:
    return _link(request, "document", "id", doc.public_id, doc.title)


def dated_and_typed(doc) -> dict:
    """A document's date (as written, as shown, its bounds) and type, as every JSON shape
    of a document gives them: API v1, its search hits and the exports."""
    return {
        "date": doc.date or None,
        "date_display": doc.date_display or None,
        "date_earliest": iso(doc.date_earliest),
        "date_latest": iso(doc.date_latest),
        "type": doc.doc_type.name if doc.doc_type else None,
    }


def document_summary(request, doc) -> dict:
    return {
        "id": doc.public_id,
        "title": doc.title,
        "summary": doc.summary,
        **dated_and_typed(doc),
        "url": request.build_absolute_uri(doc.get_absolute_url()),
        "api_url": api_url(request, "document", doc.public_id),
        "published_at": iso(doc.published_at),
        "updated_at": iso(doc.updated_at),
    }


def _language(lang) -> dict | None:
    return {"code": lang.code, "name": lang.name} if lang else None


def _text(request, asset) -> dict:
    return {
        "id": asset.pk,
        "label": asset.label,
        "language": _language(asset.language),
        "html": asset.html,
        "file": request.build_absolute_uri(asset.file.url) if asset.file else None,
    }


def _scan(request, scan) -> dict:
    return {
        "id": scan.pk,
        "label": scan.label,
        "file": request.build_absolute_uri(scan.file.url),
        "is_image": scan.is_image,
    }


def document(request, doc, collections) -> dict:
    rights = doc.rights
    attached_to = doc.attached_to if doc.attached_to and doc.attached_to.is_published else None
    return {
        **document_summary(request, doc),
        "date_approximate": doc.date_approximate,
        "source": doc.source,
        "rights": {"name": rights.name, "text": rights.text, "url": rights.url or None}
        if rights
        else None,
        "classifications": [c.name for c in doc.classifications.all()],
        "donors": [d.name for d in doc.donors.all()],
        "publishers": [p.name for p in doc.publishers.all()],
        "languages": [_language(lang) for lang in doc.languages.all()],
        "subjects": [ref(request, s, "subject") for s in doc.subjects.all()],
        "places": [ref(request, p, "place") for p in doc.places.all()],
        "creators": [ref(request, a, "person") for a in doc.creators.all()],
        "contributors": [ref(request, a, "person") for a in doc.contributors.all()],
        "people": [ref(request, a, "person") for a in doc.people.all()],
        "repositories": [ref(request, r, "repository") for r in doc.repositories.all()],
        "collections": [collection_ref(request, c) for c in collections],
        "translations": [_text(request, t) for t in doc.translations.all()],
        "transcripts": [_text(request, t) for t in doc.transcripts.all()],
        "scans": [_scan(request, s) for s in doc.scans.all()],
        "related": [doc_ref(request, d) for d in doc.related.all()],
        "attachments": [doc_ref(request, d) for d in doc.attachments.all()],
        "attached_to": doc_ref(request, attached_to) if attached_to else None,
    }


def collection_ref(request, coll) -> dict:
    return _link(request, "collection", "slug", coll.slug, coll.title)


def collection(request, coll) -> dict:
    return {
        **collection_ref(request, coll),
        "short_description": coll.short_description,
        "parent": coll.parent.slug if coll.parent_id and coll.parent else None,
        "position": coll.position,
        "featured": coll.featured,
        "documents_count": coll.total,  # the whole subtree's (corpus/hierarchy.py)
        "children_count": coll.n_children,
        **{name: getattr(coll, name) for name in COLLECTION_DESCRIPTION},
        "url": request.build_absolute_uri(coll.get_absolute_url()),
        "updated_at": iso(coll.updated_at),
    }


#: A collection's archival description, as the API shows it (strings, empty when unknown).
COLLECTION_DESCRIPTION = (
    "level", "identifier", "printed_title", "short_title", "dates", "extent", "scope_content",
    "arrangement", "finding_aid_url",
)  # fmt: skip


def authority(request, item, kind: str) -> dict:
    """One subject, place, person or repository as a list row."""
    data = {
        **ref(request, item, kind),
        "documents_count": item.n,
        "url": request.build_absolute_uri(item.get_absolute_url()),
    }
    if kind == "subject":
        data["description"] = item.description
    elif kind == "place":
        data["parent"] = item.parent.slug if item.parent_id and item.parent else None
        data["latitude"] = float(item.latitude) if item.latitude is not None else None
        data["longitude"] = float(item.longitude) if item.longitude is not None else None
        data["geonames"] = item.geonames or None
    elif kind == "person":
        data["kind"] = item.kind
        data["dates"] = item.dates or None
        data["description"] = item.description
    elif kind == "repository":
        data["location"] = item.location
        data["website"] = item.url or None
    return data


def relations(request, related: list) -> list[dict]:
    """A person's or organisation's relations (``corpus.relations.related``), each from
    its side: ``relation_type`` (EAC-CPF cpfRelationType) is what ``other`` is to it."""
    return [
        {
            "relation_type": r.relation_type,
            "relation": r.phrase,
            "other": ref(request, r.other, "person"),
            "dates": r.dates,
            "description": r.description,
            "source": r.source,
        }  # fmt: skip
        for r in related
    ]


def variants(item) -> list[dict]:
    return [{"name": v.name, "note": v.note} for v in item.variants.all()]
