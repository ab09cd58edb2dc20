"""PostgreSQL full-text search: the engine for archives that outgrow one machine.

One table, ``search_pg``, one row per published document, keyed by its primary key. The
weighted ``tsvector`` is a generated column, so PostgreSQL keeps it current on every write
to the row: title A, summary B, names C, translation and transcript D, ranked by
``ts_rank_cd`` (cover density: words close together rank higher) with weights
1.0 / 0.4 / 0.2 / 0.1, the SQLite engine's bm25 weights 10 : 4 : 2 : 1. A GIN index
serves ``@@``.

Text search configurations, all folding diacritics with ``unaccent``: the transcript (the
original) is analysed in its document's language, ``chancery_russian`` for Russian
(Russian stems for Cyrillic words, English stems for ASCII ones), ``chancery_english`` for
English or untagged documents and ``chancery_simple`` (no stemming) for the other
languages; title, summary, names and translation (the archive's descriptive language) use
``chancery_english``, or ``chancery_russian`` on a Russian document. A query word is
looked up through each configuration it may have been indexed with, OR-ed together.
Chinese and Japanese runs become character bigrams on both sides, as on SQLite.

Highlighting and snippets are shared by every engine (:mod:`chancery.search.snippets`);
``vocabulary`` ("did you mean") reads an unstemmed ``words`` vector with ``ts_stat``.
"""

from __future__ import annotations

import re

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chancery.corpus.models import Document

from ..analysis import WORD, bigrams, has_cjk
from ..query import ParsedQuery, Term
from .base import IndexEntry, SearchBackend

TABLE = "search_pg"
#: Our configuration name -> (PostgreSQL configuration copied, stemmer for non-ASCII words).
CONFIGS = {
    "chancery_english": ("english", "english_stem"),
    "chancery_russian": ("russian", "russian_stem"),
    "chancery_simple": ("simple", "simple"),
}
#: ISO 639-2/B language code -> configuration of a document's original text.
LANGUAGE_CONFIGS = {"eng": "chancery_english", "rus": "chancery_russian"}
#: For ?explain=1 (shown with these field names) and ts_rank_cd's {D, C, B, A} below.
COLUMNS = ("title", "summary", "translation", "transcript", "names")
WEIGHTS = (1.0, 0.4, 0.1, 0.1, 0.2)
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
#: tsvector positions stop at 16,383 and its size at 1 MB: index this much of a text.
MAX_INDEXED = 1_000_000
#: Documents whose words ``vocabulary`` reads ("did you mean" needs no more).
VOCABULARY_SAMPLE = 20_000

CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    *(
        statement
        for name, (base, stem) in CONFIGS.items()
        for statement in (
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base})",
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stem}",
        )
    ),
    f"""CREATE TABLE {TABLE} (
        document_id bigint PRIMARY KEY,
        meta_config regconfig NOT NULL,
        text_config regconfig NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        names text NOT NULL,
        translation text NOT NULL,
        transcript text NOT NULL,
        vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector(meta_config, title), 'A')
            || setweight(to_tsvector(meta_config, summary), 'B')
            || setweight(to_tsvector(meta_config, names), 'C')
            || setweight(to_tsvector(meta_config, left(translation, {MAX_INDEXED})), 'D')
            || setweight(to_tsvector(text_config, left(transcript, {MAX_INDEXED})), 'D')
        ) STORED,
        words tsvector GENERATED ALWAYS AS (
            to_tsvector('chancery_simple', title || ' ' || summary || ' ' || names)
        ) STORED
    )""",
    f"CREATE INDEX {TABLE}_vector ON {TABLE} USING gin (vector) WITH (fastupdate = off)",
]
DROP_SQL = [
    f"DROP TABLE IF EXISTS {TABLE}",
    *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in CONFIGS),
]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Text layers -> (configuration column, text column) a layer-limited query re-checks.
LAYER_TEXT = {
    "translation": ("meta_config", "translation"),
    "transcript": ("text_config", "transcript"),
}


def configs_for(languages: list[str], meta_text: str = "", transcript: str = "") -> tuple[str, str]:
    """(configuration of the descriptive fields, of the transcript) for a document.

    Text with Cyrillic in it is analysed as Russian whatever the declared language: the
    Russian configuration stems ASCII words as English too, so nothing is lost.
    """
    if "rus" in languages:
        return "chancery_russian", "chancery_russian"
    if not languages or "eng" in languages:
        text = "chancery_english"
    else:
        found = (LANGUAGE_CONFIGS[c] for c in languages if c in LANGUAGE_CONFIGS)
        text = next(found, "chancery_simple")
    meta = "chancery_russian" if _CYRILLIC.search(meta_text) else "chancery_english"
    return meta, "chancery_russian" if _CYRILLIC.search(transcript) else text


