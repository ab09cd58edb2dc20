"""PostgreSQL full-text search: the engine for archives that outgrow one machine.

One table, ``search_pg``, one row per published document, keyed by its primary key. The
weighted ``tsvector`` is a generated column, so PostgreSQL keeps it current on every write
to the row: title A, summary B, names C, translation and transcript D, ranked by
``ts_rank_cd`` (cover density: words close together rank higher) with weights
1.0 / 0.4 / 0.2 / 0.1, the SQLite engine's bm25 weights 10 : 4 : 2 : 1. A GIN index
serves ``@@``. Each row also carries its document's facts (type, decade, year, the ids of
its collections, subjects, places, languages and repositories), so that a search counts
and facets its matches without reading the documents.

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

import itertools
import re
from functools import cached_property

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chancery.corpus.models import Document

from ..analysis import WORD, bigrams, has_cjk
from ..facets import FACETS, FacetValue
from ..query import ParsedQuery, Term
from .base import IndexEntry, SearchBackend, SearchResults

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
#: Temporary tables a connection holds matches in, used in turn (see ``_hold_table``).
HELD_TABLES = 8
#: Matches ranked with their whole vector; more are first ranked on their head vector.
CANDIDATES = 1000
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
#: Characters of each text layer in the head vector (migration 0004_postgres_head).
HEAD_CHARS = 1500
HEAD_SQL = [
    # Storage MAIN: kept in the row (compressed if need be) while the long texts go to
    # TOAST, so ranking on it costs no extra fetch. One statement: one table rewrite.
    f"""ALTER TABLE {TABLE} ADD COLUMN head tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(meta_config, title), 'A')
        || setweight(to_tsvector(meta_config, summary), 'B')
        || setweight(to_tsvector(meta_config, names), 'C')
        || setweight(to_tsvector(meta_config, left(translation, {HEAD_CHARS})), 'D')
        || setweight(to_tsvector(text_config, left(transcript, {HEAD_CHARS})), 'D')
    ) STORED,
    ALTER COLUMN head SET STORAGE MAIN""",
]
#: The facts a search counts and ranks without reading the documents (migration
#: 0005_postgres_facts): type, decade, year of the earliest date, and the ids of each
#: many-to-many facet. Written with the text, inside the same transaction, so they follow
#: the document as the text does.
FACT_COLUMNS = {
    "doc_type": "bigint",
    "decade": "integer",
    "year": "integer",
    "collections": "bigint[]",
    "subjects": "bigint[]",
    "places": "bigint[]",
    "languages": "text[]",
    "repositories": "bigint[]",
}
#: The many-to-many facets -> their column (named after the Document field).
LINK_FACETS = {
    "collection": "collections",
    "subject": "subjects",
    "place": "places",
    "language": "languages",
    "repository": "repositories",
}
#: The held tables' copies of them (same names).
HELD_FACTS = tuple(FACT_COLUMNS)


def _facts_sql(document: str) -> str:
    """The facts columns' values for the document whose id is the SQL ``document``."""
    documents = Document._meta.db_table
    values = [
        f"(SELECT f.doc_type_id FROM {documents} f WHERE f.id = {document})",  # noqa: S608
        f"(SELECT f.decade FROM {documents} f WHERE f.id = {document})",  # noqa: S608
        f"(SELECT EXTRACT(YEAR FROM f.date_earliest)::integer FROM {documents} f "  # noqa: S608
        f"WHERE f.id = {document})",
    ]
    for name in LINK_FACETS.values():
        field = Document._meta.get_field(name)
        through = field.remote_field.through._meta.db_table
        values.append(
            f"ARRAY(SELECT f.{field.m2m_reverse_name()} FROM {through} f "  # noqa: S608
            f"WHERE f.{field.m2m_column_name()} = {document} ORDER BY 1)"
        )
    return ", ".join(values)


