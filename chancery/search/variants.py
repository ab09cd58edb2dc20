"""Name variants: the shipped table and the corpus's own variants.

The rows of :class:`~.models.NameForm`: the table ``data/variants.tsv`` (loaded by
:func:`load_table`) and each person's and place's recorded variants (:func:`sync_agents`,
:func:`sync_places`). A query naming any of a name's forms also searches for its other
forms: that expansion is :mod:`.expansion`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from chancery.corpus.models import Agent, Place

from .analysis import WORD, fold, fold_key
from .models import NameForm

TABLE = Path(__file__).parent / "data" / "variants.tsv"
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
