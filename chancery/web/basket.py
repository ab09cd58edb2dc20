"""The research basket: documents a reader collects while searching, kept in the browser
(``basket.js``, localStorage; no account) and shared as a link that holds them:
``/basket/?id=frus1901China/d10&id=5``. The page lists them and downloads them in the
search export's formats (``/basket/export.<ext>?id=…``)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from chancery.corpus import models

from . import exports
from .reading import add_provenance
from .views import bad_request

#: Documents one basket may hold (its link must stay a URL servers accept).
MAX_BASKET = 200


class BasketResults:
    """A basket in the shape an export reads: the match set and its count."""

    def __init__(self, ids: list[str]):
        self.matched = models.Document.objects.published().filter(public_id__in=ids)

    def count(self) -> int:
        return self.matched.count()


def _ids(request) -> list[str]:
    ids = list(dict.fromkeys(i.strip() for i in request.GET.getlist("id") if i.strip()))
    if len(ids) > MAX_BASKET:
        raise ValueError(f"id: a basket holds at most {MAX_BASKET} documents.")
    return ids


@require_GET
def basket(request):
    try:
        ids = _ids(request)
    except ValueError as exc:
        return bad_request(request, str(exc))
    found = models.Document.objects.published().with_listing().in_bulk(ids, field_name="public_id")
    documents = [found[i] for i in ids if i in found]
    add_provenance(documents)
    query = urlencode([("id", d.public_id) for d in documents])
    downloads = [
        (label, reverse("web:basket-export", args=[ext]) + f"?{query}")
        for ext, label in (("csv", "CSV"), ("jsonl", "JSON Lines"), ("bib", "BibTeX"),
                           ("ris", "RIS"), ("zip", "ZIP dataset"))
    ] if documents else []  # fmt: skip
    return render(
        request,
        "web/basket.html",
        {
            "documents": documents,
            "missing": [i for i in ids if i not in found],
            "downloads": downloads,
            "share_url": request.build_absolute_uri(reverse("web:basket") + f"?{query}"),
        },
    )


@require_GET
def basket_export(request, ext: str):
    if ext not in exports.FORMATS:
        return bad_request(request, f"No export format {ext!r}.")
    try:
        ids = _ids(request)
    except ValueError as exc:
        return bad_request(request, str(exc))
    if not ids:
        return bad_request(request, "id: the basket is empty; add documents to it first.")
    results = BasketResults(ids)
    return exports.stream(request, ext, results, [("id", i) for i in ids], source="basket")
