"""A plan's words as FTS5 MATCH expressions: one per word group (its alternatives, in the
columns of its layer), the "most of the words" coverage query, and the expressions the
ranking flags (proximity, title, firm and sure forms)."""

from __future__ import annotations

from ...analysis import cyrillic_prefix, query_tokens
from ...plan import LAYER_FIELDS, SearchPlan
from ...query import ParsedQuery, Term
from .schema import TABLE


def _term(term: Term) -> str | None:
    tokens = query_tokens(term.text, prefix=term.prefix)
    if not tokens:
        return None
    quoted = '"' + " ".join(tokens).replace('"', '""') + '"'
    if len(tokens) == 1 and not term.prefix and cyrillic_prefix(tokens[0]):
        # Snowball stems a surname's nominative shorter than its other cases
        # (Хрущев -> хрущ, Хрущёвым -> хрущев): the stem also matches as a prefix.
        return quoted + " *"
    return quoted + " *" if term.prefix else quoted


def _group(group: list[Term], layer: str | None) -> str | None:
    parts = []
    for columns, terms in _by_columns(group, layer).items():
        alternatives = [a for a in (_term(t) for t in terms) if a]
        if not alternatives:
            continue
        expr = alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
        parts.append(f"{{{columns}}} : {expr}" if columns else expr)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _by_columns(group: list[Term], layer: str | None) -> dict[str, list[Term]]:
    out: dict[str, list[Term]] = {}
    for term in group:
        columns = "title" if term.field == "title" else LAYER_FIELDS.get(layer or "", "")
        out.setdefault(columns, []).append(term)
    return out


def group_expressions(parsed: ParsedQuery) -> list[str]:
    return [e for e in (_group(g, parsed.layer) for g in parsed.groups) if e]


def _match_sql(expression: str) -> tuple[str, list]:
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]  # noqa: S608


def _coverage_sql(expressions: list[str], at_least: int) -> tuple[str, list]:
    """Rows matching at least ``at_least`` of the expressions, with how many they match."""
    union = " UNION ALL ".join(
        f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608
        for _ in expressions
    )
    sql = f"SELECT rowid, count(*) AS n FROM ({union}) GROUP BY rowid HAVING count(*) >= %s"  # noqa: S608
    return sql, [*expressions, at_least]


def title_expression(parsed: ParsedQuery) -> str | None:
    """Every typed word group in the title (name variants count as typed)."""
    parts = []
    for group in parsed.groups:
        alternatives = [a for a in (_term(t) for t in group) if a]
        if not alternatives:
            return None
        parts.append("{title} : (" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) if parts else None


def any_expression(terms: list[Term]) -> str | None:
    alternatives = [a for a in (_term(t) for t in terms) if a]
    return " OR ".join(alternatives) if alternatives else None


def firm_expression(plan: SearchPlan) -> str | None:
    """Any typed or curated form of a name that also has generated spellings (a document
    matching none ranks lower, see ``SearchPlan.firm_terms``); None: nothing generated."""
    return any_expression(plan.firm_terms())


def sure_expression(plan: SearchPlan) -> str | None:
    """Any form but the close spellings of a widened word (``SearchPlan.sure_terms``)."""
    return any_expression(plan.sure_terms())


def proximity_expression(plan: SearchPlan) -> str | None:
    """NEAR() of the typed words when several were typed: close together ranks higher."""
    tokens = plan.near_tokens()
    if not tokens:
        return None
    quoted = " ".join('"' + t.replace('"', '""') + '"' for t in tokens)
    return f"NEAR({quoted}, {plan.near_window(tokens)})"
