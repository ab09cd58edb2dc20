"""Name variants: the shipped table, the corpus's own variants, and query expansion.

A query that names any form of a person, place or term in :class:`~.models.NameForm`
also searches for its other forms ("Beijing" also finds "Peking"), and the page says so.
Expansion happens once per search, in one database query, before any engine sees the
query, so every engine gets it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from chancery.corpus.models import Agent, Place

from . import romanise
from .analysis import WORD, fold, fold_key
from .models import NameForm
from .query import ParsedQuery, Term

TABLE = Path(__file__).parent / "data" / "variants.tsv"
MAX_NGRAM = 4
_PAREN = re.compile(r"\([^)]*\)")


def token_form(name: str) -> str:
    """The words an engine sees ("Shih-k'ai" is "shih k ai", unlike its key "shih kai")."""
    return " ".join(WORD.findall(fold(name)))


def read_table(path: Path = TABLE) -> list[tuple[str, list[str], list[str]]]:
    """[(kind, forms, notes)] from the variants file; a malformed line names its number."""
    groups = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 2:
            raise ValueError(f"{path}:{number}: expected 'kind<TAB>form | form …[<TAB>notes]'")
        forms = [f.strip() for f in columns[1].split("|") if f.strip()]
        notes = [n.strip() for n in columns[2].split("|")] if len(columns) > 2 else []
        if len(forms) >= 2:
            groups.append((columns[0].strip(), forms, notes))
    return groups


def _rows(group: str, kind: str, names: list[str], notes: Sequence[str] = ()) -> list[NameForm]:

    seen, rows = set(), []
    for i, name in enumerate(names):
        key = fold_key(name)
        if key and token_form(name) not in seen:
            seen.add(token_form(name))
            note = notes[i] if i < len(notes) else ""
            rows.append(NameForm(group=group, name=name, key=key, kind=kind, note=note[:200]))
    return rows if len(rows) >= 2 else []


def load_table(path: Path = TABLE) -> int:
    """Replace the table's rows in the database with the file's; returns groups loaded."""

    groups = read_table(path)
    rows = []
    for n, (kind, forms, notes) in enumerate(groups, 1):
        rows += _rows(f"t:{n}", kind, forms, notes)
    with transaction.atomic():
        NameForm.objects.filter(group__startswith="t:").delete()
        NameForm.objects.bulk_create(rows, batch_size=500)
    return len(groups)


def _person_forms(name: str) -> list[str]:
    """'Conger, Edwin H.' is also searched as 'Edwin H. Conger' (and without the note)."""
    name = _PAREN.sub("", name).strip()
    forms = [name]
    if name.count(",") == 1:
        surname, given = (p.strip() for p in name.split(","))
        if surname and given:
            forms.append(f"{given} {surname}")
    return forms


def _sync(model, prefix: str, names_of, pks=None) -> None:
    """Rebuild the name forms of these records (all when None) from each record's name and
    its variants; ``names_of(record, variants)`` gives (kind, names)."""

    records = model.objects.prefetch_related("variants")
    stale = NameForm.objects.filter(group__startswith=f"{prefix}:")
    if pks is not None:
        pks = list(pks)
        records = records.filter(pk__in=pks)
        stale = NameForm.objects.filter(group__in=[f"{prefix}:{pk}" for pk in pks])
    rows = []
    for record in records:
        variants = [v.name for v in record.variants.all()]
        if variants:
            kind, names = names_of(record, variants)
            rows += _rows(f"{prefix}:{record.pk}", kind, names)
    stale.delete()
    NameForm.objects.bulk_create(rows, batch_size=500)


def _agent_names(agent, variants: list[str]) -> tuple[str, list[str]]:
    names = _person_forms(agent.name)
    for variant in variants:
        names += _person_forms(variant)
    return agent.kind, names


def sync_agents(pks=None) -> None:
    """Rebuild the forms of these agents (all when None) from Agent + AgentVariant."""

    _sync(Agent, "a", _agent_names, pks)


def sync_places(pks=None) -> None:
    """Rebuild the forms of these places (all when None) from Place + PlaceVariant."""

    _sync(Place, "p", lambda place, variants: ("place", [place.name, *variants]), pks)


def rebuild() -> None:
    """Everything derived: the shipped table and the corpus's variants."""
    load_table()
    sync_agents()
    sync_places()


# --- expansion -------------------------------------------------------------------------


def _expandable(group: list[Term]) -> bool:
    return len(group) == 1 and not group[0].field and not group[0].prefix


def _candidates(parsed: ParsedQuery) -> set[str]:
    keys: set[str] = set()
    run: list[str] = []
    for group in [*parsed.groups, None]:
        if group is not None and _expandable(group):
            # A phrase joins the run: "Li Hung-chang" is the groups Li + "Hung chang".
            run.append(fold_key(group[0].text))
            continue
        for i in range(len(run)):
            for n in range(1, MAX_NGRAM + 1):
                if i + n <= len(run):
                    keys.add(" ".join(run[i : i + n]))
        run = []
        if group is not None and _expandable(group):
            keys.add(fold_key(group[0].text))
    keys.discard("")
    return keys


