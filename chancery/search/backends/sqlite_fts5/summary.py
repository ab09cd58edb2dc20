"""One search's matches evaluated once, and every count read from them.

The words are matched once per plan: the matching documents that pass every filter but the
dates are copied into a connection-private temporary table with what the counts need of
each (type, decade, earliest day, and whether it lies inside the dates). The total, the
undated count, the type and decade facets and the year histogram are then one GROUP BY
over that table; the facets of records (subjects, places … and the collections, rolled up
their trees) one statement over it; the ranking reads the matches inside the dates from it.
A broad word matching half of 200,000 documents is thus matched once, not once per count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields.related import ManyToManyField

from chancery.corpus.models import Collection, Document, DocumentType, Membership

from ...facets import FACETS, FacetValue
from ...plan import SearchPlan, decade_value

#: Temporary tables holding one search's matches each; a few rotate so that the plans of
#: one request (compiled, widened, relaxed) do not overwrite each other.
TABLES = 4
_counter = 0
_LOOKUPS = {">=": "gte", "<=": "lte"}


@dataclass
class Matches:
    """A plan's matches held in ``table``: ``rows`` of them, dates left out."""

    table: str
    db: str
    rows: int
    #: True: the plan has dates, and rows outside them are held too (``inside`` = 0).
    dated: bool
    memo: dict = field(default_factory=dict)

    @property
    def inside(self) -> str:
        """The matches within the plan's dates, as a sub-select of their ids."""
        where = " WHERE inside = 1" if self.dated else ""
        return f"SELECT pk FROM {self.table}{where}"  # noqa: S608

    def queryset(self) -> QuerySet:
        """The matches within the dates as documents (for the shared orders)."""
        return Document.objects.using(self.db).filter(pk__in=RawSQL(self.inside, []))  # noqa: S611

    def count(self) -> int:
        return self.summary()["count"] if self.dated else self.rows

    def undated(self) -> int:
        return self.summary()["undated"]

    def years(self) -> list[tuple[int, int]]:
        return self.summary()["years"]

    def summary(self) -> dict:
        """Total, undated, types, decades and years: one GROUP BY over the table."""
        if "summary" not in self.memo:
            self.memo["summary"] = _summary(self)
        return self.memo["summary"]

    def facets(self, names: tuple[str, ...]) -> dict[str, list[FacetValue]]:
        """The facets named, records' in one statement, type and decade from ``summary``."""
        out: dict[str, list[FacetValue]] = {}
        records = [n for n in names if n not in ("type", "decade")]
        counted = _record_counts(self, records) if records else {}
        for name in names:
            if name in ("type", "decade"):
                out[name] = self.summary()[name]
            else:
                out[name] = counted.get(name, [])
        return out


def materialize(matching: QuerySet, plan: SearchPlan) -> Matches:
    """``matching`` (the words and every filter but the dates) copied into a temporary table,
    each row marked inside the plan's dates or not. Rows are counted by the insert."""
    global _counter
    _counter = (_counter + 1) % TABLES
    table = f"temp.search_matches_{_counter}"
    dates = Q()
    for bound in plan.dates:
        dates &= Q(**{f"date_{bound.field}__{_LOOKUPS[bound.op]}": bound.value})
    inside = (
        Case(When(dates, then=Value(1)), default=Value(0), output_field=IntegerField())
        if plan.dates
        else Value(1, output_field=IntegerField())
    )
    rows = matching.order_by().annotate(inside_dates=inside)
    sql, params = rows.values_list(
        "pk", "doc_type_id", "decade", "date_earliest", "inside_dates"
    ).query.sql_with_params()
    with connections[matching.db].cursor() as cursor:
        # Always "IF NOT EXISTS": a rolled-back transaction takes a new table with it.
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (pk INTEGER PRIMARY KEY, "
            "doc_type_id INTEGER, decade INTEGER, earliest TEXT, inside INTEGER)"
        )
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (pk, doc_type_id, decade, earliest, inside) {sql}",  # noqa: S608
            params,
        )
        count = cursor.rowcount
    return Matches(table, matching.db, count, bool(plan.dates))


#: The summary's GROUP BY key: type, decade and year in one integer (one sort key sorts
#: fastest); 0 stands for none, the others are shifted by one.
_KEY = (
    "(coalesce(doc_type_id, 0) * 100000 + coalesce(decade + 1, 0)) * 100000 "
    "+ coalesce(CAST(substr(earliest, 1, 4) AS INTEGER) + 1, 0)"
)


