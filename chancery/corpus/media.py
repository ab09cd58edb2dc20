"""Stored files served to readers: only while their document is public, never as a page.

``/media/<name>`` answers only for a name a scan, a text or a collection stores, and only
while its document is published (staff also see drafts); anything else under the media
folder (IIIF derivatives, stray files, old names) is a 404. :func:`file_response` makes
every answer that hands out a stored file (``/media/``, ``/srv/media_files/``,
``/srv/translations/…pdf``) safe to open from the site's origin:

- the content type is the one the file's bytes show (:func:`chancery.corpus.uploads.sniff`),
  never the name's: an image or PDF is ``inline``, anything else (a file stored before
  uploads were checked) ``application/octet-stream`` and an ``attachment``;
- ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy: default-src 'none';
  sandbox``, so even a file that holds HTML runs nothing;
- with ``CHANCERY_MEDIA_ACCEL_PREFIX`` set the body is left to nginx (``X-Accel-Redirect`` to
  an ``internal`` location, docs/deploy.md) with the same headers.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from . import models, uploads

FILE_CSP = "default-src 'none'; sandbox"
DOWNLOAD = "application/octet-stream"


def can_see(request, document: models.Document | None) -> bool:
    """Whether ``request`` may have the files of ``document`` (None: a collection's)."""
    if document is None or document.is_published:
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff)


def _owner(name: str):
    """The row storing ``name`` and its document (None for a collection), or Http404."""
    for model in (models.Scan, models.Translation, models.Transcript):
        asset = model.objects.select_related("document").filter(file=name).first()
        if asset is not None:
            return asset.file, asset.document
    collection = models.Collection.objects.filter(image=name).first()
    if collection is not None and collection.image:
        return collection.image, None
    raise Http404("No such file.")


@require_safe
def serve(request, path: str):
    """``/media/<path>``: a stored file, under the rules above."""
    if not path or ".." in PurePosixPath(path).parts or path.startswith("/"):
        raise Http404("No such file.")
    field_file, document = _owner(path)
    if not can_see(request, document):
        raise Http404("No such file.")
    return file_response(
        field_file,
        download_name=_download_name(field_file, document),
        public=document is None or document.is_published,
    )


def _download_name(field_file: FieldFile, document: models.Document | None) -> str:
    instance = field_file.instance
    stem = getattr(instance, "label", "") or (document.public_id if document else "")
    stem = stem or getattr(instance, "title", "") or "file"
    return slugify(stem.replace("/", "-"))[:80] or "file"


def file_response(
    field_file: FieldFile, download_name: str = "file", public: bool = True
) -> HttpResponseBase:
    """A stored file with a type from its bytes, a safe disposition and no way to run."""
    storage, name = field_file.storage, field_file.name
    if not name:
        raise Http404("The file is missing.")
    try:
        handle = storage.open(name, "rb")
        kind = uploads.sniff(handle.read(uploads.HEAD))
        handle.seek(0)
        size = storage.size(name)
    except (OSError, ValueError) as exc:
        raise Http404("The file is missing.") from exc
    if kind is not None:
        content_type, inline = kind.media_type, True
        filename = f"{download_name}.{kind.extension}"
    else:
        content_type, inline = DOWNLOAD, False
        filename = f"{download_name}.bin"
    if settings.MEDIA_ACCEL_PREFIX:
        handle.close()
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(handle, content_type=content_type)
    # Stored names are never reused (the storage picks a free one), so name and size will do.
    tag = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    response["ETag"] = f'"{tag}-{size:x}"'
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # A draft's file (seen by staff) must not stay in a shared cache.
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
