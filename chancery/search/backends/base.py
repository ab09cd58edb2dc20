"""The contract every search engine keeps.

A backend indexes documents (add, add in bulk, delete, reset) and answers a
:class:`~chancery.search.query.SearchQuery` with a lazy :class:`SearchResults`: ``count()``
and slicing work like a queryset, so Django's paginator pages it; ``facets()`` counts every
facet over the whole result set, ``facet_heads()`` the same but labels only the first few
values of each (what a page lists).

The shared code compiles the query once into a :class:`~chancery.search.plan.SearchPlan`
(facet values, scope, field filters and restrictions resolved to ids; words expanded and
held to the budget; date bounds) and decides what no engine decides for itself: relaxing
a search that found nothing to "any word", the page's hits and their snippets. An engine
answers the plan through the protocol of :class:`SearchBackend` — ``count``, ``facets``,
``facet_heads``, ``year_counts``, ``undated_count``, ``page`` — and declares what else it
can do in ``supports_…`` class attributes the shared code reads.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from django.db.models import Q, QuerySet

from chancery.corpus.models import Document

from .. import budget, similar
from ..analysis import fold
from ..facets import FacetHead, FacetValue, head_of
from ..marks import MARK_CLOSE, MARK_OPEN, marked_to_html
from ..plan import NOTE_RELAXED, SearchPlan, compile_plan
from ..query import ParsedQuery, SearchQuery, Term
from ..snippets import Marks, marks_for
from .rows import published_documents

__all__ = ["MARK_CLOSE", "MARK_OPEN", "marked_to_html"]

#: Close spellings looked up for one word (``SearchBackend.close_words``).
CLOSE_WORDS = 8
#: One page of an engine's answer: (document pk, score or None, why it ranks there).
Ranked = list[tuple[int, float | None, dict]]


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
    ``translation`` and ``transcript`` are the layers apart, for engines that keep them so;
    ``machine`` is the machine-read text of the document's scans (never part of ``body``).
    """

    pk: int
    title: str
    summary: str
    body: str
    names: str = ""
    languages: list[str] = field(default_factory=list)
    translation: str = ""
    transcript: str = ""
    machine: str = ""
    #: What engines that filter and count by themselves need (see ``entries.read_entries``).
    facts: dict | None = None
    #: [(layer, plain text, cut)] of each text apart, its HTML cut at
    #: ``snippets.SNIPPET_HEAD`` characters: what engines that keep the hits' texts
    #: (``supports_stored_snippets``) store for snippets (always filled).
    shown: list[tuple[str, str, bool]] = field(default_factory=list)