def _summary(matches: Matches) -> dict:
    """One statement: the matches inside the dates grouped by type, decade and year; the
    undated ones among all (their dates left out); the types' labels."""
    types = DocumentType._meta.db_table
    inside = " WHERE inside = 1" if matches.dated else ""
    sql = (
        f"SELECT 0, {_KEY}, count(*), NULL FROM {matches.table}{inside} GROUP BY 2 "  # noqa: S608
        f"UNION ALL SELECT 1, count(*), NULL, NULL FROM {matches.table} WHERE earliest IS NULL "
        f"UNION ALL SELECT 2, id, slug, name FROM {types}"
    )
    total = undated = 0
    labels: dict[int, tuple[str, str]] = {}
    kinds: dict[int, int] = defaultdict(int)
    decades: dict[int | None, int] = defaultdict(int)
    years: dict[int, int] = defaultdict(int)
    with connections[matches.db].cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    for part, key, n, label in rows:
        if part == 1:
            undated = key
        elif part == 2:
            labels[key] = (n, label)
        else:
            kind, decade, year = key // 10**10, key // 100000 % 100000, key % 100000
            total += n
            if kind:
                kinds[kind] += n
            decades[decade - 1 if decade else None] += n
            if year:
                years[year - 1] += n
    named = [(labels[k], n) for k, n in kinds.items() if k in labels]
    by_count = sorted(named, key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
    return {
        "count": total,
        "undated": undated,
        "type": [FacetValue(slug, label, n) for (slug, label), n in by_count],
        "decade": [
            decade_value(d, decades[d]) for d in sorted(decades, key=lambda d: (d is None, d))
        ],
        "years": sorted(years.items()),
    }


#: A collection's ancestors and itself (``a.value``), from its path ("/3/17/42/").
_ANCESTORS = (
    "json_each(CASE WHEN c.path = '' THEN '[' || c.id || ']' "
    "ELSE '[' || replace(trim(c.path, '/'), '/', ',') || ']' END) AS a"
)


def _collection_sql(inside: str) -> tuple[str, str]:
    """(counts, the ``anc`` CTE they need): each collection's matches anywhere in its
    subtree, each counted once: the matches' memberships counted per collection and summed
    up each one's path; a document in several collections (rare) is counted once per
    ancestor by a correction over those documents only."""
    member, coll = Membership._meta.db_table, Collection._meta.db_table
    several = (
        f"SELECT document_id FROM {member} WHERE document_id IN ({inside}) "  # noqa: S608
        "GROUP BY document_id HAVING count(*) > 1"
    )
    return (
        f"SELECT x.id, x.n FROM (SELECT id, sum(n) AS n FROM ("  # noqa: S608
        f"SELECT anc.aid AS id, sum(l.n) AS n FROM (SELECT m.collection_id AS cid, "
        f"count(*) AS n FROM {member} AS m WHERE m.document_id IN ({inside}) "
        "GROUP BY m.collection_id) AS l JOIN anc ON anc.cid = l.cid GROUP BY anc.aid "
        "UNION ALL "
        f"SELECT anc.aid, count(DISTINCT m.document_id) - count(*) FROM {member} AS m "
        f"JOIN anc ON anc.cid = m.collection_id WHERE m.document_id IN ({several}) "
        "GROUP BY anc.aid"
        f") GROUP BY id) AS x"
    ), f"anc AS MATERIALIZED (SELECT c.id AS cid, a.value AS aid FROM {coll} AS c, {_ANCESTORS})"  # noqa: S608


def _record_counts(matches: Matches, names: list[str]) -> dict[str, list[FacetValue]]:
    """The facets of records (``names``) over the matches inside the dates, one statement:
    each a count per value of its link table, labelled from the value's own table."""
    parts, ctes = [], []
    for i, name in enumerate(names):
        spec = FACETS[name]
        model = spec.model
        if model is None:
            raise ValueError(f"The {name} facet is not one of records")
        table, pk = model._meta.db_table, model._meta.pk.column
        if model is Collection:
            counts, cte = _collection_sql(matches.inside)
            ctes.append(cte)
        else:
            relation = Document._meta.get_field(spec.relation)
            if not isinstance(relation, ManyToManyField):
                raise TypeError(f"Document.{spec.relation} is not a many-to-many relation")
            through = relation.remote_field.through
            if through is None:
                raise TypeError(f"Document.{spec.relation} has no link table")
            link = through._meta.db_table
            doc, value = relation.m2m_column_name(), relation.m2m_reverse_name()
            counts = (
                f"SELECT {value} AS id, count(*) AS n FROM {link} "  # noqa: S608
                f"WHERE {doc} IN ({matches.inside}) GROUP BY {value}"
            )
        parts.append(
            f"SELECT {i}, t.{spec.key}, t.{spec.label_field}, x.n "  # noqa: S608
            f"FROM ({counts}) AS x JOIN {table} AS t ON t.{pk} = x.id"
        )
    sql = ("WITH " + ", ".join(ctes) + " " if ctes else "") + " UNION ALL ".join(parts)
    out: dict[str, list[FacetValue]] = {name: [] for name in names}
    with connections[matches.db].cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    rows.sort(key=lambda r: (r[0], -r[3], r[2], str(r[1])))
    for i, key, label, n in rows:
        out[names[i]].append(FacetValue(str(key), label, n))
    return out
