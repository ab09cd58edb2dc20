"""Atom feeds: the newest published documents, and any search.

The search feed takes exactly the search page's parameters (``/search/feed/?q=…``) and is
built by the same :func:`build_search_page`, so it lists the hits that page shows (without
their snippets or the facets beside them); bad parameters get the same 400 naming the
parameter.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from chancery.corpus import models
from chancery.corpus.sanitize import html_to_text
from chancery.corpus.text import clean_tree
from chancery.search.page import BadSearchRequest, build_search_page
from chancery.web.views import bad_request

NEWEST = 50


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom, with the characters XML cannot carry stripped from every text.

    Django's feed writer raises on them, so one stored control character would answer
    500 for every reader; they are kept out on input too (corpus/text.py).
    """

    def write(self, outfile, encoding):
        self.feed, _ = clean_tree(self.feed)
        self.items = [clean_tree(item)[0] for item in self.items]
        super().write(outfile, encoding)


class DocumentFeed(Feed):
    """Shared entry rendering: title, summary, record URL, published and updated dates."""

    feed_type = XmlSafeAtom1Feed

    def author_name(self):
        return settings.SITE_NAME

    def item_title(self, doc):
        return f"{doc.title} ({doc.date_display})" if doc.date_display else doc.title

    def item_description(self, doc):
        return html_to_text(doc.summary)

    def item_pubdate(self, doc):
        return doc.published_at or doc.created_at

    def item_updateddate(self, doc):
        return doc.updated_at

    def item_categories(self, doc):
        return [doc.doc_type.name] if doc.doc_type else []


class NewestDocumentsFeed(DocumentFeed):
    def title(self):
        return f"{settings.SITE_NAME}: newest documents"

    def subtitle(self):
        return f"The {NEWEST} most recently published documents."

    def link(self):
        return reverse("web:home")

    def items(self):
        return (
            models.Document.objects.published()
            .with_listing()
            .order_by("-published_at", "-pk")[:NEWEST]
        )


class SearchFeed(DocumentFeed):
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadSearchRequest as exc:
            return bad_request(request, str(exc), exc.messages)

    def get_object(self, request, *args, **kwargs):
        # The hits alone: a feed shows no snippets, facets, histogram or "did you mean".
        return build_search_page(request, base_path=reverse("web:search"), hits_only=True)

    def title(self, page):
        what = f"“{page.query.text}”" if page.query.text else "all documents"
        return f"{settings.SITE_NAME}: search for {what}"

    def subtitle(self, page):
        return f"{page.total} matching documents; this feed shows {page.first}–{page.last}."

    def link(self, page):
        return page.url()

    def feed_url(self, page):
        # The feed instance is shared between requests: everything comes from ``page``.
        path = reverse("discovery:search-feed")
        return f"{path}?{urlencode(page.params)}" if page.params else path

    def items(self, page):
        return [hit.document for hit in page.hits]
