"""The contract every search engine keeps.

A backend indexes documents (add, add in bulk, delete, reset) and answers a
:class:`~chancery.search.query.SearchQuery` with a lazy :class:`SearchResults`: ``count()``
and slicing work like a queryset, so Django's paginator pages it; ``facets()`` counts every
facet over the whole result set. Filters, drafts and sorting by date or title are plain
ORM and shared here; an engine supplies only full-text matching, ranking and snippets.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from chancery.corpus.models import Collection, Document

from ..facets import FacetValue, apply_filters, count_facets
from ..query import ParsedQuery, SearchQuery

#: Private-use characters mark highlights inside engine output; they are swapped for
#: <mark> only after the text is escaped, so engine output never injects markup.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


def marked_to_html(text: str) -> str:
    return html.escape(text or "").replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


@dataclass
class Hit:
    document: Document
    title_html: str = ""
    summary_html: str = ""
    snippet_html: str = ""
    score: float | None = None


@dataclass
class IndexEntry:
    """What an engine indexes for one document: plain text per field."""

    pk: int
    title: str
    summary: str
    body: str
    names: str = ""
    languages: list[str] = field(default_factory=list)


ORDERINGS = {
    "date": ["date_earliest", "date_latest", "public_id"],
    "-date": ["-date_latest", "-date_earliest", "public_id"],
    "title": ["title", "public_id"],
}


def descendant_ids(collection: Collection) -> list[int]:
    """The collection and every collection below it (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Collection.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [collection.pk]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.append(pk)
            todo.extend(children.get(pk, []))
    return found


class SearchResults:
    """Lazy results of one search; sliceable and countable like a queryset."""

    def __init__(self, backend: SearchBackend, query: SearchQuery):
        self.backend = backend
        self.query = query
        self.parsed: ParsedQuery = query.parsed

    @cached_property
    def filtered(self) -> QuerySet:
        """Published documents passing every filter, before the text query."""
        qs = Document.objects.published()
        q = self.query
        if q.collection_scope:
            scope = Collection.objects.get(slug=q.collection_scope)
            qs = qs.filter(pk__in=Document.objects.filter(collections__in=descendant_ids(scope)))
        qs = apply_filters(qs, q.filters)
        if q.start or q.end:
            qs = qs.filter(self._date_condition())
        return qs

    def _date_condition(self) -> Q:
        q = self.query
        cond = Q()
        if q.date_mode == "within":
            if q.start:
                cond &= Q(date_earliest__gte=q.start)
            if q.end:
                cond &= Q(date_latest__lte=q.end)
        else:
            if q.start:
                cond &= Q(date_latest__gte=q.start)
            if q.end:
                cond &= Q(date_earliest__lte=q.end)
        return cond

    @cached_property
    def matched(self) -> QuerySet:
        """Every document the search finds (unordered)."""
        if self.parsed.is_empty:
            return self.filtered
        return self.backend.filter_matching(self.filtered, self.parsed)

    @cached_property
    def _count(self) -> int:
        return self.matched.count()

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def facets(self) -> dict[str, list[FacetValue]]:
        return count_facets(self.matched)

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        return self._page(start, stop - start)

    def _page(self, offset: int, limit: int) -> list[Hit]:
        if self.parsed.groups and self.query.sort == "relevance":
            ranked = self.backend.ranked_ids(self.matched, self.parsed, offset, limit)
        else:
            order = ORDERINGS.get(self.query.sort, ORDERINGS["date"])
            ranked = [(pk, None) for pk in self.matched.order_by(*order)
                      .values_list("pk", flat=True)[offset : offset + limit]]  # fmt: skip
        ids = [pk for pk, _ in ranked]
        documents = Document.objects.with_listing().in_bulk(ids)
        marks = self.backend.highlights(ids, self.parsed) if self.parsed.groups else {}
        hits = []
        for pk, score in ranked:
            document = documents[pk]
            title, summary, snippet = marks.get(pk, ("", "", ""))
            hits.append(
                Hit(
                    document=document,
                    title_html=marked_to_html(title or document.title),
                    summary_html=marked_to_html(summary or document.summary),
                    snippet_html=marked_to_html(snippet) if MARK_OPEN in (snippet or "") else "",
                    score=score,
                )
            )
        return hits


class SearchBackend:
    """Base of the engines: shared filtering; engines implement the text parts."""

    def search(self, query: SearchQuery) -> SearchResults:
        return SearchResults(self, query)

    # indexing
    def add(self, entries: list[IndexEntry]) -> None:
        raise NotImplementedError

    def delete(self, pks: list[int]) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def indexed_count(self) -> int:
        raise NotImplementedError

    # querying
    def filter_matching(self, qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """``qs`` narrowed to documents matching the text query."""
        raise NotImplementedError

    def ranked_ids(self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int):
        """[(pk, score)] of ``matched`` by relevance, best first."""
        raise NotImplementedError

    def highlights(self, pks: list[int], parsed: ParsedQuery) -> dict[int, tuple[str, str, str]]:
        """{pk: (title, summary, snippet)} with matches between MARK_OPEN and MARK_CLOSE."""
        raise NotImplementedError
