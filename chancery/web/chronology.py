"""Browsing without a query: by date (a chronology, year → month → documents) and by
document type (types with their counts → their documents).

Every count is one aggregate query (GROUP BY in the database), whatever the archive's size;
the lists of documents are paged. A document sits in the year of its earliest date, and in
a month only when its whole date falls in that month: "1958" or "1951-12-24/1952-01-03"
sits in its year, under "dated to the year or across months".
"""

from __future__ import annotations

import calendar

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from chancery.corpus import models
from chancery.corpus.dates import decade_of
from chancery.corpus.visibility import public

from . import reading
from .freshness import remember

#: Years listed per page of the chronology, and documents per page of a month or type.
YEARS_PER_PAGE = 100
DOCUMENTS_PER_PAGE = 50


class BadPage(Exception):
    pass


def _page(request, items, per_page: int, count: int | None = None):
    paginator = Paginator(items, per_page)
    if count is not None:  # known already: no count query
        paginator.__dict__["count"] = count  # Paginator.count is a cached property
    try:
        return paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise BadPage(f"page: {exc}") from exc


def _bad(request, exc: BadPage):
    from .views import bad_request  # views imports the search page; keep this module light

    return bad_request(request, str(exc))


def _documents(page) -> None:
    """The page's documents with their provenance (volume or collection path, number)."""
    reading.add_provenance(list(page.object_list))


def year_counts():
    """(year, published documents dated in it) by year: one GROUP BY query."""
    return (
        models.Document.objects.published()
        .filter(date_earliest__isnull=False)
        .annotate(year=ExtractYear("date_earliest"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )


def month_counts(year: int) -> dict[int, int]:
    """{month: documents} for one year, 0 for those dated only to the year or across
    months: one GROUP BY query."""
    month = Case(
        When(_in_month_of_earliest(year), then=ExtractMonth("date_earliest")),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        models.Document.objects.published()
        .filter(date_earliest__year=year)
        .annotate(month=month)
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {row["month"]: row["n"] for row in rows}


def _in_month(year: int, month: int) -> Q:
    return Q(
        date_earliest__year=year,
        date_earliest__month=month,
        date_latest__year=year,
        date_latest__month=month,
    )


def _listing(queryset):
    return queryset.with_listing().order_by("date_earliest", "date_latest", "public_id")


@require_GET
def chronology(request):
    """Years with their counts, grouped by decade, paged."""
    try:
        years = remember(("years",), lambda: list(year_counts()))
        page = _page(request, years, YEARS_PER_PAGE)
    except BadPage as exc:
        return _bad(request, exc)
    decades: list[tuple[int, list[dict]]] = []
    for row in page.object_list:  # at most YEARS_PER_PAGE aggregate rows, not documents
        decade = decade_of(row["year"])
        if not decades or decades[-1][0] != decade:
            decades.append((decade, []))
        decades[-1][1].append(row)
    undated = remember(
        ("undated",),
        lambda: models.Document.objects.published().filter(date_earliest__isnull=True).count(),
    )
    return render(
        request,
        "web/chronology.html",
        {"page": page, "decades": decades, "undated": undated},
    )


@require_GET
def chronology_year(request, year: int):
    """A year's months with their counts; the documents dated to the year only, paged."""
    counts = remember(("months", year), lambda: month_counts(year))
    if not counts:
        raise Http404("No published documents are dated in that year.")
    months = [
        (calendar.month_name[m], counts.get(m, 0), reverse("web:chronology-month", args=[year, m]))
        for m in range(1, 13)
    ]
    loose = (
        models.Document.objects.published()
        .filter(date_earliest__year=year)
        .exclude(_in_month_of_earliest(year))
    )
    try:
        page = (
            _page(request, _listing(loose), DOCUMENTS_PER_PAGE, count=counts[0])
            if counts.get(0)
            else None
        )
    except BadPage as exc:
        return _bad(request, exc)
    if page is not None:
        _documents(page)
    neighbours = _neighbour_years(year)
    return render(
        request,
        "web/chronology_year.html",
        {
            "year": year,
            "months": months,
            "total": sum(counts.values()),
            "loose": counts.get(0, 0),
            "page": page,
            **neighbours,
        },
    )


def _in_month_of_earliest(year: int) -> Q:
    return Q(date_latest__year=year, date_latest__month=ExtractMonth("date_earliest"))


def _neighbour_years(year: int) -> dict:
    """The nearest earlier and later years with documents (two indexed queries)."""
    dated = models.Document.objects.published().filter(date_earliest__isnull=False)
    before = dated.filter(date_earliest__year__lt=year).order_by("-date_earliest").first()
    after = dated.filter(date_earliest__year__gt=year).order_by("date_earliest").first()
    return {
        "previous_year": before.date_earliest.year if before else None,
        "next_year": after.date_earliest.year if after else None,
    }


@require_GET
def chronology_month(request, year: int, month: int):
    """The documents of one month, by date, paged."""
    if not 1 <= month <= 12:
        raise Http404("No such month.")
    documents = models.Document.objects.published().filter(_in_month(year, month))
    try:
        page = _page(request, _listing(documents), DOCUMENTS_PER_PAGE)
    except BadPage as exc:
        return _bad(request, exc)
    if not page.paginator.count:
        raise Http404("No published documents are dated in that month.")
    _documents(page)
    return render(
        request,
        "web/chronology_month.html",
        {"year": year, "month": month, "month_name": calendar.month_name[month], "page": page},
    )


def document_types():
    published = Q(document__status=models.Document.PUBLISHED)
    return (
        public(models.DocumentType)
        .annotate(n=Count("document", filter=published))
        .filter(n__gt=0)
        .order_by("name")
    )


@require_GET
def types(request):
    """Every document type with its published documents' count: one query."""
    listed = remember(("types",), lambda: list(document_types()))
    return render(request, "web/types.html", {"types": listed})


@require_GET
def doc_type(request, slug: str):
    """One type's published documents, by date, paged."""
    item = next((t for t in remember(("types",), lambda: list(document_types()))
                 if t.slug == slug), None)  # fmt: skip
    if item is None:
        raise Http404("No such document type.")
    documents = models.Document.objects.published().filter(doc_type=item)
    try:
        page = _page(request, _listing(documents), DOCUMENTS_PER_PAGE, count=item.n)
    except BadPage as exc:
        return _bad(request, exc)
    _documents(page)
    search_url = f"{reverse('web:search')}?type={item.slug}"
    return render(
        request, "web/doc_type.html", {"item": item, "page": page, "search_url": search_url}
    )
