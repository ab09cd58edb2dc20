"""Sitemaps: one section per kind of public page, each paged for large archives.

``/sitemap.xml`` is an index listing every page of every section
(``/sitemap-documents.xml?p=2``); a page holds at most ``SITEMAP_PAGE_SIZE`` URLs
(default 10,000, under the protocol's 50,000 and 50 MB limits).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from chancery.corpus import models
from chancery.corpus.visibility import public

DEFAULT_PAGE_SIZE = 10_000


class PagedSitemap(Sitemap):
    @property
    def limit(self) -> int:
        return getattr(settings, "SITEMAP_PAGE_SIZE", DEFAULT_PAGE_SIZE)


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


def _with_published(model, field: str):
    """Rows of ``model`` that at least one published document points to through ``field``."""
    published = models.Document.objects.published().filter(**{field: OuterRef("pk")})
    return model.objects.filter(Exists(published)).order_by("pk")


class SubjectSitemap(PagedSitemap):
    def items(self):
        return _with_published(models.Subject, "subjects")


class PlaceSitemap(PagedSitemap):
    def items(self):
        return _with_published(models.Place, "places")


class RepositorySitemap(PagedSitemap):
    def items(self):
        return _with_published(models.Repository, "repositories")


class PageSitemap(Sitemap):
    """The fixed pages: home, search, the browse lists, about."""

    changefreq = "daily"

    def items(self):
        return ["home", "search", "collections", "subjects", "places", "people", "about"]

    def location(self, name):
        return reverse(f"web:{name}")


SITEMAPS = {
    "pages": PageSitemap,
    "documents": DocumentSitemap,
    "collections": CollectionSitemap,
    "subjects": SubjectSitemap,
    "places": PlaceSitemap,
    "repositories": RepositorySitemap,
}
