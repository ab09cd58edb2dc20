"""The count, every facet and the year histogram of one search in one statement."""

# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field

from chancery.corpus.models import Collection

from ...facets import FACETS, FacetValue
from ...plan import decade_value
from .compile import Match, Query
from .schema import LINK_FACETS, LINKS, ROW_FACETS, fetch

#: Rows of the statement that are no facet: the count, the undated count, the years.
COUNT, UNDATED, YEARS = -1, -2, len(FACETS)


@dataclass
class Summary:
    count: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    years: list[tuple[int, int]] = field(default_factory=list)
    #: Undated matches when the dates are left out (counted only for a dated search).
    undated: int = 0


def _facet_parts(names: list[str]) -> list[str]:
    """A SELECT per facet over the grouped matches ``r``: (facet, value, label, n, order)."""
    parts = []
    for name, column in LINK_FACETS.items():
        spec = FACETS[name]
        if spec.model is None:
            raise ValueError(f"The many-valued {name} facet has no model")
        meta = spec.model._meta
        counted = (
            f"SELECT v, sum(r.n)::bigint AS n FROM r JOIN {LINKS} k ON k.id = r.links, "
            f"unnest(k.{column}) AS v WHERE r.g_links = 0 GROUP BY v"
        )
        if spec.model is Collection:
            # Rolled up: each combination's collections and every collection above them
            # (read from their paths), once per combination, so a volume counts its
            # chapters' documents. One join of every (combination, collection) pair with
            # the collections, not a lookup of the collections per combination (which the
            # planner made a scan of them per combination: 0.2 s at 600 combinations).
            pk = meta.pk.column
            counted = (
                "SELECT u.a AS v, sum(u.n)::bigint AS n FROM (SELECT DISTINCT r.links, r.n, "
                f"a::bigint AS a FROM r JOIN {LINKS} k ON k.id = r.links "
                f"CROSS JOIN LATERAL unnest(k.{column}) AS c(id) "
                f"JOIN {meta.db_table} p ON p.{pk} = c.id "
                "CROSS JOIN LATERAL unnest(string_to_array(coalesce(nullif(trim(both '/' "
                "from p.path), ''), c.id::text), '/')) AS a WHERE r.g_links = 0) AS u "
                "GROUP BY u.a"
            )
        parts.append(
            f"SELECT {names.index(name)}, t.{spec.key}::text, t.{spec.label_field}::text, x.n, "
            f"-x.n FROM ({counted}) AS x JOIN {meta.db_table} t ON t.{meta.pk.column} = x.v"
        )
    for name, column in ROW_FACETS.items():
        spec = FACETS[name]
        grouped = f"r.g_{column} = 0"
        if spec.model is None:
            parts.append(f"SELECT {names.index(name)}, r.{column}::text, NULL, r.n, r.{column} "
                         f"FROM r WHERE {grouped}")  # fmt: skip
            continue
        meta = spec.model._meta
        parts.append(
            f"SELECT {names.index(name)}, t.{spec.key}::text, t.{spec.label_field}::text, r.n, "
            f"-r.n FROM r JOIN {meta.db_table} t ON t.{meta.pk.column} = r.{column} "
            f"WHERE {grouped}"
        )
    return parts


def summarize(match: Match, dates: Query | None = None) -> Summary:
    """How many rows match, every facet and the year histogram, in one statement: the
    matches are grouped by links combination, the single-valued facets and year (integers),
    then the combinations found are unnested and labelled. Same values and order as the
    ORM's counts (count desc, then label; decades ascending, undated last) and years.

    With ``dates`` (a condition, for a ``match`` without it) the same pass also counts the
    undated matches, which a dated search offers to add."""
    names = list(FACETS)
    columns = ["links", *ROW_FACETS.values(), "year"]
    selected = ", ".join(f"s.{c}" for c in columns)
    if dates:
        condition, date_params = dates
        rows, params = match.select(
            f"{selected}, ({condition}) IS TRUE AS dated", date_params,
            also=f"({condition} OR s.earliest IS NULL)", also_params=date_params,
        )  # fmt: skip
        grouped = "FROM m WHERE m.dated"
    else:
        rows, params = match.select(selected)
        grouped = "FROM m"
    parts = [f"SELECT {COUNT}, NULL::text, NULL::text, sum(r.n)::bigint, 0::bigint FROM r "
             "WHERE r.g_links = 0"]  # fmt: skip
    if dates:
        parts.append(f"SELECT {UNDATED}, NULL, NULL, count(*), 0 FROM m WHERE NOT m.dated")
    parts += _facet_parts(names)
    parts.append(f"SELECT {YEARS}, NULL, NULL, r.n, r.year FROM r "
                 "WHERE r.g_year = 0 AND r.year IS NOT NULL")  # fmt: skip
    sql = (
        f"WITH m AS ({rows}), r AS (SELECT {', '.join(columns)}, "
        + ", ".join(f"GROUPING({c}) AS g_{c}" for c in columns)
        + f", count(*) AS n {grouped} "
        f"GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in columns)})) "
        + " UNION ALL ".join(f"({part})" for part in parts)
        + " ORDER BY 1, 5, 3, 2"
    )
    summary = Summary(facets={name: [] for name in names})
    for index, value, label, n, order in fetch(sql, params):
        if index == COUNT:
            summary.count = n or 0
        elif index == UNDATED:
            summary.undated = n
        elif index == YEARS:
            summary.years.append((order, n))
        elif FACETS[names[index]].model is None:
            summary.facets[names[index]].append(
                decade_value(None if value is None else int(value), n)
            )
        else:
            summary.facets[names[index]].append(FacetValue(value, label, n))
    return summary
