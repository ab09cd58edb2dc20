"""Public pages. Every page reads only published documents."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Model, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr, Upper
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from chancery.cite.page import record_citations
from chancery.corpus import models
from chancery.corpus.authorities import AUTHORITY_KINDS, links, related_to
from chancery.corpus.eac import eac_cpf
from chancery.corpus.hierarchy import with_totals
from chancery.corpus.names import fold
from chancery.corpus.relations import related
from chancery.corpus.visibility import public, public_values
from chancery.ingest.staging import hidden as staged
from chancery.search.facets import facet_for
from chancery.search.page import (
    FACET_SHOWN,
    BadSearchRequest,
    build_facet_values,
    build_search_page,
)
from chancery.versions import public as versions_public

from . import parallel, reading
from .freshness import remember, remember_recent
from .templatetags.chancery import route

PUBLISHED = Q(documents__status=models.Document.PUBLISHED)


def bad_request(request, message: str, messages: dict | None = None):
    return render(
        request,
        "web/400.html",
        # a search's page shows the search form again, holding what was typed
        {"message": message, "field_errors": messages or {}, "search_again": request.GET.get("q")},
        status=400,
    )


def _published_counts(model, relation: str = "documents"):
    published = Q(**{f"{relation}__status": models.Document.PUBLISHED})
    return public(model).annotate(n=Count(relation, filter=published, distinct=True))


def _collections():
    """Public collections, each with ``total``/``n``: its subtree's published documents."""
    return with_totals(public(models.Collection))


def _top_collections() -> list:
    """Every public top-level collection with its totals, kept until the next write (the
    subtree counts read every membership: half a second at 200,000 documents)."""
    return remember(("collections", "top"), lambda: list(_collections().filter(parent=None)))


def published_total() -> int:
    return remember(("published",), lambda: models.Document.objects.published().count())


@require_GET
def home(request):
    collections = remember(
        ("collections", "featured"), lambda: list(_collections().filter(featured=True)[:6])
    )
    if not collections:
        collections = _top_collections()[:6]
    recent = models.Document.objects.published().with_listing().order_by("-published_at")[:5]
    return render(
        request,
        "web/home.html",
        {"collections": collections, "recent": recent, "total": published_total()},
    )


@require_GET
def search(request):
    try:
        page = build_search_page(request, keep=remember_recent, shown=FACET_SHOWN)
    except BadSearchRequest as exc:
        return bad_request(request, str(exc), exc.messages)
    return render(
        request,
        "web/search.html",
        {"page": page, "json_url": _json_twin(request), **reading.results_context(page)},
    )


@require_GET
def search_facet(request, name: str):
    """Every value of one facet over a search (the results page lists the first few)."""
    return _facet_values(request, name, None, reverse("web:search"))


def _facet_values(request, name: str, scope, results_path: str, context: dict | None = None):
    try:
        facet = build_facet_values(request, name, scope=scope, base_path=results_path)
    except KeyError:
        raise Http404(f"No facet “{name}”.") from None
    except BadSearchRequest as exc:
        return bad_request(request, str(exc), exc.messages)
    return render(request, "web/facet_values.html", {"facet": facet, **(context or {})})


def _json_twin(request) -> str:
    query = request.GET.urlencode()
    return route("api:search") + (f"?{query}" if query else "")


def _neighbours(document: models.Document, membership: models.Membership | None):
    if membership is None:
        return None, None
    siblings = models.Membership.objects.filter(
        collection_id=membership.collection_id, document__status=models.Document.PUBLISHED
    ).select_related("document")
    return _next(siblings, membership, "lt"), _next(siblings, membership, "gt")


def _next(siblings, membership: models.Membership, direction: str):
    """The document next to ``membership`` in its collection's order: before it ("lt") or
    after it ("gt"); None at either end."""
    position, pk = membership.position, membership.pk
    nearer = Q(**{f"position__{direction}": position}) | Q(
        position=position, **{f"id__{direction}": pk}
    )
    order = ["-position", "-id"] if direction == "lt" else ["position", "id"]
    found = siblings.filter(nearer).order_by(*order).first()
    return found.document if found else None