class SearchResults:
    """Lazy results of one search; sliceable and countable like a queryset."""

    def __init__(self, backend: SearchBackend, query: SearchQuery):
        self.backend = backend
        self.query = query
        #: Notes of the shared code for the user (the relaxation).
        self.notes: list[str] = []
        #: Database conditions no facet covers (the Wilson API's contributor, donor …).
        self.restrictions: list[Q] = []
        #: False: hits without marks and snippets (for answers that show none).
        self.highlighting = True

    def restrict(self, condition: Q) -> None:
        """Keep only documents that meet a database condition; call before counting."""
        self.restrictions.append(condition)

    @cached_property
    def compiled(self) -> SearchPlan:
        """The plan as compiled, before any relaxation."""
        return compile_plan(self.query, self.backend, self.restrictions)

    @cached_property
    def plan(self) -> SearchPlan:
        """The plan the answer comes from: its rare words widened to their close spellings
        when it finds little (:mod:`~chancery.search.similar`), then relaxed to any word when
        every (or most) word found nothing and any one finds something."""
        plan = self.compiled
        if plan.has_text and self.backend.count(plan) <= similar.checked_up_to(plan):
            plan = plan.widen(self.backend)
        if self.backend.count(plan) == 0 and plan.relaxable:
            relaxed = plan.relax()
            if self.backend.count(relaxed):
                self.notes.append(NOTE_RELAXED)
                return relaxed
        return plan

    @property
    def parsed(self) -> ParsedQuery:
        """The words as searched (with their variants, relaxed if so)."""
        if "plan" in self.__dict__:
            return self.plan.parsed
        return self.compiled.parsed

    @property
    def relaxed(self) -> bool:
        return self.plan.relaxed

    @property
    def start(self):
        return self.compiled.start

    @property
    def end(self):
        return self.compiled.end

    @property
    def has_dates(self) -> bool:
        return bool(self.start or self.end)

    def count(self) -> int:
        return self.backend.count(self.plan)

    def __len__(self) -> int:
        return self.count()

    def facets(self, only: tuple[str, ...] | None = None) -> dict[str, list[FacetValue]]:
        """Counts of every facet (or of the facets named in ``only``) over all matches."""
        return self.backend.facets(self.plan, only)

    def facet_heads(self, limit: int) -> dict[str, FacetHead]:
        """Every facet's first ``limit`` values and those selected, with how many values
        each has (what a page lists beside the hits)."""
        return self.backend.facet_heads(self.plan, limit)

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, documents) over the whole result set, by earliest year."""
        return self.backend.year_counts(self.plan)

    def undated_count(self) -> int:
        """Undated documents the same search finds when its dates are left out."""
        return self.backend.undated_count(self.plan)

    def begin_summary(self, head: int | None = None) -> None:
        """Tell the engine the facets and years will be asked for (a page's): one that
        can starts counting them now, while the hits are found (on the plan as compiled;
        a plan widened or relaxed later is counted when asked). ``head``: only the first
        ``head`` values of each facet will be asked for (``facet_heads``)."""
        self.backend.begin_summary(self.compiled, head)

    @property
    def matched(self) -> QuerySet:
        """Every document the search finds (for tools and tests; pages use slices)."""
        count = self.count()
        ids = [pk for pk, _, _ in self.backend.page(self.plan, 0, count, "date")]
        return Document.objects.filter(pk__in=ids)

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        return self._hits(start, stop - start)

    def ranked(self, offset: int, limit: int) -> Ranked:
        """[(pk, score, details)] of one page, without reading the documents."""
        if offset + limit > budget.MAX_WINDOW:
            budget.check_window(offset // max(limit, 1) + 1, limit)
        plan = self.plan
        if limit <= 0 or offset >= self.count():
            return []
        return self.backend.page(plan, offset, limit, plan.sort)

    def _hits(self, offset: int, limit: int) -> list[Hit]:
        plan = self.plan
        ranked = self.ranked(offset, limit)
        budget.check()
        # Published ones only: an index outside the database's transactions may still hold
        # a document withdrawn a moment ago (or deleted: skipped too).
        documents = published_documents([pk for pk, _, _ in ranked])
        shown = [documents[pk] for pk, _, _ in ranked if pk in documents]
        marked = plan.has_text and self.highlighting
        marks = self.backend.snippets(plan, shown) if marked else {}
        hits = []
        for pk, score, details in ranked:
            document = documents.get(pk)
            if document is None:
                continue
            hit = Hit(document=document, score=score)
            found = marks.get(pk, Marks())
            hit.title_html = marked_to_html(found.title or document.title)
            hit.summary_html = marked_to_html(found.summary or document.summary)
            hit.snippet_html = marked_to_html(found.snippet) if found.snippet else ""
            hit.layers, hit.snippet_layer = found.layers, found.snippet_layer
            if self.query.explain:
                hit.explain = {**details, "matched_in": ", ".join(hit.layers) or "names"}
            hits.append(hit)
        return hits


class SearchBackend:
    """An engine: indexing, and answering a plan (the protocol below).

    Every method of the protocol takes the compiled plan and may keep its working state
    for it in ``plan.memo`` (a plan is one search). An engine that lacks a capability says
    so in its ``supports_…`` attributes; the shared code and the contract tests read them.
    """

    #: The engine's name as settings and reports give it.
    vendor: ClassVar[str] = ""
    #: The database vendor the index lives in (None: an index of its own, beside any).
    database: ClassVar[str | None] = None
    #: True: index writes wait until the database transaction commits (an engine outside
    #: the database, compared with it by ``drift`` and repaired from ``indexed_stamps``);
    #: False: they happen inside it (SQLite FTS5, PostgreSQL).
    deferred: ClassVar[bool] = False
    #: True: ``add`` needs each entry's ``facts`` (an engine that filters and counts facets
    #: by itself).
    indexes_facts: ClassVar[bool] = False
    #: True: the count, every facet and the year histogram come from one statement, so a
    #: search's queries do not grow with the facets; False: one query a facet (the ORM)
    #: or a label query a facet (an engine that counts by itself).
    summary_in_one_statement: ClassVar[bool] = False
    #: True: ``optimize`` compacts the index after a full reindex.
    supports_optimize: ClassVar[bool] = False
    #: True: the title order ignores case and accents ("Ciphered" before "CPSU"); False:
    #: it is the database's collation.
    supports_folded_title_order: ClassVar[bool] = False
    #: True: ``similar_terms`` looks words up in the engine's own vocabulary (spelling-
    #: tolerant matching, :mod:`chancery.search.similar`, and "did you mean"); False: the
    #: engine has none and no word is widened to close spellings.
    supports_similar_terms: ClassVar[bool] = False
    #: True: ``snippets`` reads the hits' texts from excerpts stored in the index (no query
    #: over the database's texts); False: the shared code reads them from the database.
    #: Either way the same code marks them, so readers see the same snippets.
    supports_stored_snippets: ClassVar[bool] = False

    def search(self, query: SearchQuery) -> SearchResults:
        return SearchResults(self, query)

    # answering a plan ---------------------------------------------------------------------

    def count(self, plan: SearchPlan) -> int:
        """How many documents the plan finds."""
        raise NotImplementedError

    def facets(self, plan: SearchPlan, only: tuple[str, ...] | None) -> dict[str, list[FacetValue]]:
        """Every facet's values (or those of ``only``) over all matches: authorities by
        count then label, decades ascending with undated last."""
        raise NotImplementedError

    def facet_heads(self, plan: SearchPlan, limit: int) -> dict[str, FacetHead]:
        """Every facet's values in ``facets``'s order cut to the first ``limit`` and those
        the plan selects further down (every decade), with each facet's number of values.
        This default labels every value (``facets``) and cuts the lists; an engine that
        labels values one by one labels only those it returns."""
        selected = plan.query.filters
        return {
            name: head_of(name, values, limit, selected.get(name, ()))
            for name, values in self.facets(plan, None).items()
        }

    def year_counts(self, plan: SearchPlan) -> list[tuple[int, int]]:
        """(year of the earliest date, documents) over all dated matches, by year."""
        raise NotImplementedError

    def undated_count(self, plan: SearchPlan) -> int:
        """Undated documents the plan finds when its dates are left out."""
        raise NotImplementedError

    def begin_summary(self, plan: SearchPlan, head: int | None = None) -> None:
        """The plan's facets and years will be asked for (with ``head``: the first
        ``head`` values of each facet, ``facet_heads``): an engine that can count them on
        another thread while this one finds the hits begins here (Tantivy); the others
        count them when asked."""

    def page(self, plan: SearchPlan, offset: int, limit: int, sort: str) -> Ranked:
        """One page of matches: by relevance (``sort`` "relevance" and words), else in the
        shared orders — date (undated last; earliest, then latest, then public id), newest
        first (latest, then earliest, then public id) or title."""
        raise NotImplementedError

    def snippets(self, plan: SearchPlan, documents: list[Document]) -> dict[int, Marks]:
        """Highlights and keyword-in-context snippets of one page's hits (in Python, the
        same on every engine)."""
        return marks_for(documents, plan.parsed)

    def labels_changed(self) -> None:
        """A facet value's label (an authority's name, a collection's title) was saved or
        deleted in this process: an engine that keeps labels beside its index forgets them."""

    # indexing -----------------------------------------------------------------------------

    def batch(self):
        """A context in which many writes are made at once (engines may batch them)."""
        return contextlib.nullcontext()

    def commit_batch(self) -> None:
        """Inside :meth:`batch`: make the writes so far searchable, and go on batching (an
        index inside the database follows its transactions instead)."""

    def drift(self, published: dict[int, int] | None = None) -> str | None:
        """Why the index no longer matches the database, or None. An index inside the
        database's own transactions (FTS5, PostgreSQL) cannot drift."""
        return None

    def indexed_stamps(self) -> dict[int, int]:
        """{pk: last-change stamp} of every document in the index (``deferred`` engines:
        what a repair compares with the database)."""
        raise NotImplementedError

    def add(self, entries: list[IndexEntry]) -> None:
        raise NotImplementedError

    def delete(self, pks: list[int]) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def optimize(self) -> None:
        """Compact the index (``supports_optimize``)."""

    def rebuilt(self) -> None:
        """The whole index was just built again (``chancery reindex``, or at start-up):
        what an earlier version of the index left may go (engines keeping files)."""

    def indexed_count(self) -> int:
        raise NotImplementedError

    # words of the archive -----------------------------------------------------------------

    def document_frequency(self, term: str, limit: int | None = None) -> int:
        """How many indexed documents a search for the word ``term`` finds (as the engine
        analyses it; 0 for none), counted up to ``limit`` where one is given (rare or not
        is all some callers ask). This default counts the matches of the word alone;
        engines that keep document frequencies read them."""
        plan = SearchPlan(query=SearchQuery(text=term), parsed=ParsedQuery(groups=[[Term(term)]]))
        found = self.count(plan)
        return found if limit is None else min(found, limit)

    def archive_size(self) -> int:
        """How many documents are indexed, for :meth:`document_frequency`'s share."""
        return self.indexed_count()

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Archive words starting with ``prefix`` with document counts ("did you mean")."""
        return []

    def similar_terms(self, word: str, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` words of the archive's vocabulary (titles, summaries and names,
        folded) one edit from the folded ``word`` (:func:`~chancery.search.suggest.neighbours`),
        with the documents using each, most used first (``supports_similar_terms``)."""
        raise NotImplementedError

    def close_words(self, word: str) -> list[tuple[str, int]]:
        """``similar_terms`` of the folded ``word`` (the most used first, up to
        ``CLOSE_WORDS``), looked up once per word by this engine instance: the search and its
        "did you mean" share it (``get_backend()`` makes one instance per request)."""
        memo: dict[str, list[tuple[str, int]]] = self.__dict__.setdefault("_close_words", {})
        if word not in memo:
            memo[word] = self.similar_terms(word, CLOSE_WORDS)
        return memo[word]

    def prefix_expansions(self, prefix: str, limit: int) -> int:
        """How many different words of the index ``prefix*`` stands for, counted up to
        ``limit`` (the cost budget refuses a prefix over it). This default counts the
        archive's vocabulary; engines that can count in their index do."""
        return len(self.vocabulary(fold(prefix), limit))
