"""The contract every search engine keeps.

A backend indexes documents (add, add in bulk, delete, reset) and answers a
:class:`~chancery.search.query.SearchQuery` with a lazy :class:`SearchResults`: ``count()``
and slicing work like a queryset, so Django's paginator pages it; ``facets()`` counts every
facet over the whole result set. Everything that is not full-text matching is shared here
and so works the same on every engine: filters and drafts, field filters (``person:`` …)
and date ranges typed in the query, name-variant expansion, sorting by date or title,
highlighting and snippets. An engine supplies only matching and ranking
(``filter_matching`` and ``ranked_ids``).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import CharField, F, Q, QuerySet, Value

from chancery.corpus.models import (
    Agent,
    Collection,
    Document,
    DocumentType,
    Language,
    Place,
    Transcript,
    Translation,
)
from chancery.corpus.sanitize import html_to_text

from ..facets import FacetValue, apply_filters, count_facets
from ..marks import MARK_CLOSE, MARK_OPEN, marked_to_html
from ..query import FieldFilter, ParsedQuery, SearchQuery, Term

__all__ = ["MARK_CLOSE", "MARK_OPEN", "marked_to_html"]


@dataclass
class Hit:
    document: Document
    title_html: str = ""
    summary_html: str = ""
    snippet_html: str = ""
    score: float | None = None
    #: Which parts of the document matched: "title", "summary", "translation", "transcript".
    layers: list[str] = field(default_factory=list)
    #: The layer the snippet comes from.
    snippet_layer: str = ""
    #: Why it ranks where it does (filled for ?explain=1).
    explain: dict = field(default_factory=dict)


@dataclass
class IndexEntry:
    """What an engine indexes for one document: plain text per field.

    ``body`` is every text layer together (for engines with one text column);
    ``translation`` and ``transcript`` are the layers apart, for engines that keep them so.
    """

    pk: int
    title: str
    summary: str
    body: str
    names: str = ""
    languages: list[str] = field(default_factory=list)
    translation: str = ""
    transcript: str = ""
    #: What engines that filter and count by themselves need (see ``indexing.read_entries``).
    facts: dict | None = None


def _date_order(descending: bool) -> list:
    """Undated documents last either way; an uncertain date sorts by its earliest day,
    then the narrower range first (1958-09-27 before 'September 1958' before '1958')."""
    if descending:
        return [
            F("date_latest").desc(nulls_last=True),
            F("date_earliest").desc(nulls_last=True),
            "public_id",
        ]
    return [
        F("date_earliest").asc(nulls_last=True),
        F("date_latest").asc(nulls_last=True),
        "public_id",
    ]


ORDERINGS = {
    "date": _date_order(False),
    "-date": _date_order(True),
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


def _name_forms(value: str) -> list[str]:
    """The value and its other forms from the variants table."""
    from ..analysis import fold_key
    from ..models import NameForm

    key = fold_key(value)
    groups = NameForm.objects.filter(key=key).values("group")
    others = NameForm.objects.filter(group__in=groups).values_list("name", flat=True)
    words = value.split()
    inverted = (
        [f"{words[-1]}, {' '.join(words[:-1])}"] if len(words) > 1 and "," not in value else []
    )
    return list(dict.fromkeys([value, *inverted, *others]))


def _any_icontains(paths: list[str], values: list[str]) -> Q:
    """Any path holds any value as whole words ("Li" is not found in "William")."""
    cond = Q()
    for path in paths:
        for value in values:
            pattern = r"(^|\W)" + re.escape(value).replace(r"\ ", r"\W+") + r"(\W|$)"
            cond |= Q(**{f"{path}__iregex": pattern})
    return cond


#: Field filter -> the Document relations its records are found through.
FIELD_RELATIONS = {
    "person": ("people", "creators", "contributors"),
    "place": ("places",),
    "collection": ("collections",),
    "type": ("doc_type",),
    "lang": ("languages", "transcripts__language"),
}


def field_records(f: FieldFilter) -> QuerySet | None:
    """The records a field filter names (people and places in any of their name forms),
    or None for a filter no record answers. Every engine selects documents through these."""
    value = f.value
    if f.name == "person":
        return Agent.objects.filter(_any_icontains(["name", "variants__name"], _name_forms(value)))
    if f.name == "place":
        return Place.objects.filter(_any_icontains(["name", "variants__name"], _name_forms(value)))
    if f.name == "collection":
        return Collection.objects.filter(Q(slug=value) | Q(title__icontains=value))
    if f.name == "type":
        return DocumentType.objects.filter(Q(slug=value) | Q(name__icontains=value))
    if f.name == "lang":
        return Language.objects.filter(Q(code=value.lower()) | Q(name__iexact=value))
    return None


def field_condition(f: FieldFilter) -> Q | None:
    """The documents a field filter selects, as a condition on Document (None: unknown)."""
    records = field_records(f)
    if records is None:
        return None
    cond = Q()
    for relation in FIELD_RELATIONS[f.name]:
        cond |= Q(**{f"{relation}__in": records})
    return cond


class SearchResults:
    """Lazy results of one search; sliceable and countable like a queryset."""

    def __init__(self, backend: SearchBackend, query: SearchQuery):
        from ..budget import limit_query, limit_variants
        from ..variants import expand

        self.backend = backend
        self.query = query
        parsed = query.parsed
        self.notes: list[str] = []
        parsed = limit_query(self._authority_filters_or_text(parsed), backend)
        self.parsed: ParsedQuery = limit_variants(expand(parsed)) if parsed.groups else parsed
        #: True when no document had (most of) the words and any one word was enough.
        self.relaxed = False
        #: Database conditions no facet covers (the Wilson API's contributor, donor …).
        self.restrictions: list[Q] = []
        #: False: hits without marks and snippets (for answers that show none).
        self.highlighting = True

    def restrict(self, condition: Q) -> None:
        """Keep only documents that meet a database condition; call before counting."""
        self.restrictions.append(condition)

    def _authority_filters_or_text(self, parsed: ParsedQuery) -> ParsedQuery:
        """``person:``/``place:`` naming nobody recorded search the text instead."""
        kept = []
        for f in parsed.filters:
            if f.name not in ("person", "place") or f.negate or field_records(f).exists():
                kept.append(f)
                continue
            label = "person" if f.name == "person" else "place"
            parsed.notes.append(
                f"No {label} named “{f.value}” is recorded; searched the text for it instead."
            )
            parsed.groups.append([Term(f.value, phrase=" " in f.value)])
        parsed.filters = kept
        return parsed

    @property
    def start(self):
        starts = [d for d in (self.query.start, self.parsed.start) if d]
        return max(starts) if starts else None

    @property
    def end(self):
        ends = [d for d in (self.query.end, self.parsed.end) if d]
        return min(ends) if ends else None

    @cached_property
    def undated_base(self) -> QuerySet:
        """Published documents passing every filter except the dates."""
        qs = Document.objects.published()
        q = self.query
        if q.collection_scope:
            scope = Collection.objects.get(slug=q.collection_scope)
            qs = qs.filter(pk__in=Document.objects.filter(collections__in=descendant_ids(scope)))
        qs = apply_filters(qs, q.filters)
        for condition in self.restrictions:
            qs = qs.filter(condition)
        for f in self.parsed.filters:
            cond = field_condition(f)
            if cond is None:
                continue
            ids = Document.objects.filter(cond).values("pk")
            qs = qs.exclude(pk__in=ids) if f.negate else qs.filter(pk__in=ids)
        return qs

    @cached_property
    def filtered(self) -> QuerySet:
        """Published documents passing every filter, before the text query."""
        qs = self.undated_base
        if self.start or self.end:
            qs = qs.filter(self._date_condition())
        return qs

    def _date_condition(self) -> Q:
        start, end = self.start, self.end
        cond = Q()
        if self.query.date_mode == "within":
            if start:
                cond &= Q(date_earliest__gte=start)
            if end:
                cond &= Q(date_latest__lte=end)
        else:
            if start:
                cond &= Q(date_latest__gte=start)
            if end:
                cond &= Q(date_earliest__lte=end)
        return cond

    @property
    def has_dates(self) -> bool:
        return bool(self.start or self.end)

    def undated_count(self) -> int:
        """Undated documents the same search finds when its dates are left out."""
        qs = self.undated_base.filter(date_earliest__isnull=True)
        if not self.parsed.is_empty:
            qs = self.backend.filter_matching(qs, self.parsed)
        return qs.count()

    @cached_property
    def matched(self) -> QuerySet:
        """Every document the search finds (unordered)."""
        if self.parsed.is_empty:
            return self.filtered
        return self._materialize(self.backend.filter_matching(self.filtered, self.parsed))

    def _materialize(self, matched: QuerySet) -> QuerySet:
        """Engines that can ("materialize") hold the match set once for the count, the
        ranking and every facet, instead of each re-reading documents and index."""
        materialize = getattr(self.backend, "materialize", None)
        if materialize is None:
            return matched
        matched, self._known_count = materialize(matched)
        return matched

    _known_count: int | None = None

    @cached_property
    def _count(self) -> int:
        matched = self.matched
        count = self._known_count if self._known_count is not None else matched.count()
        relaxed = self._relaxable() if count == 0 else None
        if relaxed is not None:
            self._known_count = None
            matched = self._materialize(self.backend.filter_matching(self.filtered, relaxed))
            count = self._known_count if self._known_count is not None else matched.count()
            if count:
                self._relax(relaxed)
                self.__dict__["matched"] = matched
        return count

    def _relaxable(self) -> ParsedQuery | None:
        """The query with any one word enough, for a search that found nothing with all
        (or most) of its words; None when it has fewer than two words to relax."""
        plain = [g for g in self.parsed.groups if not any(t.field for t in g)]
        if len(plain) >= 2 and self.parsed.min_match != 1:
            return self.parsed.with_groups(self.parsed.groups, min_match=1)
        return None

    def _relax(self, relaxed: ParsedQuery) -> None:
        """Answer with the relaxed query (``_relaxable``), and say so."""
        self.parsed, self.relaxed = relaxed, True
        self.notes.append(
            "No document has all of these words: showing those with any of them, "
            "those with the most first."
        )

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def facets(self, only: tuple[str, ...] | None = None) -> dict[str, list[FacetValue]]:
        """Counts of every facet (or of the facets named in ``only``) over all matches."""
        return count_facets(self.matched, only)

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, documents) over the whole result set, by earliest year (one query)."""
        from django.db.models import Count
        from django.db.models.functions import ExtractYear

        rows = (
            self.matched.filter(date_earliest__isnull=False)
            .annotate(y=ExtractYear("date_earliest"))
            .values("y")
            .annotate(n=Count("pk"))
            .order_by("y")
        )
        return [(r["y"], r["n"]) for r in rows]

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        return self._page(start, stop - start)

    def _ranked(self, offset: int, limit: int) -> list[tuple[int, float | None, dict]]:
        if self.parsed.groups and self.query.sort == "relevance":
            ranked = getattr(self.backend, "ranked", None)
            if ranked is not None:
                return ranked(self.matched, self.parsed, offset, limit)
            return [
                (pk, score, {})
                for pk, score in self.backend.ranked_ids(self.matched, self.parsed, offset, limit)
            ]
        order = ORDERINGS.get(self.query.sort, ORDERINGS["date"])
        ids = self.matched.order_by(*order).values_list("pk", flat=True)[offset : offset + limit]
        return [(pk, None, {}) for pk in ids]

    def _page(self, offset: int, limit: int) -> list[Hit]:
        from .. import budget
        from ..snippets import highlight

        if offset + limit > budget.MAX_WINDOW:
            budget.check_window(offset // max(limit, 1) + 1, limit)
        ranked = self._ranked(offset, limit)
        budget.check()
        ids = [pk for pk, _, _ in ranked]
        documents = Document.objects.with_listing().in_bulk(ids)
        marked = bool(self.parsed.groups) and self.highlighting
        texts, cut = layer_texts(ids, SNIPPET_HEAD) if marked else ({}, set())
        hits = []
        for pk, score, details in ranked:
            document = documents.get(pk)
            if document is None:  # an index entry the database no longer has (drift)
                continue
            hit = Hit(document=document, score=score)
            if marked:
                budget.check()
                marks = highlight(document, texts.get(pk, []), self.parsed)
                if not marks.snippet and pk in cut:  # the match lies further in
                    more = layer_texts([pk], budget.MAX_SNIPPET_TEXT)[0].get(pk, [])
                    marks = highlight(document, more, self.parsed)
                hit.title_html = marked_to_html(marks.title or document.title)
                hit.summary_html = marked_to_html(marks.summary or document.summary)
                hit.snippet_html = marked_to_html(marks.snippet) if marks.snippet else ""
                hit.layers, hit.snippet_layer = marks.layers, marks.snippet_layer
            else:
                hit.title_html = marked_to_html(document.title)
                hit.summary_html = marked_to_html(document.summary)
            if self.query.explain:
                hit.explain = {**details, "matched_in": ", ".join(hit.layers) or "names"}
            hits.append(hit)
        return hits


#: Snippets are cut from the first this many characters of a text layer's HTML (a long
#: treaty runs to 120 KB; reading it all for ten hits is most of a page's time). A hit
#: with no match there is read again whole.
SNIPPET_HEAD = 40_000


def layer_texts(
    ids: list[int], head: int | None = None
) -> tuple[dict[int, list[tuple[str, str]]], set[int]]:
    """{pk: [(layer, plain text)]} of the documents' translations and transcripts (one
    query), and the pks whose text was cut at ``head`` characters of HTML."""
    if not ids:
        return {}, set()
    layer = CharField()
    translations = (
        Translation.objects.filter(document_id__in=ids)
        .order_by()
        .annotate(layer=Value("translation", output_field=layer))
    )
    transcripts = (
        Transcript.objects.filter(document_id__in=ids)
        .order_by()
        .annotate(layer=Value("transcript", output_field=layer))
    )
    rows = translations.values_list("document_id", "layer", "html").union(
        transcripts.values_list("document_id", "layer", "html"), all=True
    )
    texts: dict[int, list[tuple[str, str]]] = {}
    cut: set[int] = set()
    for pk, name, html in rows:
        if head and len(html) > head:
            # Cut at ``head`` unless that falls inside a tag (cutting at the last tag's
            # start would leave nothing of one long paragraph).
            piece = html[:head]
            html = piece[: piece.rfind("<")] if piece.rfind("<") > piece.rfind(">") else piece
            cut.add(pk)
        texts.setdefault(pk, []).append((name, html_to_text(html)))
    return texts, cut


class SearchBackend:
    """Base of the engines: shared filtering; engines implement the text parts."""

    def search(self, query: SearchQuery) -> SearchResults:
        return SearchResults(self, query)

    #: True: index writes wait until the database transaction commits (an engine outside
    #: the database); False: they happen inside it (SQLite FTS5, PostgreSQL).
    deferred = False
    #: True: ``add`` needs each entry's ``facts`` (an engine that filters and counts facets
    #: by itself).
    indexes_facts = False

    def batch(self):
        """A context in which many writes are made at once (engines may batch them)."""
        return contextlib.nullcontext()

    def drift(self) -> str | None:
        """Why the index no longer matches the database, or None. An index inside the
        database's own transactions (FTS5, PostgreSQL) cannot drift."""
        return None

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
        """Optional and unused since highlighting moved to :mod:`chancery.search.snippets`."""
        return {}

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Archive words starting with ``prefix`` with document counts ("did you mean")."""
        return []

    def prefix_expansions(self, prefix: str, limit: int) -> int:
        """How many different words of the index ``prefix*`` stands for, counted up to
        ``limit`` (the cost budget refuses a prefix over it). Engines count in their own
        index; this default counts the archive's vocabulary."""
        from ..analysis import fold

        return len(self.vocabulary(fold(prefix), limit))
