"""SQLite FTS5: the embedded engine.

One FTS5 table, ``search_fts``, keyed by the document's primary key (its rowid), with
four columns weighted in bm25: title 10, summary 4, names 2, body 1. The porter stemmer
over unicode61 with diacritics removed, so "Gdańsk" finds "Gdansk" and "treaties"
finds "treaty".
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..query import ParsedQuery, Term
from .base import MARK_CLOSE, MARK_OPEN, IndexEntry, SearchBackend

TABLE = "search_fts"
COLUMNS = ("title", "summary", "body", "names")
WEIGHTS = (10.0, 4.0, 1.0, 2.0)
TOKENIZE = "porter unicode61 remove_diacritics 2"
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"{', '.join(COLUMNS)}, tokenize = '{TOKENIZE}')"
)


def _term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + " *" if term.prefix else quoted


def match_expression(terms_groups: list[list[Term]]) -> str:
    parts = []
    for group in terms_groups:
        alternatives = [_term(t) for t in group]
        parts.append(alternatives[0] if len(alternatives) == 1 else
                     "(" + " OR ".join(alternatives) + ")")  # fmt: skip
    return " AND ".join(parts)


def _match_ids(expression: str) -> RawSQL:
    # The expression is a bound parameter; only our own table name is interpolated.
    return RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression])  # noqa: S608, S611


class SQLiteFTS5Backend(SearchBackend):
    vendor = "sqlite"

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [e.pk for e in entries])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                [(e.pk, e.title, e.summary, e.body, e.names) for e in entries],
            )

    def _delete(self, cursor, pks: list[int]) -> None:
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def delete(self, pks: list[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, list(pks))

    def reset(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")  # noqa: S608

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return cursor.fetchone()[0]

    def filter_matching(self, qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
        if parsed.groups:
            qs = qs.filter(pk__in=_match_ids(match_expression(parsed.groups)))
        if parsed.excluded:
            qs = qs.exclude(pk__in=_match_ids(match_expression([[t] for t in parsed.excluded])))
        return qs

    def ranked_ids(self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int):
        inner, params = matched.values("pk").query.sql_with_params()
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"SELECT rowid, bm25({TABLE}, {weights}) AS score FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s AND rowid IN ({inner}) "
            "ORDER BY score, rowid LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(parsed.groups), *params, limit, offset])
            # bm25() is lower-is-better; report higher-is-better like every other engine.
            return [(pk, -score) for pk, score in cursor.fetchall()]

    def highlights(self, pks: list[int], parsed: ParsedQuery) -> dict[int, tuple[str, str, str]]:
        if not pks:
            return {}
        marks = ", ".join(["%s"] * len(pks))
        o, c = MARK_OPEN, MARK_CLOSE
        sql = (
            f"SELECT rowid, highlight({TABLE}, 0, %s, %s), highlight({TABLE}, 1, %s, %s), "  # noqa: S608
            f"snippet({TABLE}, 2, %s, %s, '…', 28) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid IN ({marks})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [o, c, o, c, o, c, match_expression(parsed.groups), *pks])
            return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
