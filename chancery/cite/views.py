"""Citation downloads: BibTeX, RIS and CSL-JSON of one published document."""

from __future__ import annotations

import json

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from chancery.corpus import models

from . import csl, formats


def _record(request, public_id: str) -> csl.Record:
    documents = models.Document.objects.select_related("doc_type").prefetch_related(
        *csl.CITATION_PREFETCH,
        Prefetch("membership_set", queryset=models.Membership.objects.select_related("collection")),
    )
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


@require_GET
def bibtex(request, public_id: str):
    item = csl.item(_record(request, public_id))
    key = formats.citation_key(item)
    return _download(formats.bibtex(item), "application/x-bibtex", f"{key}.bib", True)


@require_GET
def ris(request, public_id: str):
    item = csl.item(_record(request, public_id))
    key = formats.citation_key(item)
    return _download(formats.ris(item), "application/x-research-info-systems", f"{key}.ris", True)


@require_GET
def csl_json(request, public_id: str):
    item = csl.item(_record(request, public_id))
    body = json.dumps([item], ensure_ascii=False, indent=2)
    key = formats.citation_key(item)
    return _download(body, "application/vnd.citationstyles.csl+json", f"{key}.json", False)
