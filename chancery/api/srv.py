"""The Wilson Center Digital Archive compatible API under ``/srv/``.

Scripts written against digitalarchive.wilsoncenter.org (and its ``digitalarchive``
client) work when pointed at us. Record search runs through our search backend, so it
finds what the search page finds; only published documents are ever served.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django.db.models import Count, Max, Min, Q
from django.db.models.fields import AutoFieldMixin
from django.http import Http404, HttpResponse
from django.utils.html import escape

from chancery.corpus import media, models
from chancery.corpus.authorities import AUTHORITY_KINDS, by_wilson_name
from chancery.corpus.dates import DateError, partial_date
from chancery.corpus.visibility import public
from chancery.search import budget
from chancery.search.backends import get_backend
from chancery.search.facets import FACETS, FacetSpec, facet_for
from chancery.search.query import SearchQuery

from . import wilson
from .errors import json_error
from .http import ApiError, api_view, int_param, json_response

PUBLISHED = models.Document.PUBLISHED
#: itemsPerPage's limit, from the search cost budget (200: what the Wilson client asks for).
MAX_PER_PAGE = budget.MAX_WILSON_PER_PAGE


def _ids(request, name: str) -> list[str]:
    """Values of ``name[]`` and ``name`` (repeatable), de-duplicated, in order."""
    values = request.GET.getlist(f"{name}[]") + request.GET.getlist(name)
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _resolve(request, name: str, model, field: str = "pk") -> list:
    """The ``field`` values of the ``model`` rows the parameter names by id (400 if unknown).

    An id is the primary key: a whole number, or a language's code."""
    ids = _ids(request, name)
    if not ids:
        return []
    if isinstance(model._meta.pk, AutoFieldMixin):
        bad = [i for i in ids if not (i.isascii() and i.isdigit() and len(i) <= 18)]
        if bad:
            raise ApiError(400, f"{name}[]: “{bad[0]}” is not an id (a whole number).")
    found = dict(model.objects.filter(pk__in=ids).values_list("pk", field))
    found = {str(k): v for k, v in found.items()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApiError(400, f"{name}: there is no {name} with id “{missing[0]}”.")
    return [found[i] for i in ids]


def _date(request, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"\d{8}", raw):
        raise ApiError(400, f"{name}: “{raw}” is not a date; use YYYYMMDD.")
    try:
        return partial_date(f"{raw[:4]}-{raw[4:6]}-{raw[6:]}", end=False)
    except DateError:
        raise ApiError(400, f"{name}: “{raw}” is not a real date.") from None


def facet_parameters() -> dict[str, FacetSpec]:
    """Wilson parameter -> the search facet it selects by. A facet that is exactly an
    authority kind takes the kind's Wilson name (places: ``coverage``), any other its own."""
    params = {}
    for spec in FACETS.values():
        if not (spec.wilson and spec.model):
            continue
        kind = next(
            (k for k in AUTHORITY_KINDS.values() if facet_for(k.model, k.relations) is spec), None
        )
        params[kind.wilson if kind else spec.name] = spec
    return params


def _extra_filters(request) -> Q | None:
    """Filters the search facets do not cover: the other authority kinds (contributors,
    donors, publishers) and translations."""
    conditions = []
    facets = facet_parameters()
    for kind in AUTHORITY_KINDS.values():
        if kind.wilson not in facets:
            conditions += [kind.documents(pk) for pk in _resolve(request, kind.wilson, kind.model)]
    for code in _resolve(request, "translation", models.Language, "code"):
        conditions.append(Q(translations__language=code))
    if not conditions:
        return None
    wanted = models.Document.objects.all()
    for condition in conditions:
        wanted = wanted.filter(pk__in=models.Document.objects.filter(condition))
    return Q(pk__in=wanted.values("pk"))


def _pagination(total: int, page: int, per_page: int) -> dict:
    return {"totalItems": total, "page": page, "totalPages": math.ceil(total / per_page)}


def _record_search(request):
    page = int_param(request, "page", 1, 1_000_000)
    per_page = int_param(request, "itemsPerPage", 20, MAX_PER_PAGE)
    try:
        budget.check_window(page, per_page)
        with budget.time_limit():
            return _run_record_search(request, page, per_page)
    except budget.OverBudget as exc:
        raise ApiError(400, f"{exc.param}: {exc.message}") from exc


def _run_record_search(request, page: int, per_page: int):
    if "theme" in request.GET:
        raise ApiError(400, "theme: this archive has no themes.")
    text = (request.GET.get("q") or request.GET.get("term") or "").strip()
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and start > end:
        raise ApiError(400, "start_date: the start date is after the end date.")
    filters = {
        spec.name: tuple(_resolve(request, param, spec.model, spec.key))
        for param, spec in facet_parameters().items()
    }
    query = SearchQuery(
        text=text,
        filters={k: v for k, v in filters.items() if v},
        start=start,
        end=end,
        sort="relevance" if text else "date",
    )
    results = get_backend().search(query)
    results.highlighting = False  # the Wilson shape shows no snippets: do not compute them
    extra = _extra_filters(request)
    if extra is not None:
        results.restrict(extra)
    total = results.count()
    hits = results[(page - 1) * per_page : page * per_page]
    return json_response(
        {
            "list": [wilson.record_summary(hit.document) for hit in hits],
            "pagination": _pagination(total, page, per_page),
        }
    )


def _collection_search(request):
    page = int_param(request, "page", 1, 1_000_000)
    per_page = int_param(request, "itemsPerPage", 20, MAX_PER_PAGE)
    term = (request.GET.get("term") or request.GET.get("q") or "").strip()
    collections = (
        public(models.Collection)
        .select_related("parent")
        .annotate(n=Count("documents", filter=Q(documents__status=PUBLISHED), distinct=True))
        .order_by("position", "title", "pk")
    )
    if term:
        collections = collections.filter(
            Q(title__icontains=term) | Q(short_description__icontains=term)
        )
    total = collections.count()
    rows = collections[(page - 1) * per_page : page * per_page]
    return json_response(
        {
            "list": [wilson.collection(c, c.n) for c in rows],
            "pagination": _pagination(total, page, per_page),
        }
    )


@api_view
def record_search(request):
    model = request.GET.get("model", "Record").strip().lower() or "record"
    if model == "collection":
        return _collection_search(request)
    if model != "record":
        raise ApiError(400, f"model: “{request.GET['model']}” is not searchable here; use Record.")
    return _record_search(request)


@api_view
def collection_search(request):
    return _collection_search(request)


def _published_authorities(name: str):
    kind = by_wilson_name()[name]
    model = kind.model
    if kind.hierarchical:  # unused places are listed too
        return public(model)
    used = Q()
    for relation in kind.reverse_names():
        pointed = model._default_manager.filter(**{f"{relation}__status": PUBLISHED})
        used |= Q(pk__in=pointed.values("pk"))
    return model._default_manager.filter(used)


@api_view
def authority_search(request, model: str):
    """Every matching authority in one list (the Wilson API does not page these)."""
    term = (request.GET.get("term") or request.GET.get("q") or "").strip()
    items = _published_authorities(model).order_by("name", "pk")
    if term:
        items = items.filter(name__icontains=term)
    rows = [wilson.authority(model, item) for item in items]
    return json_response({"list": rows, "pagination": _pagination(len(rows), 1, max(len(rows), 1))})


@api_view
def authority_detail(request, model: str, pk: int):
    item = _published_authorities(model).filter(pk=pk).first()
    if item is None:
        raise ApiError(404, f"There is no {model} with id {pk}.")
    if model == "coverage":
        children = public(models.Place).filter(parent=item).order_by("name")
        parent = public(models.Place).filter(pk=item.parent_id).first()
        return json_response(wilson.coverage(item, parent=parent, children=list(children)))
    return json_response(wilson.authority(model, item))


@api_view
def collection_detail(request, pk: int):
    coll = (
        public(models.Collection)
        .select_related("parent")
        .annotate(n=Count("documents", filter=Q(documents__status=PUBLISHED), distinct=True))
        .filter(pk=pk)
        .first()
    )
    if coll is None:
        raise ApiError(404, f"There is no collection with id {pk}.")
    return json_response(wilson.collection(coll, coll.n))


@api_view
def record_detail(request, record_id: str):
    doc = wilson.record_queryset().filter(public_id=record_id.replace("\x00", "")).first()
    if doc is None:
        raise ApiError(404, f"There is no published record with id “{record_id}”.")
    return json_response(wilson.record(doc), last_modified=doc.updated_at)


@api_view
def date_range(request):
    span = models.Document.objects.published().aggregate(
        begin=Min("date_earliest"), end=Max("date_latest")
    )
    return json_response(
        {"begin": wilson.yyyymmdd(span["begin"]), "end": wilson.yyyymmdd(span["end"])}
    )


def _published_asset(request, model, pk: int):
    """An asset of a published document (of any, for staff: as /media/ and IIIF)."""
    related = ["document", "language"] if model is not models.Scan else ["document"]
    asset = model.objects.select_related(*related).filter(pk=pk).first()
    if asset is None or not media.can_see(request, asset.document):
        raise ApiError(404, f"There is no published {model._meta.verbose_name} {pk}.")
    return asset


@api_view
def text_asset(request, kind: str, pk: int, extension: str):
    model = models.Translation if kind == "translations" else models.Transcript
    asset = _published_asset(request, model, pk)
    if extension == "html":
        lang = f' lang="{escape(asset.language.bcp47)}"' if asset.language else ""
        title = escape(asset.label or asset.document.title)
        # asset.html unescaped: TextAsset.save() sanitised it (corpus/sanitize.py)
        page = (
            f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body>{asset.html}</body></html>"
        )
        return HttpResponse(page, content_type="text/html; charset=utf-8")
    if asset.html or not asset.file or not asset.file.name.lower().endswith(f".{extension}"):
        raise ApiError(404, f"{kind} {pk} has no .{extension} file.")
    return _file(asset, f"{kind}-{pk}")


@api_view
def media_file(request, pk: int, extension: str):
    scan = _published_asset(request, models.Scan, pk)
    if not scan.file.name.lower().endswith(f".{extension.lower()}"):
        raise ApiError(404, f"Media file {pk} is not a .{extension} file.")
    return _file(scan, f"media-file-{pk}")


def _file(asset, download_name: str):
    """The asset's file, served as /media/ serves it (type from its bytes, nosniff …)."""
    try:
        return media.file_response(asset.file, download_name, asset.document.is_published)
    except Http404:
        raise ApiError(404, f"The file of {download_name} is missing.") from None


@api_view
def not_found(request, rest: str = ""):
    return json_error(404, f"Nothing at {request.path} in the Wilson-compatible API.")