_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


def prepare(text: str) -> str:
    """Text as stored: no NUL (PostgreSQL refuses it), hyphens as spaces (as SQLite's
    tokenizer reads them: "Hung-chang" is the two words of "Hung chang", not a third
    compound token that would break the phrase), CJK runs as bigrams."""
    text = _HYPHEN.sub(" ", (text or "").replace("\x00", " "))
    if has_cjk(text):
        from ..analysis import _CJK_RUN

        text = _CJK_RUN.sub(lambda m: " ".join(bigrams(m.group())), text)
    return text


def _tokens(text: str) -> list[str]:
    return [t for word in WORD.findall(prepare(text)) for t in word.split()]


def term_sql(term: Term, weight: str = "") -> tuple[str, list[str]] | None:
    """A tsquery matching ``term`` in every configuration it may be indexed with."""
    tokens = _tokens(term.text)
    if not tokens:
        return None
    label = "A" if term.field == "title" else weight
    suffix = (":*" if term.prefix else ":") + label if (term.prefix or label) else ""
    text = " <-> ".join(f"'{t}'{suffix}" for t in tokens)
    first = "chancery_russian" if _CYRILLIC.search(term.text) else "chancery_english"
    parts = [f"to_tsquery('{c}', %s)" for c in (first, "chancery_simple")]
    return "(" + " || ".join(parts) + ")", [text, text]


def any_of(terms: list[Term], weight: str = "") -> tuple[str, list[str]] | None:
    found = [q for q in (term_sql(t, weight) for t in terms) if q]
    if not found:
        return None
    return "(" + " || ".join(sql for sql, _ in found) + ")", [p for _, ps in found for p in ps]


def group_queries(parsed: ParsedQuery) -> list[tuple[str, list[str]]]:
    weight = "B" if parsed.layer == "summary" else ""
    return [q for q in (any_of(g, weight) for g in parsed.groups) if q]


def _and(queries: list[tuple[str, list[str]]], joiner: str = " && ") -> tuple[str, list[str]]:
    return "(" + joiner.join(sql for sql, _ in queries) + ")", [p for _, ps in queries for p in ps]