@require_GET
def document(request, public_id: str):
    # creators' name variants: a citation writes Chinese names family name first
    documents = models.Document.objects.with_record().prefetch_related("creators__variants")
    if not (request.user.is_authenticated and request.user.is_staff):
        documents = documents.published()
    doc = documents.filter(public_id=public_id).first()
    if doc is None:  # a withdrawn record: 410 with the editors' reason (chancery/versions)
        withdrawn = versions_public.gone(request, public_id)
        if withdrawn is not None:
            return withdrawn
        raise Http404("No such document")
    versions = versions_public.public_versions(doc)
    memberships = list(doc.membership_set.all())
    collections = [m.collection for m in memberships]
    previous, following = _neighbours(doc, memberships[0] if memberships else None)
    repositories = list(doc.repositories.all())
    url = request.build_absolute_uri(doc.get_absolute_url())
    attached_to = doc.attached_to if doc.attached_to and doc.attached_to.is_published else None
    edition = collections[0].edition() if collections else None  # the printed volume
    words = reading.query_words(request.GET.get("q", ""))
    marked = 0
    pages_seen: set[str] = set()  # printed pages whose anchor is already in the text
    cite = record_citations(request, doc, collections, repositories, edition)
    side_by_side = parallel.build(doc, words)  # layers and scans aligned by page
    if side_by_side is not None:
        marked = side_by_side.marked
    else:
        for layer in [*doc.translations.all(), *doc.transcripts.all()]:
            # shown, not saved: marked words, page markers linked to citations
            layer.html, n = reading.highlight(layer.html, words)
            layer.html = reading.page_markers(layer.html, pages_seen)
            marked += n
    return render(
        request,
        "web/document.html",
        {
            "doc": doc,
            "collections": collections,
            "collection": collections[0] if collections else None,
            "previous": previous,
            "next": following,
            "attached_to": attached_to,
            "edition": edition,
            "trail": reading.trail(request, doc),
            "marked": marked if words else None,
            "query_words": words,
            "cite": cite,
            "permalink": url,
            "versions": versions,
            "corrections": versions_public.revisions(versions),
            "parallel": side_by_side,
        },
    )


def _tree(nodes):
    """Nest objects with ``parent_id`` into [(node, children)] in their given order."""
    children: dict[int | None, list] = {}
    by_id = {n.pk: n for n in nodes}
    for node in nodes:
        parent = node.parent_id if node.parent_id in by_id else None
        children.setdefault(parent, []).append(node)

    def build(parent_id, seen=frozenset()):
        return [
            (n, build(n.pk, seen | {n.pk})) for n in children.get(parent_id, []) if n.pk not in seen
        ]

    return build(None)


def _with_totals(tree):
    """Add each node's count of documents in it and below it (``total``)."""
    for node, children in tree:
        _with_totals(children)
        node.total = node.n + sum(child.total for child, _ in children)
    return tree


#: Collections listed per page on /collections/ and among a collection's parts.
COLLECTIONS_PER_PAGE = 50


