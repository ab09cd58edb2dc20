"""Which models are versioned, and what a version of each carries along.

A document's version holds its fields and relations (subjects, people, places …) and, in the
same revision, its text layers, scans and collection memberships; a person's or place's
version holds its variant names. Every other authority and each collection is versioned on
its own.
"""

from __future__ import annotations

import reversion
from django.db.models import ForeignKey, Model

from chancery.corpus import models as m

#: model -> [(child model, its foreign key to the parent)]: kept in the parent's revision
#: and restored (or removed) with it.
CHILDREN: dict[type[Model], list[tuple[type[Model], str]]] = {
    m.Document: [
        (m.Translation, "document"),
        (m.Transcript, "document"),
        (m.Scan, "document"),
        (m.Membership, "document"),
    ],
    m.Agent: [(m.AgentVariant, "agent")],
    m.Place: [(m.PlaceVariant, "place")],
}

#: the models an editor works on, each with its own history in the admin
VERSIONED: tuple[type[Model], ...] = (
    m.Document,
    m.Collection,
    m.Agent,
    m.Place,
    m.Subject,
    m.Repository,
    m.Publisher,
    m.DocumentType,
    m.Rights,
    m.Classification,
    m.Donor,
    m.Language,
)


def follow_names(model: type[Model]) -> list[str]:
    names = []
    for child, fk in CHILDREN.get(model, []):
        field = child._meta.get_field(fk)
        assert isinstance(field, ForeignKey), (child, fk)
        names.append(str(field.remote_field.get_accessor_name()))
    return names


def register_models() -> None:
    for model in VERSIONED:
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow_names(model))
    for children in CHILDREN.values():
        for child, _ in children:
            if not reversion.is_registered(child):
                reversion.register(child)
