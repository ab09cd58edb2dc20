"""The FTS5 engine: FTS5 matches and ranks (bm25, then the shared reranking); the matches
are held once per search and counted there (:mod:`.summary`); the ORM
(:mod:`chancery.search.backends.orm`) filters and orders."""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chancery.corpus.models import Document

from ... import ranking
from ...analysis import analyse, fold, query_tokens
from ...facets import FACETS, FacetValue
from ...kept import current_stamp
from ...plan import TEXT_FIELDS, SearchPlan
from ...query import ParsedQuery, Term
from ...snippets import Marks, Shown, marks_for
from ...suggest import most_used, neighbours
from .. import orm
from ..base import IndexEntry, Ranked, SearchBackend
from .compile import (
    _coverage_sql,
    _group,
    _match_sql,
    _term,
    firm_expression,
    group_expressions,
    proximity_expression,
    sure_expression,
    title_expression,
)
from .schema import COLUMNS, SHOWN, TABLE, WORDS
from .summary import Matches, materialize

#: The vocabulary's words by database, as last read: {database name: (content stamp,
#: words)}. Read whole (a few milliseconds for tens of thousands of words) and kept until
#: the archive's content stamp (:func:`chancery.search.kept.current_stamp`) moves — a
#: write by any process, an import or a restore — and dropped at once when this process
#: writes the index: a batch of exact look-ups in the ``fts5vocab`` view costs more than
#: the whole read. With no stamp to trust (a write a moment ago) it is read and not kept.
_WORDS_READ: dict[str, tuple[str, frozenset[str]]] = {}