def facts_sql() -> list[str]:
    """Add the facts columns and fill them for the rows already indexed (one rewrite)."""
    columns = ", ".join(
        f"ADD COLUMN {name} {kind}" + (" NOT NULL DEFAULT '{}'" if kind.endswith("[]") else "")
        for name, kind in FACT_COLUMNS.items()
    )
    names = ", ".join(FACT_COLUMNS)
    return [
        f"ALTER TABLE {TABLE} {columns}",
        f"UPDATE {TABLE} SET ({names}) = ({_facts_sql(f'{TABLE}.document_id')})",  # noqa: S608
        *GONE_SQL,
    ]


#: A plain search trusts the search table to hold only published documents (no join with
#: the documents). Signals keep it so; these triggers keep it so also when the documents
#: change behind Django's back: a TRUNCATE (``flush``), a queryset ``update`` of the status.
_DOCUMENTS = Document._meta.db_table
GONE_SQL = [
    f"""CREATE FUNCTION {TABLE}_gone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM {TABLE};
        ELSE
            DELETE FROM {TABLE} WHERE document_id = OLD.id;
        END IF;
        RETURN NULL;
    END $$""",  # noqa: S608
    f"CREATE TRIGGER {TABLE}_truncated AFTER TRUNCATE ON {_DOCUMENTS} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_gone()",
    f"CREATE TRIGGER {TABLE}_deleted AFTER DELETE ON {_DOCUMENTS} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_gone()",
    f"CREATE TRIGGER {TABLE}_unpublished AFTER UPDATE OF status ON {_DOCUMENTS} "
    f"FOR EACH ROW WHEN (NEW.status <> '{Document.PUBLISHED}') EXECUTE FUNCTION {TABLE}_gone()",
]
GONE_DROP_SQL = [
    *(
        f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON {_DOCUMENTS}"
        for event in ("truncated", "deleted", "unpublished")
    ),
    f"DROP FUNCTION IF EXISTS {TABLE}_gone()",
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
    scans = [f"SELECT document_id FROM {TABLE} WHERE vector @@ (SELECT {q})" for q, _ in queries]  # noqa: S608
    sql = (
        f"SELECT document_id, count(*) AS n FROM ({' UNION ALL '.join(scans)}) AS m "  # noqa: S608
        "GROUP BY document_id HAVING count(*) >= %s"
    )
    return sql, [*(p for _, ps in queries for p in ps), at_least]


_held = itertools.count()


def _hold_table(cursor) -> str:
    """A connection-private temporary table for one set of matches (pk, groups matched),
    emptied. Tables are reused in turn, so that the few searches of one request (the
    search, its undated count, a relaxed retry, "did you mean") do not overwrite each other.
    """
    name = f"search_held_{next(_held) % HELD_TABLES}"
    # One round trip; "IF NOT EXISTS" every time: a rolled-back transaction drops a new table.
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} "
        "(pk bigint NOT NULL, n integer NOT NULL, head real NOT NULL, "
        + ", ".join(f"{column} {kind}" for column, kind in FACT_COLUMNS.items())
        + "); "
        f"TRUNCATE {name}"
    )
    return f"pg_temp.{name}"


def _writable(alias: str) -> bool:
    """False on a hot standby (a read replica), where no temporary table can be created."""
    connection = connections[alias]
    connection.ensure_connection()
    info = connection.connection.info
    return not any(
        info.parameter_status(name) == "on"
        for name in ("in_hot_standby", "default_transaction_read_only")
    )


