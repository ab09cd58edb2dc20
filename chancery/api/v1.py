"""API v1 resources: documents, collections, subjects, places, people, repositories.

Every list is paged the same way (``page``, ``per_page``; ``links`` to first, last, previous
and next) and costs a fixed number of queries whatever the page size. Only published
documents are served; a draft is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F, Max, Q
from django.urls import reverse

from chancery.corpus import models
from chancery.corpus.authorities import AUTHORITY_KINDS, browsable_kinds
from chancery.corpus.hierarchy import subtree, with_totals
from chancery.corpus.relations import related
from chancery.corpus.visibility import public, public_values
from chancery.search.facets import facet_for

from . import serializers
from .filters import document_filters
from .http import ApiError, api_view, int_param, json_response
from .openapi import openapi_document

PUBLISHED = models.Document.PUBLISHED
MAX_PER_PAGE = 100


def archive_changed():
    """When any document or collection last changed: the Last-Modified of every answer."""
    stamps = [
        models.Document.objects.aggregate(t=Max("updated_at"))["t"],
        models.Collection.objects.aggregate(t=Max("updated_at"))["t"],
    ]
    return max(filter(None, stamps), default=None)


def _url(request, **changes) -> str:
    params = [(k, v) for k, vs in request.GET.lists() for v in vs if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None]
    return request.build_absolute_uri(request.path + ("?" + urlencode(params) if params else ""))


def paginate(request, queryset, default: int = 20):
    """(rows of the requested page, the page's envelope without ``results``)."""
    per_page = int_param(request, "per_page", default, MAX_PER_PAGE)
    number = int_param(request, "page", 1, 1_000_000)
    paginator = Paginator(queryset, per_page)
    pages = paginator.num_pages
    if number > pages:
        raise ApiError(400, f"page: Page {number} is beyond the last page ({pages}).")
    page = paginator.page(number)
    links = {
        "self": _url(request, page=number),
        "first": _url(request, page=1),
        "last": _url(request, page=pages),
    }
    if number > 1:
        links["prev"] = _url(request, page=number - 1)
    if number < pages:
        links["next"] = _url(request, page=number + 1)
    envelope = {"total": paginator.count, "page": number, "per_page": per_page, "pages": pages}
    return list(page.object_list), {**envelope, "links": links}


def _listing(request, queryset, serialize, default: int = 20):
    rows, envelope = paginate(request, queryset, default)
    response = json_response(
        {**envelope, "results": serialize(rows)}, last_modified=archive_changed()
    )
    links = envelope["links"]
    response["Link"] = ", ".join(f'<{links[rel]}>; rel="{rel}"' for rel in links if rel != "self")
    return response


@api_view
def index(request):
    links = {
        name: request.build_absolute_uri(reverse(f"api:{name}"))
        for name in ["openapi", "search", "documents", "collections",
                     *(kind.plural for kind in browsable_kinds())]
    }  # fmt: skip
    return json_response({"name": "Chancery API", "version": "1", "links": links})


@api_view
def openapi(request):
    return json_response(openapi_document(request))


def _filtered_documents(request):
    documents = models.Document.objects.published()
    for spec in document_filters():
        name = spec.name
        if len(request.GET.getlist(name)) > 1:
            raise ApiError(400, f"{name}: give one value (the search endpoint takes several).")
        value = request.GET.get(name, "").strip()
        if not value:
            continue
        if value not in public_values(spec.model, spec.key, [value]):
            raise ApiError(400, f"{name}: there is no {name} “{value}”.")
        matching = Q()
        for lookup in spec.lookups:
            matching |= Q(**{lookup: value})
        if spec.model is models.Collection:  # the collection and everything below it
            matching = subtree(spec.model._default_manager.get(**{spec.key: value}))
        documents = documents.filter(pk__in=models.Document.objects.filter(matching).values("pk"))
    return documents


@api_view
def documents(request):
    # Undated documents last on every database (SQLite and PostgreSQL sort NULL differently).
    order = [F("date_earliest").asc(nulls_last=True), "public_id"]
    queryset = _filtered_documents(request).with_listing().order_by(*order)
    return _listing(
        request, queryset, lambda rows: [serializers.document_summary(request, d) for d in rows]
    )


@api_view
def document(request, public_id: str):
    documents = models.Document.objects.published().with_record()
    doc = documents.filter(public_id=public_id.replace("\x00", "")).first()
    if doc is None:
        raise ApiError(404, f"There is no published document “{public_id}”.")
    collections = [m.collection for m in doc.membership_set.all()]
    return json_response(
        serializers.document(request, doc, collections), last_modified=archive_changed()
    )


def _collections():
    """Each with ``n``: the published documents in it and below it (one query)."""
    return with_totals(public(models.Collection).select_related("parent"))


@api_view
def collections(request):
    queryset = _collections().order_by("position", "title", "pk")
    return _listing(
        request, queryset, lambda rows: [serializers.collection(request, c) for c in rows], 100
    )


@api_view
def collection(request, slug: str):
    coll = _collections().filter(slug=slug).first()
    if coll is None:
        raise ApiError(404, f"There is no collection “{slug}”.")
    children = _collections().filter(parent=coll).order_by("position", "title")
    data = {
        **serializers.collection(request, coll),
        "introduction": coll.introduction,
        "image": request.build_absolute_uri(coll.image.url) if coll.image else None,
        "ancestors": [serializers.collection_ref(request, a) for a in coll.ancestors()],
        "children": [serializers.collection(request, c) for c in children],
        "links": {
            "documents": serializers.api_url(request, "documents") + f"?collection={coll.slug}",
            "search": serializers.api_url(request, "search") + f"?collection={coll.slug}",
        },
    }
    return json_response(data, last_modified=archive_changed())


def _used(kind: str) -> Q:
    """Authorities some published document points at."""
    used = Q()
    for field in AUTHORITY_KINDS[kind].relations:
        used |= Q(pk__in=models.Document.objects.published().values(field))
    return used


def _with_counts(kind: str, items: list) -> list:
    """Set ``n``, each item's number of published documents (one query per relation)."""
    pairs = set()
    ids = [item.pk for item in items]
    for field in AUTHORITY_KINDS[kind].relations:
        pairs |= set(
            models.Document.objects.published()
            .filter(**{f"{field}__in": ids})
            .values_list(field, "pk")
        )
    counts: dict[int, int] = {}
    for item_id, _doc in pairs:
        counts[item_id] = counts.get(item_id, 0) + 1
    for item in items:
        item.n = counts.get(item.pk, 0)
    return items


def _queryset(kind: str):
    spec = AUTHORITY_KINDS[kind]
    return public(spec.model).select_related("parent") if spec.hierarchical else public(spec.model)


def authority_list(kind: str):
    @api_view
    def view(request):
        queryset = _queryset(kind)
        if not AUTHORITY_KINDS[kind].hierarchical:  # a hierarchy lists every level
            queryset = queryset.filter(_used(kind))
        queryset = queryset.order_by("name", "pk")

        def serialize(rows):
            return [serializers.authority(request, item, kind) for item in _with_counts(kind, rows)]

        return _listing(request, queryset, serialize, 50)

    view.__name__ = f"{kind}_list"
    return view


def authority_detail(kind: str):
    @api_view
    def view(request, slug: str):
        item = _queryset(kind).filter(slug=slug).first()
        if item is None:
            raise ApiError(404, f"There is no {kind} “{slug}”.")
        _with_counts(kind, [item])
        spec = AUTHORITY_KINDS[kind]
        data = serializers.authority(request, item, kind)
        if spec.has_variants:
            data["variants"] = serializers.variants(item)
        if kind == "person":
            data["relations"] = serializers.relations(request, related(item, public(models.Agent)))
        if spec.hierarchical:
            children = public(spec.model).filter(parent=item).order_by("name")
            data["children"] = [serializers.ref(request, c, kind) for c in children]
        links = {"documents": serializers.api_url(request, "documents") + f"?{kind}={item.slug}"}
        facet = facet_for(spec.model, spec.relations)
        if facet:
            value = getattr(item, facet.key)
            links["search"] = serializers.api_url(request, "search") + f"?{facet.name}={value}"
        data["links"] = links
        return json_response(data, last_modified=archive_changed())

    view.__name__ = f"{kind}_detail"
    return view
