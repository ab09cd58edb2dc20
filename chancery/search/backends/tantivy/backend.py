"""The Tantivy engine: writing the index, comparing it with the database, answering plans."""

from __future__ import annotations

import contextlib
import shutil

import tantivy

from chancery.corpus.models import Document

from ... import kept
from ...analysis import fold, query_tokens
from ...facets import FACETS, FacetHead, FacetValue
from ...indexing import published_fingerprint, repair_now_and_then
from ...plan import SearchPlan
from ...query import SearchQuery, Term
from ...snippets import Marks, marks_for
from ...suggest import most_used, neighbours
from ..base import IndexEntry, Ranked, SearchBackend, SearchResults
from .query import term_query
from .schema import (
    COLUMNS,
    SCHEMA,
    WRITING,
    acquire_writer,
    current_searcher,
    int_values,
    older_index_dirs,
    open_index,
    to_document,
)
from .searching import Searching, forget_labels, labelled, labelled_head, undated_keys


class TantivyBackend(SearchBackend):
    """The index in a folder beside the database; see the module's docstring."""

    vendor = "tantivy"
    #: Index writes wait for the database transaction to commit (see indexing.schedule).
    deferred = True
    indexes_facts = True
    supports_folded_title_order = True
    supports_similar_terms = True
    supports_stored_snippets = True

    @property
    def _writer(self):
        return getattr(WRITING, "writer", None)

    # answering a plan -------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        repair_now_and_then()
        return super().search(query)

    def labels_changed(self) -> None:
        forget_labels()

    def _searching(self, plan: SearchPlan) -> Searching:
        if "searching" not in plan.memo:
            plan.memo["searching"] = Searching(plan)
        return plan.memo["searching"]

    def count(self, plan: SearchPlan) -> int:
        return self._searching(plan).count

    def facets(self, plan: SearchPlan, only: tuple[str, ...] | None) -> dict[str, list[FacetValue]]:
        wanted = list(only or FACETS)
        searching = self._searching(plan)
        if not searching.count:
            return {name: [] for name in wanted}
        if only is None or searching.summarised:
            counts = searching.summary(wanted)  # every facet and the years, one aggregation
        else:
            counts = searching.aggregate(wanted, undated_keys(wanted))
        stamp = kept.current_stamp()  # once: outside a request each read is a query
        return {name: labelled(name, counts[name], stamp) for name in wanted}

    def begin_summary(self, plan: SearchPlan, head: int | None = None) -> None:
        self._searching(plan).begin_summary(head)

    def facet_heads(self, plan: SearchPlan, limit: int) -> dict[str, FacetHead]:
        """Counted like ``facets`` (one aggregation), labelled and ordered only as far as
        the heads need: a broad word's hundreds of collections are counted, a dozen of
        them labelled; when the page began the count (``begin_summary(head)``), only the
        first values are counted, and a facet whose head needs more is counted whole."""
        searching = self._searching(plan)
        if not searching.count:
            return {name: FacetHead([], False) for name in FACETS}
        counts = searching.summary(complete=())
        selected = {f.spec.name: set(f.known) for f in plan.facets}
        stamp = kept.current_stamp()
        heads = {}
        for name in FACETS:
            chosen = selected.get(name, ())
            whole = name not in searching.cut
            head = labelled_head(name, counts[name], stamp, limit, chosen, whole)
            if head is None:  # its first values are not enough: count them all
                every = searching.summary(complete=[name])[name]
                head = labelled_head(name, every, stamp, limit, chosen)
            assert head is not None
            heads[name] = head
        return heads

    def year_counts(self, plan: SearchPlan) -> list[tuple[int, int]]:
        searching = self._searching(plan)
        if not searching.count:
            return []
        years = (
            searching.summary(complete=["year"])["year"]
            if searching.summarised
            else searching.aggregate(["year"], {})["year"]
        )
        return sorted((int(year), n) for year, n in years.items())

    def undated_count(self, plan: SearchPlan) -> int:
        """From the aggregation of the facets when it ran (a page's: one pass)."""
        return self._searching(plan).undated()

    def snippets(self, plan: SearchPlan, documents: list[Document]) -> dict[int, Marks]:
        """The hits' snippets from the excerpts stored in the index (no query over the
        database's texts), marked by the shared code."""
        stored = self._searching(plan).shown([d.pk for d in documents])
        return marks_for(documents, plan.parsed, stored)

    def page(self, plan: SearchPlan, offset: int, limit: int, sort: str) -> Ranked:
        searching = self._searching(plan)
        if plan.has_text and sort == "relevance":
            return searching.by_relevance(offset, limit)
        return searching.in_order(sort, offset, limit)

    # writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self):
        """One writer and one commit for many adds and deletes (reindex, imports)."""
        if self._writer is not None:
            yield
            return
        index = open_index()
        writer = acquire_writer(index)
        WRITING.writer = writer
        try:
            yield
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            WRITING.writer = None
            del writer
            index.reload()

    def commit_batch(self) -> None:
        # the writer, its indexing thread and its merges carry on: a commit per writer
        # would wait for every merge to end (wait_merging_threads) before the next chunk
        if self._writer is not None:
            self._writer.commit()

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        with self.batch():
            for entry in entries:
                self._writer.delete_documents_by_term("pk", entry.pk)
                self._writer.add_document(to_document(entry))

    def delete(self, pks: list[int]) -> None:
        if not pks:
            return
        with self.batch():
            for pk in pks:
                self._writer.delete_documents_by_term("pk", pk)

    def reset(self) -> None:
        with self.batch():
            self._writer.delete_all_documents()

    def rebuilt(self) -> None:
        # An upgrade's new index version starts in a folder of its own; the old one (1.1 GB
        # at 1,000,000 documents) is read by nothing once this one is built.
        for folder in older_index_dirs():
            shutil.rmtree(folder, ignore_errors=True)

    def indexed_count(self) -> int:
        return current_searcher().num_docs

    # the index against the database -------------------------------------------------------

    def fingerprint(self) -> tuple[int, int, int]:
        """(documents, sum of their pks, sum of their last-change times) in the index."""
        index = open_index()
        index.reload()
        searcher = index.searcher()
        if not searcher.num_docs:
            return (0, 0, 0)
        stats = searcher.aggregate(
            tantivy.Query.all_query(),
            {"pk": {"stats": {"field": "pk"}}, "stamp": {"stats": {"field": "stamp"}}},
        )
        return (
            int(stats["pk"]["count"]),
            int(round(stats["pk"]["sum"])),
            int(round(stats["stamp"]["sum"])),
        )

    def drift(self, published: dict[int, int] | None = None) -> str | None:
        """Why the index no longer matches the database's published documents, or None.

        ``published``: their {pk: stamp} when the caller has read them already."""
        if published is None:
            count, total, stamps = published_fingerprint()
        else:
            count, total, stamps = len(published), sum(published), sum(published.values())
        indexed = self.fingerprint()
        if indexed == (count, total, stamps):
            return None
        if indexed[0] != count:
            return f"the index holds {indexed[0]} documents, the database publishes {count}"
        return "the index holds other versions of some documents than the database"

    def indexed_stamps(self) -> dict[int, int]:
        """{pk: stamp} of every document in the index (what a repair compares)."""
        index = open_index()
        index.reload()
        searcher = index.searcher()
        if not searcher.num_docs:
            return {}
        hits = searcher.search(tantivy.Query.all_query(), searcher.num_docs).hits
        addresses = [address for _, address in hits]
        pks = int_values(searcher, "pk", addresses)
        stamps = int_values(searcher, "stamp", addresses)
        return dict(zip(pks, stamps, strict=True))

    # reading ----------------------------------------------------------------------------

    def prefix_expansions(self, prefix: str, limit: int) -> int:
        """Different terms ``prefix*`` stands for in the text fields, up to ``limit`` (the
        regex query expands to each of them)."""
        tokens = query_tokens(prefix, prefix=True)
        token = fold(tokens[0]) if tokens else ""
        if not token:
            return 0
        searcher = current_searcher()
        terms: set[str] = set()
        for column in COLUMNS:
            terms.update(t for t, _ in searcher.terms_with_prefix(column, token, limit=limit))
            if len(terms) >= limit:
                break
        return len(terms)

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        if not prefix:
            return []
        searcher = current_searcher()
        return [
            (term, n)
            for term, n in searcher.terms_with_prefix("vocabulary", fold(prefix), limit=limit)
        ]

    def document_frequency(self, term: str, limit: int | None = None) -> int:
        """Documents matching the word in any text field (counted whole: Tantivy counts
        in its posting lists)."""
        query = term_query(Term(term))
        if query is None:
            return 0
        found = current_searcher().search(query, 1, count=True).count  # type: ignore[attr-defined]
        return found if limit is None else min(found, limit)

    def similar_terms(self, word: str, limit: int) -> list[tuple[str, int]]:
        """The word's one-edit neighbours looked up in the term dictionary of the
        ``vocabulary`` field (each a lookup)."""
        searcher = current_searcher()
        held = [t for t in neighbours(fold(word)) if searcher.doc_freq("vocabulary", t)]
        # doc_freq counts deleted documents until their segment is merged: count the few
        # words held in the live documents.
        found = {
            t: searcher.search(
                tantivy.Query.term_query(SCHEMA, "vocabulary", t), 1, count=True
            ).count  # type: ignore[attr-defined]
            for t in held
        }
        return most_used(found, limit)