def _without_excluded(qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
    excluded = any_of(parsed.excluded)
    if not excluded:
        return qs
    sql = f"SELECT document_id FROM {TABLE} WHERE vector @@ (SELECT {excluded[0]})"  # noqa: S608
    return qs.exclude(pk__in=RawSQL(sql, excluded[1]))  # noqa: S611


def _only_published(qs: QuerySet) -> bool:
    """True when ``qs`` selects the published documents and nothing narrower."""
    plain = Document.objects.published().order_by()
    try:
        return str(qs.order_by().query) == str(plain.query)
    except Exception:  # noqa: BLE001 — a query that cannot print (empty IN) is a narrower one
        return False


class PostgresResults(SearchResults):
    """Results whose match set is held in a temporary table (see ``PostgresBackend``):
    the facets and the year histogram are counted from it in one statement, and the
    ranking reads it, instead of each re-joining the match to the documents."""

    @property
    def held(self) -> str | None:
        return getattr(self.matched, "held", None)

    @cached_property
    def _summaries(self) -> dict:
        return {}

    def _summary(self, only: tuple[str, ...] | None):
        key = tuple(only) if only else None
        if key not in self._summaries:
            self._summaries[key] = summarize(self.matched.db, self.held, only)
        return self._summaries[key]

    def facets(self, only: tuple[str, ...] | None = None) -> dict[str, list[FacetValue]]:
        if self.held is None:
            return super().facets(only)
        if only is None and None in self._summaries:
            return self._summaries[None][0]
        return self._summary(only)[0]

    def year_counts(self) -> list[tuple[int, int]]:
        if self.held is None:
            return super().year_counts()
        return self._summary(None)[1]

    def undated_count(self) -> int:
        """Reuses the held match (the text is not matched again)."""
        match = getattr(self.matched, "match", None)
        if match is None or self.parsed.is_empty:
            return super().undated_count()
        qs = self.undated_base.filter(date_earliest__isnull=True)
        qs = qs.filter(pk__in=RawSQL(f"SELECT pk FROM {match}", []))  # noqa: S611, S608
        return _without_excluded(qs, self.parsed).count()

    def _ranked(self, offset: int, limit: int) -> list[tuple[int, float | None, dict]]:
        if self.held is not None and self.parsed.groups and self.query.sort == "relevance":
            return self.backend.ranked_held(self.matched, self.parsed, offset, limit, self.count())
        return super()._ranked(offset, limit)


#: Facet name -> (Document field, column of the value shown and linked, label column).
FACET_COLUMNS = {
    "collection": ("collections", "slug", "title"),
    "subject": ("subjects", "slug", "name"),
    "place": ("places", "slug", "name"),
    "language": ("languages", "code", "name"),
    "repository": ("repositories", "slug", "name"),
    "type": ("doc_type", "slug", "name"),
}
#: Facets (and the year histogram) read from the document rows: one join, grouping sets.
ROW_FACETS = ("type", "decade", "year")


def _link_facets_sql(indexes: dict[str, int], held: str) -> tuple[str, list[str]]:
    """The many-to-many facets' counts in one pass over the held rows, which carry each
    facet's ids: (facet, value, label, count, order). The rows are grouped by their id
    arrays first (a few hundred distinct arrays for 100,000 rows; unnesting every row's
    arrays costs twice as much), then the arrays are unnested and summed, then labelled."""
    wanted = [name for name in LINK_FACETS if name in indexes]
    columns = [LINK_FACETS[name] for name in wanted]
    flags = ", ".join(f"GROUPING({c}) AS g_{c}" for c in columns)
    sets = ", ".join(f"({c})" for c in columns)
    parts = []
    for name, column in zip(wanted, columns, strict=True):
        _, key, label = FACET_COLUMNS[name]
        target = Document._meta.get_field(column).related_model._meta
        parts.append(
            f"SELECT {indexes[name]}, t.{key}::text, t.{label}::text, x.n, -x.n FROM ("  # noqa: S608
            f"SELECT v, sum(l.n)::bigint AS n FROM l, unnest(l.{column}) AS v "
            f"WHERE l.g_{column} = 0 GROUP BY v) AS x "
            f"JOIN {target.db_table} t ON t.{target.pk.column} = x.v"
        )
    return (
        f"l AS (SELECT {', '.join(columns)}, {flags}, count(*) AS n FROM {held} "  # noqa: S608
        f"GROUP BY GROUPING SETS ({sets}))",
        parts,
    )


def _row_facets_sql(indexes: dict[str, int], held: str) -> str:
    """Type, decade and year counts in one pass over the held rows (which carry them)."""
    types = Document._meta.get_field("doc_type").related_model._meta
    columns = {"type": "h.doc_type", "decade": "h.decade", "year": "h.year"}
    wanted = [name for name in ROW_FACETS if name in indexes]
    sets = ", ".join(f"({columns[name]})" for name in wanted)
    flags = ", ".join(f"GROUPING({columns[name]}) AS g_{name}" for name in wanted)
    values = ", ".join(f"{columns[name]} AS {name}" for name in wanted)
    parts = []
    if "type" in indexes:
        parts.append(
            f"SELECT {indexes['type']}, t.slug::text, t.name::text, g.n, -g.n FROM g "  # noqa: S608
            f"JOIN {types.db_table} t ON t.{types.pk.column} = g.type WHERE g.g_type = 0"
        )
    if "decade" in indexes:
        parts.append(
            f"SELECT {indexes['decade']}, g.decade::text, NULL, g.n, g.decade FROM g "  # noqa: S608
            "WHERE g.g_decade = 0"
        )
    if "year" in indexes:
        parts.append(
            f"SELECT {indexes['year']}, NULL, NULL, g.n, g.year FROM g "  # noqa: S608
            "WHERE g.g_year = 0 AND g.year IS NOT NULL"
        )
    return (
        f"g AS (SELECT {values}, {flags}, count(*) AS n FROM {held} h "  # noqa: S608
        f"GROUP BY GROUPING SETS ({sets}))",
        parts,
    )


def summarize(alias: str, held: str, only: tuple[str, ...] | None):
    """(facets, year counts) over the held matches in one statement: the same values and
    order as :func:`chancery.search.facets.count_facets` (count desc, then label; decades
    ascending, undated last) and ``SearchResults.year_counts``; years only without ``only``."""
    names = [name for name in FACETS if not only or name in only]
    indexes = {name: i for i, name in enumerate(names)}
    if not only:
        indexes["year"] = len(names)
    ctes, parts = [], []
    links = {name: i for name, i in indexes.items() if name in LINK_FACETS}
    if links:
        cte, link_parts = _link_facets_sql(links, held)
        ctes, parts = [cte], link_parts
    rows = {name: i for name, i in indexes.items() if name in ROW_FACETS}
    if rows:
        cte, row_parts = _row_facets_sql(rows, held)
        ctes, parts = [*ctes, cte], parts + row_parts
    cte = f"WITH {', '.join(ctes)} " if ctes else ""
    if not parts:
        return {}, []
    sql = cte + " UNION ALL ".join(f"({part})" for part in parts) + " ORDER BY 1, 5, 3, 2"
    facets: dict[str, list[FacetValue]] = {name: [] for name in names}
    year_counts = []
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        for index, value, label, n, order in cursor.fetchall():
            if index == len(names):
                year_counts.append((order, n))
            elif names[index] == "decade":
                facets["decade"].append(
                    FacetValue(value, f"{value}s", n)
                    if value is not None
                    else FacetValue("undated", "Undated", n)
                )
            else:
                facets[names[index]].append(FacetValue(value, label, n))
    return facets, year_counts


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
            # The facts are read from the document rows in the same statement: the index
            # is written in the transaction that changed them, so they are current.
            columns = ("meta_config", "text_config", "title", "summary", "names",
                       "translation", "transcript", *FACT_COLUMNS)  # fmt: skip
            cursor.executemany(
                f"INSERT INTO {TABLE} (document_id, {', '.join(columns)}) "  # noqa: S608
                "SELECT v.id, v.meta::regconfig, v.text::regconfig, v.title, v.summary, "
                f"v.names, v.translation, v.transcript, {_facts_sql('v.id')} "
                "FROM (VALUES (%s::bigint, %s, %s, %s, %s, %s, %s, %s)) "
                "AS v (id, meta, text, title, summary, names, translation, transcript) "
                "ON CONFLICT (document_id) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns),
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

    def search(self, query) -> PostgresResults:
        return PostgresResults(self, query)

    def _positive(self, parsed: ParsedQuery) -> tuple[str, list] | None:
        """SQL selecting the matching rows (before exclusions) as (document_id, groups
        matched, rank on the head vector, then the facts columns), or None.

        Each text query is a sub-select, ``vector @@ (SELECT query)``: the planner then
        cannot estimate how many rows match and always takes the GIN index. With the
        query as a constant it estimates well, and for a word in most documents prefers a
        sequential scan; but that reads (detoasts) every row's whole vector, 20× slower
        than the index, which answers a plain word without reading any vector. The head
        vector is in the row the index scan reads anyway: ranking on it costs little.
        """
        queries = group_queries(parsed)
        if not queries:
            return None
        relaxed = parsed.min_match and parsed.min_match < len(queries)
        query, params = _and(queries, " || " if relaxed else " && ")
        any_query, any_params = _and(queries, " || ")
        # ts_rank, not ts_rank_cd: a third of the cost (no cover search over positions).
        head = f"ts_rank('{RANK_WEIGHTS}', s.head, {any_query}, 1)"
        layer = LAYER_TEXT.get(parsed.layer or "")
        text = f"to_tsvector(s.{layer[0]}, left(s.{layer[1]}, {MAX_INDEXED}))" if layer else ""
        facts = ", ".join(f"s.{name}" for name in FACT_COLUMNS)
        if relaxed:
            coverage, coverage_params = _coverage(queries, parsed.min_match)
            where = f"WHERE {text} @@ (SELECT {query})" if layer else ""
            return (
                f"SELECT cov.document_id, cov.n, {head}, {facts} FROM ({coverage}) AS cov "  # noqa: S608
                f"JOIN {TABLE} AS s ON s.document_id = cov.document_id {where}",
                [*any_params, *coverage_params, *(params if layer else [])],
            )
        where = f"s.vector @@ (SELECT {query})"
        if layer:
            where += f" AND {text} @@ (SELECT {query})"
            params = params * 2
        return (
            f"SELECT s.document_id, {len(queries)}, {head}, {facts} "  # noqa: S608
            f"FROM {TABLE} AS s WHERE {where}",
            [*any_params, *params],
        )

    def filter_matching(self, qs: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """``qs`` narrowed to the matching documents. On a primary the matches are first
        copied into a temporary table (``held_match`` on the returned queryset, for
        ``materialize``); on a read replica the match stays a sub-select."""
        # Only our table, column and configuration names are interpolated; words are parameters.
        qs = _without_excluded(qs, parsed)
        positive = self._positive(parsed)
        if not positive:
            return qs
        sql, params = positive
        if not _writable(qs.db):
            matching = RawSQL(f"SELECT document_id FROM ({sql}) AS p", params)  # noqa: S611, S608
            return qs.filter(pk__in=matching)
        with connections[qs.db].cursor() as cursor:
            held = _hold_table(cursor)
            cursor.execute(
                f"INSERT INTO {held} (pk, n, head, {', '.join(HELD_FACTS)}) {sql}",  # noqa: S608
                params,
            )
            found = cursor.rowcount
        rest = qs
        qs = qs.filter(pk__in=RawSQL(f"SELECT pk FROM {held}", []))  # noqa: S611, S608
        # For ``materialize``: the match, and the documents' conditions without it (joined
        # once, the planner sees the held table's size and picks a hash join when it is big).
        qs.held_match, qs.held_rest, qs.held_found = held, rest, found
        return qs

    def materialize(self, matched: QuerySet) -> tuple[QuerySet, int | None]:
        """The matched documents (after filters and exclusions) held in a temporary table
        with how many groups each matched and their facts, and how many there are (the
        insert's row count): the count, the ranking, the facets and the histogram all read
        it. Without a held match (a read replica) nothing is copied.

        With no condition besides "published" (a plain search: the search table holds
        exactly the published documents) the held match is the result: no document is
        read. Otherwise the documents passing the conditions are joined with the match
        once; the facts still come from the match.
        """
        match = getattr(matched, "held_match", None)
        if match is None:
            return matched, None
        if _only_published(matched.held_rest):
            held, count = match, matched.held_found
        else:
            inner, params = matched.held_rest.order_by().values_list("pk").query.sql_with_params()
            facts = ", ".join(HELD_FACTS)
            with connections[matched.db].cursor() as cursor:
                held = _hold_table(cursor)
                cursor.execute(
                    f"INSERT INTO {held} (pk, n, head, {facts}) "  # noqa: S608
                    f"SELECT m.pk, m.n, m.head, {', '.join(f'm.{f}' for f in HELD_FACTS)} "
                    f"FROM ({inner}) AS d (pk) JOIN {match} AS m ON m.pk = d.pk",
                    params,
                )
                count = cursor.rowcount
        qs = Document.objects.using(matched.db).filter(pk__in=RawSQL(f"SELECT pk FROM {held}", []))  # noqa: S611, S608
        qs.held, qs.match = held, match
        return qs, count

    def ranked_ids(self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int):
        return [(pk, score) for pk, score, _ in self.ranked(matched, parsed, offset, limit)]

    def ranked_held(
        self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int, count: int
    ):
        """``ranked`` over matches held in a temporary table (``matched.held``).

        Up to :data:`CANDIDATES` matches are ranked exactly, with their whole vector. More
        (a broad word) were ranked on their small head vector as they were found; the
        best :data:`CANDIDATES` by that rank are re-ranked with the whole vector and come
        first, the rest follow in head order: one total order, so pages never overlap,
        and only a few hundred whole vectors are read whatever the number of matches.
        """
        queries = group_queries(parsed)
        if not queries:
            return []
        any_query, any_params = _and(queries, " || ")
        rank = f"ts_rank_cd('{RANK_WEIGHTS}', s.vector, {any_query}, 1)"
        held = matched.held
        if count <= CANDIDATES:
            sql = (
                f"SELECT h.pk, {rank}, h.n, true FROM {held} AS h "  # noqa: S608
                f"JOIN {TABLE} AS s ON s.document_id = h.pk "
                "ORDER BY 3 DESC, 2 DESC, 1 LIMIT %s OFFSET %s"
            )
        else:
            best = max(CANDIDATES, offset + limit)
            sql = (
                f"WITH c AS MATERIALIZED (SELECT pk, n, head FROM {held} "  # noqa: S608
                f"ORDER BY n DESC, head DESC, pk LIMIT {best}), "
                "t AS (SELECT pk, n, head, "
                f"row_number() OVER (ORDER BY n DESC, head DESC, pk) <= {CANDIDATES} AS top "
                f"FROM c) SELECT t.pk, CASE WHEN t.top THEN {rank} ELSE t.head END, t.n, t.top "
                f"FROM t JOIN {TABLE} AS s ON s.document_id = t.pk "
                "ORDER BY 4 DESC, 3 DESC, 2 DESC, 1 LIMIT %s OFFSET %s"
            )
        with connections[matched.db].cursor() as cursor:
            cursor.execute(sql, [*any_params, limit, offset])
            rows = cursor.fetchall()
        total = len(queries)
        return [
            (pk, float(score), {
                "ts_rank_cd": float(score),
                "groups_matched": f"{n} of {total}",
                **({} if top else {"ranked_on": f"head (beyond the best {CANDIDATES})"}),
            })
            for pk, score, n, top in rows
        ]  # fmt: skip

    def ranked(self, matched: QuerySet, parsed: ParsedQuery, offset: int, limit: int):
        """[(pk, score, details)] best first; details say why (for ?explain=1)."""
        queries = group_queries(parsed)
        if not queries:
            return []
        inner, inner_params = matched.order_by().values("pk").query.sql_with_params()
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