class SQLiteFTS5Backend(SearchBackend):
    """FTS5 matches and ranks; :mod:`.summary` counts a search's matches, held once; the
    ORM (:mod:`..orm`) filters, orders, and counts when no word is given."""

    vendor = "sqlite"
    database = "sqlite"
    supports_optimize = True
    supports_similar_terms = True
    supports_stored_snippets = True

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        _WORDS_READ.clear()
        with connection.cursor() as cursor:
            self._delete(cursor, [e.pk for e in entries])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, words, {', '.join(COLUMNS)}) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        e.pk,
                        len(e.body.split()) + len(e.summary.split()),
                        analyse(e.title),
                        analyse(e.summary),
                        analyse(e.translation or ("" if e.transcript else e.body)),
                        analyse(e.transcript),
                        analyse(e.names),
                        analyse(e.machine),
                    )
                    for e in entries
                ],
            )
            cursor.executemany(
                f"INSERT INTO {WORDS} (rowid, words) VALUES (%s, %s)",  # noqa: S608
                [(e.pk, f"{e.title} {e.summary} {e.names}") for e in entries],
            )
            cursor.executemany(
                f"INSERT INTO {SHOWN} (id, shown) VALUES (%s, %s)",  # noqa: S608
                [(e.pk, json.dumps(e.shown, ensure_ascii=False)) for e in entries],
            )

    def _delete(self, cursor, pks: list[int]) -> None:
        _WORDS_READ.clear()
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608
            cursor.execute(f"DELETE FROM {WORDS} WHERE rowid IN ({marks})", chunk)  # noqa: S608
            cursor.execute(f"DELETE FROM {SHOWN} WHERE id IN ({marks})", chunk)  # noqa: S608

    def delete(self, pks: list[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, list(pks))

    def reset(self) -> None:
        _WORDS_READ.clear()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {WORDS}")  # noqa: S608
            cursor.execute(f"DELETE FROM {SHOWN}")  # noqa: S608

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")  # noqa: S608
            cursor.execute(f"INSERT INTO {WORDS}({WORDS}) VALUES ('optimize')")  # noqa: S608

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return cursor.fetchone()[0]

    def archive_size(self) -> int:
        """Counted in FTS5's own table of row sizes (a plain b-tree), not by reading rows."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}_docsize")  # noqa: S608
            return cursor.fetchone()[0]

    def snippets(self, plan: SearchPlan, documents: list[Document]) -> dict[int, Marks]:
        """The hits' snippets cut from their stored excerpts (``search_shown``, one query);
        a hit indexed before the excerpts were kept has its texts read from the database."""
        return marks_for(documents, plan.parsed, self.shown([d.pk for d in documents]))

    def shown(self, pks: list[int]) -> dict[int, list[Shown]]:
        """{pk: [(layer, plain text, cut)]} of the documents whose excerpts are stored."""
        if not pks:
            return {}
        marks = ", ".join(["%s"] * len(pks))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, shown FROM {SHOWN} WHERE id IN ({marks})", pks)  # noqa: S608
            rows = cursor.fetchall()
        return {pk: [(name, text, cut) for name, text, cut in json.loads(raw)] for pk, raw in rows}

    # answering a plan -------------------------------------------------------------------

    def count(self, plan: SearchPlan) -> int:
        matches = self._matches(plan)
        return matches.count() if matches else self._filtered(plan)[1]

    def facets(self, plan: SearchPlan, only: tuple[str, ...] | None) -> dict[str, list[FacetValue]]:
        matches = self._matches(plan)
        if matches:
            return matches.facets(only or tuple(FACETS))
        return orm.count_facets(self._filtered(plan)[0], only)

    def year_counts(self, plan: SearchPlan) -> list[tuple[int, int]]:
        matches = self._matches(plan)
        return matches.years() if matches else orm.year_counts(self._filtered(plan)[0])

    def undated_count(self, plan: SearchPlan) -> int:
        matches = self._matches(plan)
        if matches:
            return matches.undated()
        return orm.filtered(plan, dates=False).filter(date_earliest__isnull=True).count()

    def page(self, plan: SearchPlan, offset: int, limit: int, sort: str) -> Ranked:
        matches = self._matches(plan)
        if matches and plan.has_text and sort == "relevance":
            return self._ranked(matches, plan, offset, limit)
        matched = matches.queryset() if matches else self._filtered(plan)[0]
        return orm.ordered(matched, sort, offset, limit)

    def _matches(self, plan: SearchPlan) -> Matches | None:
        """With words: the plan's matches, evaluated once (:mod:`.summary`); None without."""
        if not plan.matches_text:
            return None
        if "matches" not in plan.memo:
            matching = self._matching(orm.filtered(plan, dates=False), plan.parsed)
            plan.memo["matches"] = materialize(matching, plan)
        return plan.memo["matches"]

    def _filtered(self, plan: SearchPlan) -> tuple[QuerySet, int]:
        """Without words: the plan's filtered documents and how many (counted once)."""
        if "filtered" not in plan.memo:
            filtered = orm.filtered(plan)
            plan.memo["filtered"] = (filtered, filtered.count())
        return plan.memo["filtered"]

    def _positive_sql(self, parsed: ParsedQuery) -> tuple[str, list] | None:
        expressions = group_expressions(parsed)
        if not expressions:
            return None
        if parsed.min_match and parsed.min_match < len(expressions):
            sql, params = _coverage_sql(expressions, parsed.min_match)
            return f"SELECT rowid FROM ({sql})", params  # noqa: S608
        return _match_sql(" AND ".join(expressions))

    def _matching(self, qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """``qs`` narrowed to the documents matching the words (and no exclusion)."""
        positive = self._positive_sql(parsed)
        if positive:
            qs = qs.filter(pk__in=RawSQL(*positive))  # noqa: S611
        excluded = " OR ".join(e for e in (_group([t], None) for t in parsed.excluded) if e)
        if excluded:
            qs = qs.exclude(pk__in=RawSQL(*_match_sql(excluded)))  # noqa: S611
        return qs

    def _ranked(self, matches: Matches, plan: SearchPlan, offset: int, limit: int) -> Ranked:
        """[(pk, score, details)] best first; details say why (for ?explain=1).

        bm25 over every match picks the best candidates (those matching the most word
        groups first); :mod:`chancery.search.ranking` reranks them like every engine.
        """
        parsed = plan.parsed
        expressions = group_expressions(parsed)
        if not expressions:
            return []
        inner = matches.inside
        weights = ", ".join(str(w) for w in (0.0, *TEXT_FIELDS.values()))
        if parsed.min_match and parsed.min_match < len(expressions):
            coverage, coverage_params = _coverage_sql(expressions, parsed.min_match)
            join = f"JOIN ({coverage}) AS cov ON cov.rowid = {TABLE}.rowid"
            text = "(" + ") OR (".join(expressions) + ")"
            groups_sql = "cov.n"
        else:
            join, coverage_params = "", []
            text = " AND ".join(expressions)
            groups_sql = str(len(expressions))
        flags, flag_params = [], []
        for expression in (proximity_expression(plan), title_expression(parsed)):
            if expression:
                flags.append(
                    f"(CASE WHEN {TABLE}.rowid IN (SELECT rowid FROM {TABLE} "  # noqa: S608
                    f"WHERE {TABLE} MATCH %s) THEN 1 ELSE 0 END)"
                )
                flag_params.append(expression)
            else:
                flags.append("0")
        firm, sure = "1", "1"
        for name, expression in (("firm", firm_expression(plan)), ("sure", sure_expression(plan))):
            if expression:
                flag = (
                    f"(CASE WHEN {TABLE}.rowid IN (SELECT rowid FROM {TABLE} "  # noqa: S608
                    f"WHERE {TABLE} MATCH %s) THEN 1 ELSE 0 END)"
                )
                firm, sure = (flag, sure) if name == "firm" else (firm, flag)
                flag_params.append(expression)
        # "+rowid": the planner must not drive the FTS5 scan from the document list (that
        # costs a MATCH per document: seconds on a broad query). Lengths are read for the
        # candidates only; the candidates are those the reranking would put first.
        pool = offset + limit + ranking.RERANK_POOL
        # The flags' names are none of the table's columns: in an ORDER BY expression a
        # column's name wins over a result's ("title" would be the title's text).
        sql = (
            f"SELECT top.rowid, top.score, top.n, f.words, top.is_near, top.in_title, "  # noqa: S608
            f"top.is_firm, top.is_sure FROM (SELECT {TABLE}.rowid AS rowid, "
            f"bm25({TABLE}, {weights}) AS score, {groups_sql} AS n, {flags[0]} AS is_near, "
            f"{flags[1]} AS in_title, {firm} AS is_firm, {sure} AS is_sure FROM {TABLE} {join} "
            f"WHERE {TABLE} MATCH %s AND +{TABLE}.rowid IN ({inner}) "
            f"ORDER BY n DESC, is_sure DESC, is_firm DESC, "
            f"score * (1 + {ranking.PROXIMITY_BOOST} * is_near) "
            f"* (1 + {ranking.TITLE_BOOST} * in_title) LIMIT %s"
            f") AS top JOIN {TABLE} AS f ON f.rowid = top.rowid"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*flag_params, *coverage_params, text, pool])
            rows = cursor.fetchall()
        candidates = [
            ranking.Candidate(
                pk,
                -score,
                n,
                words=words or 0,
                near=bool(near),
                in_title=bool(title),
                generated_only=not firm,
                similar_only=not sure,
            )
            for pk, score, n, words, near, title, firm, sure in rows
        ]
        return ranking.rerank(candidates, len(expressions), offset, limit)

    def prefix_expansions(self, prefix: str, limit: int) -> int:
        """Different index terms ``prefix*`` stands for, up to ``limit``: read from an
        ``fts5vocab`` view of the index (connection-private, made on first use), which
        walks the terms in order and stops at ``limit``."""
        tokens = query_tokens(prefix, prefix=True)
        token = fold(tokens[0]) if tokens else ""
        if not token:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TABLE}_terms "
                f"USING fts5vocab(main, {TABLE}, 'row')"
            )
            cursor.execute(
                f"SELECT count(*) FROM (SELECT term FROM temp.{TABLE}_terms "  # noqa: S608
                "WHERE term >= %s AND term < %s LIMIT %s)",
                [token, token + "\U0010ffff", limit],
            )
            return cursor.fetchone()[0]

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Archive words starting with ``prefix`` and how many documents use each."""
        if not prefix:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {WORDS}_vocab WHERE term >= %s AND term < %s LIMIT %s",  # noqa: S608
                [prefix, prefix + "\U0010ffff", limit],
            )
            return cursor.fetchall()

    def document_frequency(self, term: str, limit: int | None = None) -> int:
        """Documents matching the word, counted by FTS5 (up to ``limit`` where given)."""
        expression = _term(Term(term))
        if not expression:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} "  # noqa: S608
                f"WHERE {TABLE} MATCH %s LIMIT %s)",
                [expression, -1 if limit is None else limit],
            )
            return cursor.fetchone()[0]

    def similar_terms(self, word: str, limit: int) -> list[tuple[str, int]]:
        """The word's one-edit neighbours that the vocabulary holds (a set, see
        ``_WORDS_READ``), with their document counts from its ``fts5vocab`` view."""
        held = sorted(neighbours(fold(word)) & self._words())
        if not held:
            return []
        marks = ", ".join(["%s"] * len(held))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {WORDS}_vocab WHERE term IN ({marks})",  # noqa: S608
                held,
            )
            return most_used(dict(cursor.fetchall()), limit)

    def _words(self) -> frozenset[str]:
        """Every word of the vocabulary (``_WORDS_READ``)."""
        name = str(connection.settings_dict["NAME"])
        stamp = current_stamp()
        known = _WORDS_READ.get(name)
        if stamp is not None and known is not None and known[0] == stamp:
            return known[1]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term FROM {WORDS}_vocab")  # noqa: S608
            words = frozenset(term for (term,) in cursor.fetchall())
        if stamp is not None:
            _WORDS_READ[name] = (stamp, words)
        return words