def _paged(request, items, param: str = "page"):
    try:
        return Paginator(items, COLLECTIONS_PER_PAGE).page(request.GET.get(param, 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise _BadPage(f"{param}: {exc}") from exc


@require_GET
def collections(request):
    """The top of the tree, paged; each collection's page lists its own parts."""
    try:
        page = _paged(request, _top_collections())
    except _BadPage as exc:
        return bad_request(request, str(exc))
    return render(request, "web/collections.html", {"page": page})


def _public_collections() -> frozenset[int]:
    """The ids of the collections the public may see, kept until the next write (which
    collections only drafts use is a scan of every membership at scale)."""
    return remember(
        ("collections", "public"),
        lambda: frozenset(public(models.Collection).values_list("pk", flat=True)),
    )


def _collection_or_redirect(slug: str):
    coll = models.Collection.objects.filter(slug=slug).first()
    if coll is None or coll.pk not in _public_collections():
        old = models.CollectionSlug.objects.filter(slug=slug).select_related("collection").first()
        if old is not None and old.collection_id in _public_collections():
            return None, old.collection
        raise Http404("No such collection.")
    return coll, None


@require_GET
def collection(request, slug: str):
    coll, moved = _collection_or_redirect(slug)
    if moved is not None:
        query = request.GET.urlencode()
        return redirect(moved.get_absolute_url() + (f"?{query}" if query else ""), permanent=True)
    coll, children = remember(
        ("collection", coll.pk),
        lambda: (_collections().get(pk=coll.pk), list(_collections().filter(parent=coll))),
    )
    try:
        parts = _paged(request, children, "parts")
        page = build_search_page(request, scope=coll.slug, keep=remember_recent, shown=FACET_SHOWN)
    except _BadPage as exc:
        return bad_request(request, str(exc))
    except BadSearchRequest as exc:
        return bad_request(request, str(exc), exc.messages)
    return render(
        request,
        "web/collection.html",
        {
            "collection": coll,
            "parts": parts,
            "page": page,
            "ancestors": coll.ancestors(),
            **reading.results_context(page, whole_archive=False),
        },
    )


@require_GET
def collection_facet(request, slug: str, name: str):
    """Every value of one facet over a search within a collection."""
    coll, moved = _collection_or_redirect(slug)
    if moved is not None:
        query = request.GET.urlencode()
        url = reverse("web:collection-facet", args=[moved.slug, name])
        return redirect(url + (f"?{query}" if query else ""), permanent=True)
    return _facet_values(request, name, coll.slug, coll.get_absolute_url(), {"collection": coll})


def _contents(coll, order: str) -> list[int]:
    """The ids of a collection's published documents (its parts' included), in the order of
    the volume or by date: one query, kept until the next write, so a page of a volume of
    thousands is a slice and a look-up of 50 records."""
    memberships = models.Membership.objects.filter(
        collection__path__startswith=coll.path, document__status=models.Document.PUBLISHED
    )
    documents = models.Document.objects.published().filter(pk__in=memberships.values("document"))
    if order == "volume":
        first = (
            memberships.filter(document=OuterRef("pk"))
            .order_by("position", "pk")
            .values("position")[:1]
        )
        documents = documents.annotate(place=Subquery(first)).order_by("place", "public_id")
    else:
        documents = documents.order_by("date_earliest", "public_id")
    return list(documents.values_list("pk", flat=True))


#: ``?order=`` on a collection's contents: the order of the volume or file, or by date.
CONTENTS_ORDERS = {"volume": "in volume order", "date": "by date"}


@require_GET
def collection_contents(request, slug: str):
    """Every published document of a collection and its parts, in the order of the volume
    (each document's position in its file) or by date; paged."""
    coll, moved = _collection_or_redirect(slug)
    if moved is not None:
        url = reverse("web:collection-contents", args=[moved.slug])
        query = request.GET.urlencode()
        return redirect(url + (f"?{query}" if query else ""), permanent=True)
    order = request.GET.get("order", "volume")
    if order not in CONTENTS_ORDERS:
        return bad_request(request, f"order: use one of {', '.join(CONTENTS_ORDERS)}.")
    ids = remember(("contents", coll.pk, order), lambda: _contents(coll, order))
    try:
        page = Paginator(ids, 50).page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        return bad_request(request, f"page: {exc}")
    found = models.Document.objects.with_listing().in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return render(
        request,
        "web/collection_contents.html",
        {
            "collection": coll,
            "ancestors": coll.ancestors(),
            "page": page,
            "order": order,
            "order_label": CONTENTS_ORDERS[order],
            "orders": CONTENTS_ORDERS,
        },
    )


@require_GET
def subjects(request):
    items = _published_counts(models.Subject).filter(n__gt=0).order_by("name")
    return render(request, "web/subjects.html", {"items": items})


#: Records of an authority list per page; letters are the sort key's first letter.
BROWSE_PER_PAGE = 100
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _browse(request, model, relations: tuple[str, ...], template: str):
    """People or places by letter, filtered by name and paged, in a fixed number of
    queries whatever the number of records (names sorted by their sort key)."""
    used = Q()
    for relation in relations:
        through, source, target = links(relation)
        rows = through._default_manager.filter(**{f"{source}__status": models.Document.PUBLISHED})
        # an uncorrelated IN (subquery): SQLite and PostgreSQL build it once, not per row
        used |= Q(pk__in=rows.values(target))
    if model is models.Place:  # the places others sit in, as the tree had them
        used |= Q(pk__in=models.Place.objects.filter(parent__isnull=False).values("parent"))
    # Only records a published document names (or a place above one): never draft-only
    # work, so the visibility rule reduces to hiding what an unfinished import staged.
    records = model.objects.exclude(staged(model)).filter(used)
    letter = request.GET.get("letter", "").upper()
    if letter and letter not in LETTERS and letter != "#":
        return bad_request(request, "letter: choose a letter from A to Z, or #.")
    initials = remember(
        ("initials", model.__name__),
        lambda: dict(
            records.annotate(initial=Upper(Substr("sort_key", 1, 1)))
            .order_by()
            .values_list("initial")
            .annotate(n=Count("pk"))
        ),
    )
    if letter == "#":
        records = records.exclude(sort_key__regex=r"^[a-z]")
    elif letter:
        records = records.filter(sort_key__startswith=letter.lower())
    name = " ".join(request.GET.get("name", "").split())[:100]
    if name:
        matching = model.objects.filter(
            Q(sort_key__contains=fold(name)) | Q(name__icontains=name)
            | Q(variants__name__icontains=name)
        ).values("pk")  # fmt: skip
        records = records.filter(pk__in=matching)
    if model is models.Place:  # a place is listed with the place it sits in
        records = records.select_related("parent")
    paginator = Paginator(records.order_by("sort_key", "name"), BROWSE_PER_PAGE)
    if not name:  # the letters' counts already say how many: no second count query
        if letter == "#":
            known = sum(n for k, n in initials.items() if k not in LETTERS)
        else:
            known = initials.get(letter, 0) if letter else sum(initials.values())
        paginator.__dict__["count"] = known  # Paginator.count is a cached property
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        return bad_request(request, f"page: {exc}")
    items = list(page)
    counts = _document_counts(items, relations)
    for item in items:
        item.n = len(counts.get(item.pk, ()))
    others = sum(n for k, n in initials.items() if k not in LETTERS)
    letters = [{"letter": c, "n": initials.get(c, 0)} for c in LETTERS]
    letters.append({"letter": "#", "n": others})
    query = {k: v for k, v in (("letter", letter), ("name", name)) if v}
    return render(
        request,
        template,
        {"items": items, "page": page, "letters": letters, "letter": letter, "name": name,
         "query": urlencode(query)},
    )  # fmt: skip


def _document_counts(items, relations) -> dict[int, set[int]]:
    """Published documents per record, for one page of records: the page's links by their
    record (an index look-up per record), then which of those documents are published."""
    found: dict[int, set[int]] = {}
    pks = [item.pk for item in items]
    for relation in relations:
        through, source, target = links(relation)
        rows = through._default_manager.filter(**{f"{target}__in": pks}).values_list(
            f"{target}_id", f"{source}_id"
        )
        for pk, doc in rows:
            found.setdefault(pk, set()).add(doc)
    every: set[int] = set().union(*found.values()) if found else set()
    published: set[int] = set()
    ids = sorted(every)
    for start in range(0, len(ids), 5000):
        published.update(
            models.Document.objects.published()
            .filter(pk__in=ids[start : start + 5000])
            .values_list("pk", flat=True)
        )
    return {pk: docs & published for pk, docs in found.items()}


@require_GET
def places(request):
    return _browse(request, models.Place, AUTHORITY_KINDS["place"].relations, "web/places.html")


@require_GET
def people(request):
    return _browse(request, models.Agent, PERSON_RELATIONS, "web/people.html")


#: The relations a person page lists, as the search's ``person:`` finds them.
PERSON_RELATIONS = AUTHORITY_KINDS["person"].relations


def _document_list(request, queryset):
    paginator = Paginator(queryset.with_listing().order_by("date_earliest", "public_id"), 20)
    try:
        return paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise _BadPage(str(exc)) from exc


class _BadPage(Exception):
    pass


def _moved(url: str) -> HttpResponsePermanentRedirect:
    """A merged record's old address: moved permanently, but browsers keep that for a day
    only (Chromium would otherwise keep it for good), as a split can give it back."""
    response = HttpResponsePermanentRedirect(url)
    response["Cache-Control"] = "max-age=86400"
    return response


#: Authorities merged into another: their old address redirects to the survivor.
REDIRECTS: dict[type[Model], type[models.AgentRedirect] | type[models.PlaceRedirect]] = {
    models.Agent: models.AgentRedirect,
    models.Place: models.PlaceRedirect,
}


def _authority_page(request, kind: str, slug: str):
    spec = AUTHORITY_KINDS[kind]
    moved = REDIRECTS.get(spec.model)
    if moved is not None and not spec.model._default_manager.filter(slug=slug).exists():
        found = moved.objects.filter(old_slug=slug).first()
        if found is not None:
            target = getattr(found, "agent" if spec.model is models.Agent else "place")
            return _moved(target.get_absolute_url())
    staff = request.user.is_authenticated and request.user.is_staff  # as for draft documents
    if not staff and slug not in public_values(spec.model, "slug", [slug]):
        raise Http404(f"No public {spec.label.lower()} “{slug}”.")
    item: Any = get_object_or_404(spec.model._default_manager.filter(slug=slug))
    try:
        page = _document_list(request, _naming(item, spec.relations))
    except _BadPage as exc:
        return bad_request(request, f"page: {exc}")
    facet = facet_for(spec.model, spec.relations)
    search_url = None
    if facet:
        search_url = f"{reverse('web:search')}?{facet.name}={getattr(item, facet.key)}"
    context = {"item": item, "kind": spec.label, "page": page, "search_url": search_url}
    if spec.model in REDIRECTS:  # people and places: an ISAAR(CPF)-style record
        context["authority_record"] = True
    if spec.model is models.Agent:  # the page lists what person: finds
        query = urlencode({"q": f'person:"{item.name}"'})
        context["search_url"] = reverse("web:search") + f"?{query}"
        context["eac_url"] = reverse("web:person-eac", args=[item.slug])
        context["relations"] = related(item, None if staff else public(models.Agent))
    return render(request, "web/authority.html", context)


def _naming(item, relations):
    """The published documents linked to ``item`` by any of these relations: the links by
    their record's index (``related_to``: no join, no DISTINCT), the status read through
    COALESCE so that SQLite does not walk the (status, date) index over every published
    document (a quarter of a second at 200,000)."""
    shown = Coalesce("status", Value(""))
    return models.Document.objects.alias(shown=shown).filter(
        related_to(relations, [item.pk]), shown=PUBLISHED_STATUS
    )


PUBLISHED_STATUS = models.Document.PUBLISHED


def authority(kind: str):
    """The view of one record of ``kind``: its published documents, paged."""

    @require_GET
    def view(request, slug: str):
        return _authority_page(request, kind, slug)

    view.__name__ = kind
    return view


@require_GET
def person_eac(request, slug):
    """The person's (or organisation's) authority record as EAC-CPF XML."""
    moved = models.AgentRedirect.objects.filter(old_slug=slug).select_related("agent").first()
    if moved is not None and not models.Agent.objects.filter(slug=slug).exists():
        return _moved(reverse("web:person-eac", args=[moved.agent.slug]))
    staff = request.user.is_authenticated and request.user.is_staff
    agent = get_object_or_404(models.Agent if staff else public(models.Agent), slug=slug)
    shown = None if staff else public(models.Agent)
    body = eac_cpf(agent, request.build_absolute_uri("/").rstrip("/"), shown)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
def about(request):
    return render(request, "web/about.html")


def handler404(request, exception=None):
    return render(request, "web/404.html", status=404)


def handler500(request):
    return render(request, "web/500.html", status=500)


def handler400(request, exception=None):
    return bad_request(request, "The request could not be understood.")
