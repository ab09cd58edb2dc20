"""IIIF endpoints. Only published documents (or any, for staff) have manifests and images."""

from __future__ import annotations

import json

from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET
from PIL import Image
from PIL.Image import DecompressionBombError, UnidentifiedImageError

from chancery.corpus import models
from chancery.corpus.visibility import public

from . import cache, imageapi, manifests, sources, text, tiles

PRESENTATION = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
IMAGE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
SEARCH = 'application/ld+json;profile="http://iiif.io/api/search/2/context.json"'


def _json(data: dict, content_type: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type=content_type, status=status
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _visible(request):
    documents = models.Document.objects.all()
    if not (request.user.is_authenticated and request.user.is_staff):
        documents = documents.published()
    return documents


@require_GET
def manifest(request, public_id: str):
    documents = _visible(request).with_descriptions().prefetch_related("scans")
    doc = get_object_or_404(documents, public_id=public_id)
    data = manifests.document_manifest(request, doc)
    if data is None:
        raise Http404("This document has no scans.")
    return _json(data, PRESENTATION)


@require_GET
def canvas_text(request, public_id: str, n: int):
    """The machine-read lines of canvas ``n``, as an AnnotationPage."""
    doc = get_object_or_404(_visible(request).prefetch_related("scans"), public_id=public_id)
    for number, scan, page in text.canvas_pages(doc):
        if number == n:
            found = scan.machine_texts.filter(page=page.number).first()
            if found is None:
                break
            return _json(text.text_page(request, doc, n, found), PRESENTATION)
    raise Http404("This canvas has no machine-read text.")


@require_GET
def search(request, public_id: str):
    """IIIF Content Search 2.0 within one document's machine-read text (``?q=``)."""
    doc = get_object_or_404(_visible(request).prefetch_related("scans"), public_id=public_id)
    q = request.GET.get("q", "")
    if not text.query_words(q):
        return _error("Give the words to find: ?q=word (Content Search 2.0).", 400)
    unsupported = sorted({"motivation", "date", "user"} & set(request.GET))
    if unsupported:
        return _error(f"Not supported here: {', '.join(unsupported)} (only q is).", 400)
    return _json(text.content_search(request, doc, q), SEARCH)


@require_GET
def collection(request, slug: str):
    coll = get_object_or_404(public(models.Collection).select_related("parent"), slug=slug)
    children = public(models.Collection).filter(parent=coll).order_by("position", "title")
    scanned = Exists(models.Scan.objects.filter(document=OuterRef("document")))
    members = (
        models.Membership.objects.filter(collection=coll, document__in=_visible(request))
        .filter(scanned)
        .select_related("document")
        .order_by("position", "id")
    )
    documents = [m.document for m in members]
    return _json(manifests.collection_manifest(request, coll, children, documents), PRESENTATION)


@require_GET
def collections(request):
    roots = public(models.Collection).filter(parent=None).order_by("position", "title")
    return _json(manifests.top_collection(request, roots), PRESENTATION)


def _page(request, identifier: str) -> tuple[models.Scan, sources.Page]:
    scan_id, _, number = identifier.partition("-")
    if not (scan_id.isdigit() and number.isdigit()):
        raise Http404("Image identifiers look like <scan>-<page>.")
    scan = get_object_or_404(
        models.Scan.objects.select_related("document"),
        pk=int(scan_id),
        document__in=_visible(request),
    )
    page = next((p for p in sources.pages(scan) if p.number == int(number)), None)
    if page is None:
        raise Http404("No such page.")
    return scan, page


@require_GET
def image_base(request, identifier: str):
    """The base URI redirects to the image information (Image API 3, section 2.2)."""
    response = HttpResponseRedirect(reverse("iiif:image-info", args=[identifier]))
    response.status_code = 303
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def image_info(request, identifier: str):
    scan, page = _page(request, identifier)
    base = request.build_absolute_uri(reverse("iiif:image-base", args=[identifier]))
    accept = request.headers.get("Accept", "")
    content_type = IMAGE if "application/ld+json" in accept else "application/json"
    jpeg = _is_jpeg(scan)
    response = _json(imageapi.info(base, page.width, page.height, jpeg), content_type)
    response["Link"] = '<http://iiif.io/api/image/3/level1.json>;rel="profile"'
    return response


def _is_jpeg(scan: models.Scan) -> bool:
    """Whether the scan is a JPEG (decodable at reduced scale); reads its header only."""
    if sources.is_pdf(scan):
        return False  # pages rendered from a PDF are PNG
    try:
        with Image.open(sources.page_image_path(scan, 1)) as source:
            return source.format == "JPEG"
    except (sources.SourceMissing, UnidentifiedImageError, OSError, DecompressionBombError):
        return False


@require_GET
def image(request, identifier, region, size, rotation, quality, fmt):
    scan, page = _page(request, identifier)
    try:
        wanted = imageapi.parse(region, size, rotation, quality, fmt, page.width, page.height)
        handle = _open_derivative(scan, page, wanted)
    except imageapi.ImageRequestError as exc:
        return _error(str(exc), exc.status)
    except (sources.SourceMissing, UnidentifiedImageError, OSError, DecompressionBombError) as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(handle, content_type=wanted.media_type)
    response["Access-Control-Allow-Origin"] = "*"
    # A draft's image (seen by staff only) must not stay in a shared cache.
    public = scan.document.is_published
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["Link"] = '<http://iiif.io/api/image/3/level1.json>;rel="profile"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _open_derivative(scan, page, wanted):
    """The derivative, opened; made again once if another worker evicted it meanwhile."""
    try:
        return open(_derivative(scan, page, wanted), "rb")  # noqa: SIM115 - FileResponse closes
    except FileNotFoundError:
        return open(_derivative(scan, page, wanted), "rb")  # noqa: SIM115


def _derivative(scan: models.Scan, page: sources.Page, wanted: imageapi.ImageRequest):
    """The cached file of ``wanted``, made if absent (ImageRequestError: too costly)."""
    folder = sources.derived_dir(scan) / "cache"
    target = folder / f"{page.number}-{wanted.cache_name}"
    if target.exists():
        cache.touch(target)
        return target
    path = sources.page_image_path(scan, page.number)
    with imageapi.open_source(path) as source:
        imageapi.prepare(source, wanted)  # refuses work above the bounds, before decoding
        if tiles.is_full_resolution_tile(wanted, page.width, page.height):
            tiles.cut_all(
                (scan.pk, page.number),
                path,
                lambda request: folder / f"{page.number}-{request.cache_name}",
                sources.write_atomic,
            )
            if target.exists():
                return target
        result = imageapi.render(source, wanted)
    pil_format = imageapi.FORMATS[wanted.format][0]
    sources.write_atomic(target, lambda tmp: result.save(tmp, format=pil_format, quality=85))
    return target