def _coverage(queries: list[tuple[str, list[str]]], at_least: int) -> tuple[str, list]:
    """Rows matching at least ``at_least`` of the queries, with how many: each query is one
    GIN index scan, so no row's (large) vector is read to count."""
    scans = [f"SELECT document_id FROM {TABLE} WHERE vector @@ {q}" for q, _ in queries]  # noqa: S608
    sql = (
        f"SELECT document_id, count(*) AS n FROM ({' UNION ALL '.join(scans)}) AS m "  # noqa: S608
        "GROUP BY document_id HAVING count(*) >= %s"
    )
    return sql, [*(p for _, ps in queries for p in ps), at_least]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    @staticmethod
    def _writer():
        return connections[router.db_for_write(Document)]

    @staticmethod
    def _reader():
        return connections[router.db_for_read(Document)]

    # indexing ---------------------------------------------------------------------------

    def add(self, entries: list[IndexEntry]) -> None:
        if not entries:
            return
        rows = []
        for e in entries:
            translation = e.translation or ("" if e.transcript else e.body)
            described = " ".join((e.title, e.summary, e.names, translation))
            meta, text = configs_for(list(e.languages or []), described, e.transcript)
            rows.append(
                (
                    e.pk,
                    meta,
                    text,
                    prepare(e.title),
                    prepare(e.summary),
                    prepare(e.names),
                    prepare(translation),
                    prepare(e.transcript),
                )  # fmt: skip
            )
        with self._writer().cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (document_id, meta_config, text_config, title, summary, "  # noqa: S608
                "names, translation, transcript) "
                "VALUES (%s, %s::regconfig, %s::regconfig, %s, %s, %s, %s, %s) "
                "ON CONFLICT (document_id) DO UPDATE SET meta_config = EXCLUDED.meta_config, "
                "text_config = EXCLUDED.text_config, title = EXCLUDED.title, "
                "summary = EXCLUDED.summary, names = EXCLUDED.names, "
                "translation = EXCLUDED.translation, transcript = EXCLUDED.transcript",
                rows,
            )

    def delete(self, pks: list[int]) -> None:
        pks = list(pks)
        if pks:
            with self._writer().cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE document_id = ANY(%s)", [pks])  # noqa: S608

    def reset(self) -> None:
        # DELETE, not TRUNCATE: readers keep the old index until a reindex commits.
        with self._writer().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    def optimize(self) -> None:
        with self._writer().cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def indexed_count(self) -> int:
        with self._reader().cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return cursor.fetchone()[0]

    # querying ---------------------------------------------------------------------------

    def _positive(self, parsed: ParsedQuery) -> tuple[str, list] | None:
        """SQL selecting the matching rows' ids (before exclusions), or None."""
        queries = group_queries(parsed)
        if not queries:
            return None
        relaxed = parsed.min_match and parsed.min_match < len(queries)
        query, params = _and(queries, " || " if relaxed else " && ")
        where = f"vector @@ {query}"
        if parsed.layer in LAYER_TEXT:
            config, column = LAYER_TEXT[parsed.layer]
            where += f" AND to_tsvector({config}, left({column}, {MAX_INDEXED})) @@ {query}"
            params = params * 2
        if relaxed:
            coverage, coverage_params = _coverage(queries, parsed.min_match)
            if parsed.layer not in LAYER_TEXT:
                return f"SELECT document_id FROM ({coverage}) AS cov", coverage_params  # noqa: S608
            where += f" AND document_id IN (SELECT document_id FROM ({coverage}) AS cov)"  # noqa: S608
            params = [*params, *coverage_params]
        return f"SELECT document_id FROM {TABLE} WHERE {where}", params  # noqa: S608

    def filter_matching(self, qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
        # Only our table, column and configuration names are interpolated; words are parameters.
        positive = self._positive(parsed)
        if positive:
            qs = qs.filter(pk__in=self._matching_ids(qs.db, *positive))
        excluded = any_of(parsed.excluded)
        if excluded:
            sql = f"SELECT document_id FROM {TABLE} WHERE vector @@ {excluded[0]}"  # noqa: S608
            qs = qs.exclude(pk__in=RawSQL(sql, excluded[1]))  # noqa: S611
        return qs

    @staticmethod
    def _matching_ids(alias: str, sql: str, params: list) -> RawSQL:
        """The matching ids, found once: the count and every facet query reuse the list
        instead of each re-running the text match (which reads every matching row's vector
        when a word is common)."""
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])  # noqa: S611

    def ranked_ids(self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int):
        return [(pk, score) for pk, score, _ in self.ranked(matched, parsed, offset, limit)]

    def ranked(self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int):
        """[(pk, score, details)] best first; details say why (for ?explain=1)."""
        queries = group_queries(parsed)
        if not queries:
            return []
        inner, inner_params = matched.values("pk").query.sql_with_params()
        any_query, any_params = _and(queries, " || ")
        if len(queries) > 1:
            coverage, coverage_params = _coverage(queries, 1)
            n, join = "cov.n", f"JOIN ({coverage}) AS cov ON cov.document_id = s.document_id"
        else:
            n, join, coverage_params = "1", "", []
        sql = (
            f"SELECT s.document_id, ts_rank_cd('{RANK_WEIGHTS}', s.vector, {any_query}, 1), "  # noqa: S608
            f"{n} FROM {TABLE} AS s {join} WHERE s.document_id IN ({inner}) "
            "ORDER BY 3 DESC, 2 DESC, s.document_id LIMIT %s OFFSET %s"
        )
        with connections[matched.db].cursor() as cursor:
            cursor.execute(sql, [*any_params, *coverage_params, *inner_params, limit, offset])
            rows = cursor.fetchall()
        total = len(queries)
        return [
            (pk, float(score), {"ts_rank_cd": float(score), "groups_matched": f"{n} of {total}"})
            for pk, score, n in rows
        ]

    def vocabulary(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Archive words (folded, unstemmed) starting with ``prefix``, with document counts."""
        if not prefix:
            return []
        sample = f"SELECT words FROM {TABLE} LIMIT {VOCABULARY_SAMPLE}"  # noqa: S608
        with self._reader().cursor() as cursor:
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat(%s) WHERE word >= %s AND word < %s LIMIT %s",
                [sample, prefix, prefix + "\U0010ffff", limit],
            )
            return cursor.fetchall()
