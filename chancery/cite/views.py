"""Citation downloads: BibTeX, RIS and CSL-JSON of one published document."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from chancery.corpus import models

from . import csl, formats


def _record(request, public_id: str) -> csl.Record:
    documents = models.Document.objects.with_descriptions().prefetch_related(*csl.CITATION_PREFETCH)
    if not (request.user.is_authenticated and request.user.is_staff):
        documents = documents.published()
    doc = get_object_or_404(documents, public_id=public_id)
    return csl.record_for(
        doc,
        request.build_absolute_uri(doc.get_absolute_url()),
        [m.collection for m in doc.membership_set.all()],
        doc.repositories.all(),
    )


def _download(body: str, content_type: str, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _item(request, public_id: str) -> dict:
    """The document's item, or one printed page's (``?page=16``, a page marker of it)."""
    record = _record(request, public_id)
    page = request.GET.get("page", "")
    if page and page not in csl.printed_pages(record.document):
        raise BadPage(f"page: the document has no printed page {page!r}.")
    return csl.item(record, page)


class BadPage(ValueError):
    pass


def _csl_json(item: dict) -> str:
    return json.dumps([item], ensure_ascii=False, indent=2)


def _citation(render: Callable[[dict], str], content_type: str, extension: str, attachment: bool):
    """The view answering one format: the document's item rendered, named by its key."""

    @require_GET
    def view(request, public_id: str) -> HttpResponse:
        try:
            item = _item(request, public_id)
        except BadPage as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        filename = f"{formats.citation_key(item)}.{extension}"
        return _download(render(item), content_type, filename, attachment)

    return view


bibtex = _citation(formats.bibtex, "application/x-bibtex", "bib", True)
ris = _citation(formats.ris, "application/x-research-info-systems", "ris", True)
csl_json = _citation(_csl_json, "application/vnd.citationstyles.csl+json", "json", False)
