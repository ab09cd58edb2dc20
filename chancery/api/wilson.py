"""Our records in the shapes of the Wilson Center Digital Archive's JSON API.

Field names, value types and ids follow what the ``digitalarchive`` client (0.1.12)
validates: every id is a string, timestamps are ``YYYY-MM-DD HH:MM:SS`` (UTC), dates are
``YYYYMMDD``, counts are strings. A record's id is its public id (it may hold a slash: the
client builds ``/srv/record/<id>.json`` and our route takes the rest of the path);
authorities and assets use their numeric primary keys, which never change; languages use
their ISO 639-2/B code.
"""

from __future__ import annotations

from django.utils.text import slugify

from chancery.corpus import models


def timestamp(value) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def yyyymmdd(value) -> str:
    return value.strftime("%Y%m%d") if value else ""


def uri(model: str, pk) -> str:
    return f"/srv/{model}/{pk}.json"


def authority(model: str, item) -> dict:
    data = {"id": str(item.pk), "name": item.name, "value": item.name, "uri": uri(model, item.pk)}
    if model == "repository":
        data.update(location=item.location, url=item.url or None)
    if model == "contributor":
        data.update(kind=item.kind, dates=item.dates or None)
    return data


def coverage(place, *, parent=None, children=None) -> dict:
    """A place; ``parent`` and ``children`` only on a coverage's own page."""
    data = authority("coverage", place)
    if parent is not None or children is not None:
        data["parent"] = authority("coverage", parent) if parent else []
        data["children"] = [authority("coverage", child) for child in children or []]
    return data


def language(lang) -> dict:
    return {"id": lang.code, "name": lang.name} if lang else {}


def collection_stub(coll) -> dict:
    return {
        "id": str(coll.pk),
        "name": coll.title,
        "value": coll.title,
        "slug": coll.slug,
        "uri": uri("collection", coll.pk),
    }


def collection(coll, no_of_documents: int) -> dict:
    image = coll.image.url if coll.image else None
    return {
        **collection_stub(coll),
        "model": "Collection",
        "short_description": coll.short_description,
        "description": coll.introduction,
        "parent": collection_stub(coll.parent) if coll.parent else None,
        "no_of_documents": str(no_of_documents),
        "main_src": image,
        "thumb_src": image,
        "source_created_at": timestamp(coll.created_at),
        "source_updated_at": timestamp(coll.updated_at),
        "first_published_at": timestamp(coll.created_at),
    }


def record_summary(doc) -> dict:
    """What a search hit carries: enough for the client to build a Document."""
    return {
        "id": doc.public_id,
        "uri": uri("record", doc.public_id),
        "model": "Record",
        "title": doc.title,
        "description": doc.summary,
        "slug": slugify(doc.title)[:80] or "record",
        "doc_date": yyyymmdd(doc.date_earliest),
        "frontend_doc_date": doc.date_display,
        "date_range_start": doc.date_earliest.isoformat() if doc.date_earliest else None,
        "source_created_at": timestamp(doc.created_at),
        "source_updated_at": timestamp(doc.updated_at),
        "first_published_at": timestamp(doc.published_at or doc.created_at),
    }


def _text_asset(kind: str, asset) -> dict:
    if asset.html or not asset.file:
        extension, content_type = "html", "text/html"
    else:
        extension = asset.file.name.rsplit(".", 1)[-1].lower() if "." in asset.file.name else "bin"
        content_type = "application/pdf" if extension == "pdf" else "application/octet-stream"
    prefix = "Translation" if kind == "translations" else "Transcript"
    return {
        "id": str(asset.pk),
        "asset_id": str(asset.pk),
        "filename": f"{prefix}File_{asset.pk}.{extension}",
        "content_type": content_type,
        "extension": extension,
        "url": f"/srv/{kind}/{asset.pk}.{extension}",
        "label": asset.label,
        "language": language(asset.language),
        "source_created_at": timestamp(asset.created_at),
        "source_updated_at": timestamp(asset.updated_at),
    }


def _media_file(scan) -> dict:
    name = scan.file.name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    content_type = "application/pdf" if extension == "pdf" else f"image/{extension}"
    if extension in ("jpg", "jpeg"):
        content_type = "image/jpeg"
    path = f"/srv/media_files/{scan.pk}.{extension}"
    return {
        "id": str(scan.pk),
        "asset_id": str(scan.pk),
        "filename": name.rsplit("/", 1)[-1],
        "content_type": content_type,
        "extension": extension,
        "path": path,
        "url": path,
        "label": scan.label,
        "source_created_at": timestamp(scan.created_at),
        "source_updated_at": timestamp(scan.updated_at),
    }


def record_queryset():
    """Published documents with everything :func:`record` reads, in a fixed number of queries."""
    return models.Document.objects.published().with_record()


def _link(doc) -> dict:
    return {"id": doc.public_id, "title": doc.title, "uri": uri("record", doc.public_id)}


def record(doc) -> dict:
    """The fully hydrated record (``doc`` from :func:`record_queryset`)."""
    people = {a.pk: a for a in [*doc.contributors.all(), *doc.people.all()]}
    rights = doc.rights
    return {
        **record_summary(doc),
        "source": doc.source,
        "type": [{"id": str(doc.doc_type.pk), "name": doc.doc_type.name}] if doc.doc_type else [],
        "rights": {"id": str(rights.pk), "name": rights.name, "rights": rights.text}
        if rights
        else None,
        "classifications": [{"id": str(c.pk), "name": c.name} for c in doc.classifications.all()],
        "donors": [authority("donor", d) for d in doc.donors.all()],
        "subjects": [authority("subject", s) for s in doc.subjects.all()],
        "original_coverages": [coverage(p) for p in doc.places.all()],
        "collections": [collection_stub(m.collection) for m in doc.membership_set.all()],
        "languages": [language(lang) for lang in doc.languages.all()],
        "creators": [authority("contributor", a) for a in doc.creators.all()],
        "contributors": [authority("contributor", a) for a in people.values()],
        "repositories": [authority("repository", r) for r in doc.repositories.all()],
        "publishers": [authority("publisher", p) for p in doc.publishers.all()],
        "links": [_link(d) for d in doc.related.all()],
        "attachments": [_link(d) for d in doc.attachments.all()],
        "translations": [_text_asset("translations", t) for t in doc.translations.all()],
        "transcripts": [_text_asset("transcripts", t) for t in doc.transcripts.all()],
        "media_files": [_media_file(s) for s in doc.scans.all()],
    }
