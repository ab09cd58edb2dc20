"""Sitemaps: one section per kind of public page, each paged for large archives.

``/sitemap.xml`` is an index listing every page of every section
(``/sitemap-documents.xml?p=2``); a page holds at most ``SITEMAP_PAGE_SIZE`` URLs
(default 10,000, under the protocol's 50,000 and 50 MB limits).
"""

import operator
from functools import partial, reduce

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from chancery.corpus import models
from chancery.corpus.authorities import AuthorityKind, browsable_kinds
from chancery.corpus.visibility import public

DEFAULT_PAGE_SIZE = 10_000


class PagedSitemap(Sitemap):
    def __init__(self) -> None:
        super().__init__()
        # Read per request (the sitemap views make one of these for each).
        self.limit = getattr(settings, "SITEMAP_PAGE_SIZE", DEFAULT_PAGE_SIZE)


class DocumentSitemap(PagedSitemap):
    """Every published document; drafts are never listed."""

    changefreq = "monthly"

    def items(self):
        return models.Document.objects.published().only("public_id", "updated_at").order_by("pk")

    def lastmod(self, doc):
        return doc.updated_at.date()  # a day is precise enough for crawlers

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item: 100,000 rows for the index.
        latest = self.items().aggregate(latest=Max("updated_at"))["latest"]
        return latest.date() if latest else None


class CollectionSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self):
        return public(models.Collection).order_by("pk")

    def lastmod(self, collection):
        return collection.updated_at.date()

    def get_latest_lastmod(self):
        latest = self.items().aggregate(latest=Max("updated_at"))["latest"]
        return latest.date() if latest else None


class AuthoritySitemap(PagedSitemap):
    """The pages of one authority kind's records that a published document points at."""

    def __init__(self, kind: AuthorityKind) -> None:
        super().__init__()
        self.kind = kind

    def items(self):
        published = models.Document.objects.published()
        used = [Exists(published.filter(**{f: OuterRef("pk")})) for f in self.kind.relations]
        return self.kind.model._default_manager.filter(reduce(operator.or_, used)).order_by("pk")


class PageSitemap(Sitemap):
    """The fixed pages: home, search, the browse lists, about."""

    changefreq = "daily"

    def items(self):
        return [
            "home", "search", "collections", "subjects", "places", "people", "chronology",
            "types", "about",
        ]  # fmt: skip

    def location(self, name):
        return reverse(f"web:{name}")


class YearSitemap(PagedSitemap):
    """The chronology's years that hold published documents (one GROUP BY query)."""

    changefreq = "weekly"

    def items(self):
        from chancery.web.chronology import year_counts

        return year_counts().values_list("year", flat=True)

    def location(self, year):
        return reverse("web:chronology-year", args=[year])


class TypeSitemap(PagedSitemap):
    """The document types that published documents have."""

    changefreq = "weekly"

    def items(self):
        from chancery.web.chronology import document_types

        return document_types()

    def location(self, item):
        return reverse("web:type", args=[item.slug])


SITEMAPS = {
    "pages": PageSitemap,
    "documents": DocumentSitemap,
    "collections": CollectionSitemap,
    "years": YearSitemap,
    "types": TypeSitemap,
    **{kind.plural: partial(AuthoritySitemap, kind) for kind in browsable_kinds()},
}
