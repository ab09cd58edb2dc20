"""JSON API, version 1: the search page's twin."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import reverse

from chancery.search.page import BadSearchRequest, SearchPage, build_search_page
from chancery.web.freshness import remember_recent
from chancery.web.reading import add_provenance

from .errors import json_error
from .http import api_view
from .serializers import dated_and_typed


def _hit(request, hit) -> dict:
    doc = hit.document
    provenance = getattr(doc, "provenance", None)  # chancery.web.reading.add_provenance
    return {
        "id": doc.public_id,
        "url": request.build_absolute_uri(doc.get_absolute_url()),
        "title": doc.title,
        **dated_and_typed(doc),
        "summary": doc.summary,
        "title_html": hit.title_html,
        "summary_html": hit.summary_html,
        "snippet_html": hit.snippet_html or None,
        "score": hit.score,
        "document_number": doc.number or None,
        "pages": doc.pages or None,
        "collection_path": [c.title for c in provenance.path] if provenance else [],
    }


def search_payload(request, page: SearchPage) -> dict:
    def absolute(url):
        return request.build_absolute_uri(url)

    links = {"self": absolute(page.url())}
    if page.page > 1:
        links["prev"] = absolute(page.page_url(page.page - 1))
    if page.page < page.num_pages:
        links["next"] = absolute(page.page_url(page.page + 1))
    links["html"] = absolute(reverse("web:search") + page.url()[len(page.base_path) :])
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.num_pages,
        "query": {
            "q": page.query.text,
            "interpreted_as": page.interpretation,
            "notes": page.notes,
            "sort": page.query.sort,
            "start_date": page.query.start.isoformat() if page.query.start else None,
            "end_date": page.query.end.isoformat() if page.query.end else None,
            "date_mode": page.query.date_mode,
            "filters": {k: list(v) for k, v in page.query.filters.items() if v},
            "also_searched": [
                *(
                    {"term": term, "forms": forms, "generated": False}
                    for term, forms in page.expansions
                ),
                *(
                    {
                        "term": term,
                        "forms": [f for f, _ in forms],
                        "schemes": [s for _, s in forms],
                        "generated": True,
                    }
                    for term, forms in page.generated
                ),
                *(
                    {
                        "term": term,
                        "forms": [f for f, _ in forms],
                        "schemes": ["similar spelling" for _ in forms],
                        "generated": True,
                        "similar": True,
                    }
                    for term, forms in page.similar
                ),
            ],  # fmt: skip
        },
        "undated": page.undated,
        "suggestion": (
            {"text": page.suggestion, "url": absolute(page.suggestion_url)}
            if page.suggestion
            else None
        ),
        "histogram": (
            {
                "unit": page.histogram.unit,
                "bars": [
                    {
                        "label": b.label,
                        "count": b.count,
                        "url": absolute(b.url) if b.url else None,
                    }
                    for b in page.histogram.bars
                ],
            }
            if page.histogram and page.histogram.bars
            else None
        ),
        "hits": [_hit(request, hit) for hit in page.hits],
        "facets": {
            name: [
                {
                    "value": o.value,
                    "label": o.label,
                    "count": o.count,
                    "selected": o.selected,
                    "url": absolute(o.url),
                }
                for o in options
            ]
            for name, options in page.facets.items()
        },
        "links": links,
    }


@api_view
def search(request):
    try:
        page = build_search_page(request, keep=remember_recent)
    except BadSearchRequest as exc:
        return json_error(400, str(exc), exc.messages)
    add_provenance([hit.document for hit in page.hits])
    return JsonResponse(search_payload(request, page), json_dumps_params={"ensure_ascii": False})


@api_view
def not_found(request, rest=""):
    return json_error(404, f"No API endpoint at {request.path}.")