def _recount_min_match(parsed: ParsedQuery) -> None:
    plain = [g for g in parsed.groups if not any(t.field for t in g)]
    parsed.min_match = (
        len(parsed.groups) - (len(plain) - (len(plain) // 2 + 1)) if len(plain) >= 3 else 0
    )


def expand(parsed: ParsedQuery) -> ParsedQuery:
    """``parsed`` with every name it contains widened to that name's other forms."""

    keys = _candidates(parsed)
    if not keys:
        return _with_generated(parsed, parsed.groups, list(parsed.expansions))
    groups_of = NameForm.objects.filter(key__in=keys).values("group")
    forms: dict[str, list[tuple[str, str]]] = {}
    by_key: dict[str, set[str]] = {}
    for group_id, name, key in NameForm.objects.filter(group__in=groups_of).values_list(
        "group", "name", "key"
    ):
        forms.setdefault(group_id, []).append((name, key))
        by_key.setdefault(key, set()).add(group_id)
    if not by_key:
        return _with_generated(parsed, parsed.groups, list(parsed.expansions))

    def alternatives(key: str, typed: str) -> list[str]:
        seen, names = {token_form(typed)}, []
        for group in sorted(by_key.get(key, ())):
            for name, _other in forms[group]:
                if token_form(name) not in seen:
                    seen.add(token_form(name))
                    names.append(name)
        return names

    new_groups: list[list[Term]] = []
    expansions = list(parsed.expansions)
    groups = parsed.groups
    i = 0
    while i < len(groups):
        group = groups[i]
        matched = 0
        if _expandable(group):
            for n in range(MAX_NGRAM, 0, -1):
                span = groups[i : i + n]
                if len(span) == n and all(_expandable(g) for g in span):
                    key = " ".join(fold_key(g[0].text) for g in span)
                    if key in by_key:
                        matched = n
                        break
        if not matched:
            new_groups.append(group)
            i += 1
            continue
        span = groups[i : i + matched]
        typed = " ".join(g[0].text for g in span)
        key = fold_key(typed)
        others = alternatives(key, typed)
        first = Term(typed, phrase=" " in typed)
        terms = [first]
        for name in others:
            text = " ".join(re.findall(r"\w+", name))
            terms.append(Term(text, phrase=" " in text, variant=True))
        new_groups.append(terms)
        if others:
            expansions.append((typed, others))
        i += matched
    return _with_generated(parsed, new_groups, expansions)


def _with_generated(parsed: ParsedQuery, groups: list[list[Term]], expansions: list) -> ParsedQuery:
    generated = list(parsed.generated)
    groups = _generate(groups, generated)
    result = parsed.with_groups(groups, expansions=expansions, generated=generated)
    if len(result.groups) != len(parsed.groups):
        _recount_min_match(result)
    return result


def _typed(group: list[Term]) -> str | None:
    """The typed text of a group expansion may add forms to (a plain word, a phrase, or a
    name the variants table widened), else None."""
    first = group[0]
    if first.field or first.prefix or first.variant or first.generated:
        return None
    if len(group) > 1 and not all(t.variant for t in group[1:]):
        return None  # typed alternatives (a OR b)
    return first.text


def _generate(groups: list[list[Term]], generated: list) -> list[list[Term]]:
    """Each name in ``groups`` widened by the spellings :mod:`.romanise` makes by rule:
    the longest run of up to ``MAX_NGRAM`` typed groups that makes any, as one group."""
    out: list[list[Term]] = []
    i = 0
    while i < len(groups):
        taken = 0
        for n in range(min(MAX_NGRAM, len(groups) - i), 0, -1):
            span = groups[i : i + n]
            texts = [_typed(g) for g in span]
            if any(t is None for t in texts):
                continue
            if n > 1 and any(len(g) > 1 for g in span):
                continue  # a name the table widened is not joined to its neighbours
            words = [w for t in texts for w in (t or "").split()]
            forms = romanise.generate(words)
            if not forms:
                continue
            typed = " ".join(words)
            base = span[0] if n == 1 else [Term(typed, phrase=" " in typed)]
            seen = {token_form(t.text) for t in base}
            extra, shown = [], []
            for form in forms:
                text = " ".join(re.findall(r"\w+", form.text))
                if text and token_form(text) not in seen:
                    seen.add(token_form(text))
                    extra.append(Term(text, phrase=" " in text, variant=True, scheme=form.scheme))
                    shown.append((form.text, form.scheme))
            if not extra:
                continue
            out.append([*base, *extra])
            generated.append((typed, shown))
            taken = n
            break
        if not taken:
            out.append(groups[i])
            taken = 1
        i += taken
    return out
