"""IIIF Presentation 3 documents (plain dicts) for documents and collections.

Built by hand rather than with iiif-prezi3 so serving needs no extra library; the tests load
every document we make into iiif-prezi3's models to prove it is valid.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from chancery.corpus.models import Collection, Document

from . import sources, text

CONTEXT = "http://iiif.io/api/presentation/3/context.json"


def _lang(text: str, lang: str = "en") -> dict:
    return {lang: [text]}


def _pair(label: str, values: list[str]) -> dict:
    return {"label": _lang(label), "value": {"none": values}}


def _metadata(doc: Document, collections: list[Collection]) -> list[dict]:
    rows = [_pair("Identifier", [doc.public_id])]
    if doc.date_display:
        rows.append(_pair("Date", [doc.date_display]))
    if doc.doc_type:
        rows.append(_pair("Type", [doc.doc_type.name]))
    for label, items in (
        ("Creator", doc.creators.all()),
        ("Contributor", doc.contributors.all()),
        ("Subject", doc.subjects.all()),
        ("Place", doc.places.all()),
        ("Language", doc.languages.all()),
        ("Repository", doc.repositories.all()),
    ):
        names = [item.name for item in items]
        if names:
            rows.append(_pair(label, names))
    if collections:
        rows.append(_pair("Collection", [c.title for c in collections]))
    if doc.source:
        rows.append(_pair("Source", [doc.source]))
    if doc.rights:
        rows.append(_pair("Rights", [doc.rights.text or doc.rights.name]))
    return rows


def collection_url(request, collection: Collection) -> str:
    return request.build_absolute_uri(reverse("iiif:collection", args=[collection.slug]))


def manifest_url(request, doc: Document) -> str:
    return request.build_absolute_uri(reverse("iiif:manifest", args=[doc.public_id]))


def image_base(request, page: sources.Page) -> str:
    return request.build_absolute_uri(reverse("iiif:image-base", args=[page.identifier]))


def _image_body(request, page: sources.Page, size: str = "max") -> dict:
    base = image_base(request, page)
    body: dict[str, object] = {
        "id": f"{base}/full/{size}/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "service": [{"id": base, "type": "ImageService3", "profile": "level1"}],
    }
    if size == "max":
        body.update(width=page.width, height=page.height)
    return body


def _canvases(request, doc: Document, manifest_id: str) -> list[dict]:
    canvases: list[dict] = []
    read = text.read_pages(doc)
    for scan in doc.scans.all():
        scan_pages = sources.pages(scan)
        for page in scan_pages:
            n = len(canvases) + 1
            canvas_id = text.canvas_id(manifest_id.removesuffix("/manifest.json"), n)
            label = scan.label or ("Scan" if not sources.is_pdf(scan) else "PDF")
            if len(scan_pages) > 1:
                label = f"{label}, page {page.number}"
            canvas = {
                "id": canvas_id,
                "type": "Canvas",
                "label": _lang(label),
                "width": page.width,
                "height": page.height,
                "thumbnail": [_image_body(request, page, "200,")],
                "items": [
                    {
                        "id": f"{canvas_id}/page",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": f"{canvas_id}/page/image",
                                "type": "Annotation",
                                "motivation": "painting",
                                "target": canvas_id,
                                "body": _image_body(request, page),
                            }
                        ],
                    }
                ],
            }
            if (scan.pk, page.number) in read:
                # The machine-read lines, as W3C annotations on the canvas (chancery/ocr).
                canvas["annotations"] = [
                    {
                        "id": text.text_page_url(request, doc, n),
                        "type": "AnnotationPage",
                        "label": _lang("Machine-read text"),
                    }
                ]
            if sources.is_pdf(scan):
                canvas["rendering"] = [
                    {
                        "id": request.build_absolute_uri(scan.file.url),
                        "type": "Text",
                        "label": _lang("Download the PDF"),
                        "format": "application/pdf",
                    }
                ]
            canvases.append(canvas)
    return canvases


def document_manifest(request, doc: Document) -> dict | None:
    """The manifest of a document, or None when it has no scan we can show."""
    manifest_id = manifest_url(request, doc)
    items = _canvases(request, doc, manifest_id)
    if not items:
        return None
    collections = [m.collection for m in doc.membership_set.all()]
    site = request.build_absolute_uri("/")
    manifest = {
        "@context": CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": _lang(doc.title),
        "metadata": _metadata(doc, collections),
        "requiredStatement": {
            "label": _lang("Attribution"),
            "value": _lang(_attribution(doc)),
        },
        "provider": [
            {
                "id": site,
                "type": "Agent",
                "label": _lang(settings.SITE_NAME),
                "homepage": [
                    {"id": site, "type": "Text", "label": _lang(settings.SITE_NAME),
                     "format": "text/html"}
                ],
            }
        ],
        "homepage": [
            {
                "id": request.build_absolute_uri(doc.get_absolute_url()),
                "type": "Text",
                "label": _lang(doc.title),
                "format": "text/html",
            }
        ],
        "seeAlso": [
            {
                "id": request.build_absolute_uri(reverse("cite:csl-json", args=[doc.public_id])),
                "type": "Dataset",
                "label": _lang("Citation data (CSL-JSON)"),
                "format": "application/vnd.citationstyles.csl+json",
            }
        ],
        "thumbnail": items[0]["thumbnail"],
        "items": items,
    }  # fmt: skip
    if any("annotations" in canvas for canvas in items):
        manifest["service"] = [{"id": text.search_url(request, doc), "type": "SearchService2"}]
    if doc.summary:
        manifest["summary"] = _lang(doc.summary)
    if doc.rights and doc.rights.url.startswith(("http://", "https://")):
        manifest["rights"] = doc.rights.url
    if doc.date_earliest:
        manifest["navDate"] = f"{doc.date_earliest.isoformat()}T00:00:00Z"
    if collections:
        manifest["partOf"] = [
            {"id": collection_url(request, c), "type": "Collection", "label": _lang(c.title)}
            for c in collections
        ]
    return manifest


def _attribution(doc: Document) -> str:
    held = "; ".join(r.name for r in doc.repositories.all())
    text = f"{settings.SITE_NAME}"
    if held:
        text += f"; original held by {held}"
    if doc.rights:
        text += f". {doc.rights.name}"
    return text


def collection_manifest(request, collection: Collection, children, documents) -> dict:
    """A IIIF Collection: its sub-collections, then the manifests of its scanned documents."""
    items = [
        {"id": collection_url(request, c), "type": "Collection", "label": _lang(c.title)}
        for c in children
    ]
    items += [
        {"id": manifest_url(request, d), "type": "Manifest", "label": _lang(d.title)}
        for d in documents
    ]
    data = {
        "@context": CONTEXT,
        "id": collection_url(request, collection),
        "type": "Collection",
        "label": _lang(collection.title),
        "homepage": [
            {
                "id": request.build_absolute_uri(collection.get_absolute_url()),
                "type": "Text",
                "label": _lang(collection.title),
                "format": "text/html",
            }
        ],
        "items": items,
    }
    if collection.short_description:
        data["summary"] = _lang(collection.short_description)
    if collection.parent:
        data["partOf"] = [
            {
                "id": collection_url(request, collection.parent),
                "type": "Collection",
                "label": _lang(collection.parent.title),
            }
        ]
    return data


def top_collection(request, collections) -> dict:
    """All top-level collections, as one IIIF Collection (an entry point for harvesters)."""
    return {
        "@context": CONTEXT,
        "id": request.build_absolute_uri(reverse("iiif:collections")),
        "type": "Collection",
        "label": _lang(settings.SITE_NAME),
        "items": [
            {"id": collection_url(request, c), "type": "Collection", "label": _lang(c.title)}
            for c in collections
        ],
    }
