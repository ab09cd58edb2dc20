"""Relations between people and organisations (ISAAR(CPF) 5.3, EAC-CPF ``cpfRelation``),
read from either side: a relation is stored once, from ``agent`` to ``other``, and the
other record shows it with the inverse type (Hay "Subordinate to" the Department of State;
the Department "Superior of" Hay).
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Q, QuerySet

from . import models


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
