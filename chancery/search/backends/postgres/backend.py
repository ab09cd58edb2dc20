"""The PostgreSQL engine: indexing into ``search_pg`` and answering a plan from its rows."""

# ruff: noqa: S608

from __future__ import annotations

import json

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chancery.corpus.models import Document

from ...analysis import fold
from ...facets import FacetValue
from ...plan import SearchPlan
from ...snippets import Marks, Shown, marks_for
from ...suggest import most_used, neighbours
from .. import orm
from ..base import IndexEntry, Ranked, SearchBackend
from .compile import Match, date_condition, plan_match
from .ranking import by_date, by_relevance
from .schema import (
    CYRILLIC,
    FACT_COLUMNS,
    LINKS,
    STATS,
    TABLE,
    TERMS,
    VOCABULARY_SAMPLE,
    configs_for,
    count_terms,
    facts_sql,
    fetch,
    prepare,
    recount_terms,
    word_count,
)
from .summary import Summary, summarize


class PostgresBackend(SearchBackend):
    """Every count, facet and ranking of one search from the ``search_pg`` rows: one
    statement counts and facets, one or two rank; the documents are read only for the page
    of hits. Nothing is written, so a read replica answers too."""

    vendor = "postgresql"
    database = "postgresql"
    summary_in_one_statement = True
    supports_optimize = True
    supports_similar_terms = True
    supports_stored_snippets = True

    @staticmethod
    def _writer():
        return connections[router.db_for_write(Document)]

    @staticmethod
    def _reader():
        return connections[router.db_for_read(Document)]

    # answering a plan -------------------------------------------------------------------

    def _summary(self, plan: SearchPlan) -> Summary:
        if "summary" not in plan.memo:
            if plan.dates:
                summary = summarize(plan_match(plan, dates=False), date_condition(plan))
            else:
                summary = summarize(plan_match(plan))
            plan.memo["summary"] = summary
        return plan.memo["summary"]

    def count(self, plan: SearchPlan) -> int:
        return self._summary(plan).count

    def facets(self, plan: SearchPlan, only: tuple[str, ...] | None) -> dict[str, list[FacetValue]]:
        found = self._summary(plan).facets
        return {name: values for name, values in found.items() if not only or name in only}

    def year_counts(self, plan: SearchPlan) -> list[tuple[int, int]]:
        return self._summary(plan).years

    def undated_count(self, plan: SearchPlan) -> int:
        """Counted with the rest (``summarize``) when the search has dates."""
        if plan.dates:
            return self._summary(plan).undated
        sql, params = plan_match(plan).select("count(*)", also="s.earliest IS NULL")
        return fetch(sql, params)[0][0]

    def page(self, plan: SearchPlan, offset: int, limit: int, sort: str) -> Ranked:
        match = plan_match(plan)
        if plan.has_text and sort == "relevance":
            count = self.count(plan)
            if match.text is None or offset >= count:
                return []
            return by_relevance(match, len(plan.groups), offset, limit, count)
        if sort == "title" or not plan.has_text:
            # Without words, the documents' date index walks the archive in order faster.
            return orm.ordered(_documents(match), sort, offset, limit)
        page: Ranked = [(pk, None, {}) for pk in by_date(match, sort == "-date", offset, limit)]
        return page

    def snippets(self, plan: SearchPlan, documents: list[Document]) -> dict[int, Marks]:
        """The hits' snippets cut from their stored excerpts (``search_pg.shown``, one query
        by primary key); a hit indexed before the excerpts were kept (0013) has its texts
        read from the database."""
        return marks_for(documents, plan.parsed, self.shown([d.pk for d in documents]))

    def shown(self, pks: list[int]) -> dict[int, list[Shown]]:
        """{pk: [(layer, plain text, cut)]} of the documents whose excerpts are stored."""
        if not pks:
            return {}
        rows = fetch(
            f"SELECT document_id, shown FROM {TABLE} "
            "WHERE document_id = ANY(%s::bigint[]) AND shown IS NOT NULL",
            [list(pks)],
        )
        return {pk: [(name, text, cut) for name, text, cut in json.loads(raw)] for pk, raw in rows}

    # indexing ---------------------------------------------------------------------------

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        rows: list[tuple] = []
        for e in entries:
            translation = e.translation or ("" if e.transcript else e.body)
            described = " ".join((e.title, e.summary, e.names, translation))
            meta, text = configs_for(list(e.languages or []), described, e.transcript or e.machine)
            texts = [prepare(t) for t in (e.title, e.summary, e.names, translation,
                                          e.transcript, e.machine)]  # fmt: skip
            shown = json.dumps(e.shown, ensure_ascii=False)
            rows.append((e.pk, meta, text, *texts, word_count(*texts), shown))
        pks: list[int] = [row[0] for row in rows]
        with self._writer().cursor() as cursor:
            count_terms(cursor, pks, -1)  # the rows replaced, if any
            # The facts are read from the document rows in the same statement: the index
            # is written in the transaction that changed them, so they are current.
            columns = ("meta_config", "text_config", "title", "summary", "names",
                       "translation", "transcript", "machine", "length", "shown",
                       *FACT_COLUMNS)  # fmt: skip
            cursor.executemany(
                f"INSERT INTO {TABLE} (document_id, {', '.join(columns)}) "
                "SELECT v.id, v.meta::regconfig, v.text::regconfig, v.title, v.summary, "
                f"v.names, v.translation, v.transcript, v.machine, v.length, v.shown, "
                f"{facts_sql('v.id', 'f')} "
                "FROM (VALUES (%s::bigint, %s, %s, %s, %s, %s, %s, %s, %s, %s::integer, %s)) "
                "AS v (id, meta, text, title, summary, names, translation, transcript, machine, "
                "length, shown) "
                f"JOIN {Document._meta.db_table} f ON f.id = v.id "
                "ON CONFLICT (document_id) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns),
                rows,
            )
            count_terms(cursor, pks, 1)

    def delete(self, pks: list[int]) -> None:
        pks = list(pks)
        if pks:
            with self._writer().cursor() as cursor:
                # The trigger search_pg_uncounted takes them away from the counts.
                cursor.execute(f"DELETE FROM {TABLE} WHERE document_id = ANY(%s)", [pks])

    def reset(self) -> None:
        # DELETE, not TRUNCATE: readers keep the old index until a reindex commits.
        with self._writer().cursor() as cursor:
            # Counted afresh below, not taken away row by row by search_pg_uncounted.
            cursor.execute("SELECT set_config('chancery.uncount', 'off', true)")
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute("SELECT set_config('chancery.uncount', 'on', true)")
            recount_terms(cursor)

    def optimize(self) -> None:
        with self._writer().cursor() as cursor:
            recount_terms(cursor)
            cursor.execute(f"ANALYZE {TABLE}")
            cursor.execute(f"ANALYZE {LINKS}")

    def indexed_count(self) -> int:
        with self._reader().cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def document_frequency(self, term: str, limit: int | None = None) -> int:
        """From the document frequencies the indexer keeps (``search_pg_terms``): the
        word's lexeme in the English (or Russian) and the simple configuration, the more
        frequent of them (up to ``limit`` where one is given)."""
        word = term
        config = "chancery_russian" if CYRILLIC.search(word) else "chancery_english"
        rows = fetch(
            f"SELECT coalesce(max(documents), 0) FROM {TERMS} WHERE lexeme IN ("
            "SELECT unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s) "
            "|| to_tsvector('chancery_simple', %s))))",
            [config, prepare(word), prepare(word)],
        )
        found = int(rows[0][0])
        return found if limit is None else min(found, limit)

    def archive_size(self) -> int:
        rows = fetch(f"SELECT documents FROM {STATS}", [])
        return int(rows[0][0]) if rows else 0

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Archive words (folded, unstemmed) starting with ``prefix``, with document counts."""
        if not prefix:
            return []
        sample = f"SELECT words FROM {TABLE} LIMIT {VOCABULARY_SAMPLE}"
        with self._reader().cursor() as cursor:
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat(%s) WHERE word >= %s AND word < %s LIMIT %s",
                [sample, prefix, prefix + "\U0010ffff", limit],
            )
            return cursor.fetchall()

    def similar_terms(self, word: str, limit: int) -> list[tuple[str, int]]:
        """The word's one-edit neighbours found in the unstemmed ``words`` vectors: the
        rows holding any of them (the GIN index of 0011_postgres_words_index), then
        ``ts_stat`` of those rows counts each."""
        candidates = sorted(neighbours(fold(word)))
        if not candidates:
            return []
        either = " | ".join(f"'{c}'" for c in candidates if c.isalpha() and c.isascii())
        rows = fetch(
            "SELECT word, ndoc FROM ts_stat(format('SELECT words FROM "
            f"{TABLE} WHERE words @@ %%L::tsquery', %s::text)) WHERE word = ANY(%s)",
            [either, candidates],
        )
        return most_used(dict(rows), limit)


def _documents(match: Match) -> QuerySet:
    """The matches as a queryset (for the ORM's orders)."""
    sql, params = match.select("s.document_id")
    return Document.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611
