"""Relations between people and organisations (ISAAR(CPF) 5.3, EAC-CPF ``cpfRelation``),
read from either side: a relation is stored once, from ``agent`` to ``other``, and the
other record shows it with the inverse type (Hay "Subordinate to" the Department of State;
the Department "Superior of" Hay).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from django.db.models import Q, QuerySet

from . import models
from .names import fold


class Related(NamedTuple):
    """One relation as seen from one record."""

    relation_type: str  # EAC-CPF cpfRelationType, from this record's side
    phrase: str  # "Subordinate to"
    other: models.Agent
    dates: str
    description: str
    source: str
    stored: models.AgentRelation


def related(agent: models.Agent, agents: QuerySet | None = None) -> list[Related]:
    """Every relation of ``agent``, both directions, in one query. ``agents``: the records
    that may be shown (the public ones on a public page); others are left out."""
    rows = models.AgentRelation.objects.filter(Q(agent=agent) | Q(other=agent))
    if agents is not None:
        rows = rows.filter(agent__in=agents, other__in=agents)
    found = []
    for row in rows.select_related("agent", "other").order_by("pk"):
        if row.agent_id == agent.pk:
            kind, other = row.relation_type, row.other
        else:
            kind, other = row.inverse_type(), row.agent
        phrase = models.AgentRelation.TYPES[kind][0]
        found.append(Related(kind, phrase, other, row.dates, row.description, row.source, row))
    order = list(models.AgentRelation.TYPES)
    found.sort(key=lambda r: (order.index(r.relation_type), r.other.sort_key, r.other.pk))
    return found


def move(survivor: models.Agent, other_pks: list[int]) -> None:
    """After a merge: the merged records' relations go to ``survivor``; one that would
    relate the survivor to itself is dropped, and so is one it already has."""
    relations = models.AgentRelation.objects
    touching = relations.filter(Q(agent_id__in=other_pks) | Q(other_id__in=other_pks))
    have = set(
        relations.filter(Q(agent=survivor) | Q(other=survivor))
        .exclude(pk__in=touching)
        .values_list("agent_id", "other_id", "relation_type")
    )
    for row in touching.order_by("pk"):
        agent = survivor.pk if row.agent_id in other_pks else row.agent_id
        other = survivor.pk if row.other_id in other_pks else row.other_id
        key = (agent, other, row.relation_type)
        if agent == other or key in have:
            row.delete()
            continue
        have.add(key)
        relations.filter(pk=row.pk).update(agent_id=agent, other_id=other)


def split_off(record: models.Agent, new: models.Agent, relation_pks) -> None:
    """After a split: the chosen relations of ``record`` go to the new record."""
    rows = models.AgentRelation.objects.filter(pk__in=list(relation_pks))
    rows.filter(agent=record).exclude(other=new).update(agent=new)
    rows.filter(other=record).exclude(agent=new).update(other=new)


#: A body an office names: after "the" or a comma, capitalised words joined by a few small
#: ones ("Commission to Negotiate Peace", "Department of State", "British Embassy at
#: Washington", "Committee on Public Information").
_BODY = re.compile(
    r"(?:\bthe\s+|,\s*)([A-Z][\w’'.-]*(?:\s+(?:(?:of|to|for|on|and|at)\s+)?[A-Z][\w’'.-]*)*)"
)


def bodies_named(office: str) -> list[str]:
    """The organisation an office is held in, by its own words: the last body of two
    words or more holding an organisation word and no office word ("Director of the Press
    Bureau of the Commission to Negotiate Peace": the Commission; "Secretary of War",
    "Secretary of Embassy in France": none)."""
    from chancery.ingest.reconcile import OFFICE_WORDS, ORGANISATION_WORDS

    found = []
    for match in _BODY.finditer(office):
        body = match.group(1).strip(" .")
        words = {w.casefold() for w in re.findall(r"[\w’'-]+", body)}
        if len(body.split()) >= 2 and words & ORGANISATION_WORDS and not words & OFFICE_WORDS:
            found.append(body)
    return found[-1:]


def from_offices(agent_pks) -> int:
    """The relations a list of persons gives: a person whose office names a body
    (:func:`bodies_named`) is subordinate to it (``hierarchical-parent``), with the
    office's dates, the office as the description and its source. The body is the
    organisation record of that name or variant, else a new one (sourced to the office).
    Returns the relations made."""
    agent_pks = list(agent_pks)
    if not agent_pks:
        return 0
    organisations = models.Agent.objects.filter(kind=models.Agent.ORGANISATION)
    named: dict[str, models.Agent] = {}
    for known in organisations.prefetch_related("variants"):
        for name in [known.name, *(v.name for v in known.variants.all())]:
            named.setdefault(fold(name), known)
    relations = models.AgentRelation.objects
    offices = models.Office.objects.filter(
        agent_id__in=agent_pks, agent__kind=models.Agent.PERSON
    ).order_by("agent_id", "position", "pk")
    made = 0
    for office in offices:
        for body in bodies_named(office.title):
            org = named.get(fold(body))
            if org is None:
                org = models.Agent.objects.create(
                    name=body, kind=models.Agent.ORGANISATION,
                    sources=f"Named in an office: {office.source}" if office.source else "",
                )  # fmt: skip
                named[fold(body)] = org
            kind = "hierarchical-parent"
            if relations.filter(agent_id=office.agent_id, other=org, relation_type=kind).exists():
                continue
            relations.create(
                agent_id=office.agent_id, other=org, relation_type=kind, dates=office.dates,
                description=office.title[:500], source=office.source,
            )  # fmt: skip
            made += 1
    return made
