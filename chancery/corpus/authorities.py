"""The kinds of authority a document points at, in one table.

An authority kind (subject, place, person …) is a model of named records and the Document
fields that point at them. The web pages, API v1 (its routes, lists, filters and OpenAPI
description) and the Wilson-compatible API derive what they need from here; the search
facets have their own table (:mod:`chancery.search.facets`), and a kind finds its facet
there by model and fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import ManyToManyField, Model, Q, QuerySet
from django.db.models.fields.related import RelatedField

from . import models


@dataclass(frozen=True)
class AuthorityKind:
    #: Public singular name: API v1 paths and parameters ("person"), the URL names.
    name: str
    #: Public plural name: API v1 list paths ("people").
    plural: str
    label: str
    model: type[Model]
    #: The Document fields that point at records of this kind.
    relations: tuple[str, ...]
    #: The name of this kind in the Wilson Center API ("coverage" for places).
    wilson: str
    #: Has pages of its own: ``/<name>/<slug>/`` on the web, ``/api/v1/<plural>`` in the API
    #: (and ``documents?<name>=`` there).
    browsable: bool = True
    #: The records nest (``parent``): every level is listed, used or not.
    hierarchical: bool = False
    #: The records carry name variants (``variants``).
    has_variants: bool = False

    def documents(self, item) -> Q:
        """The condition on Document for the documents that point at ``item`` (a pk)."""
        return related_to(self.relations, [item])

    def reverse_names(self) -> list[str]:
        """The names to query documents by from the authority model ("created_documents")."""
        names = []
        for relation in self.relations:
            field = models.Document._meta.get_field(relation)
            assert isinstance(field, RelatedField), relation
            names.append(field.related_query_name())
        return names


AUTHORITY_KINDS: dict[str, AuthorityKind] = {
    kind.name: kind
    for kind in [
        AuthorityKind("subject", "subjects", "Subject", models.Subject, ("subjects",), "subject"),
        AuthorityKind("place", "places", "Place", models.Place, ("places",), "coverage",
                      hierarchical=True, has_variants=True),
        AuthorityKind("person", "people", "Person or organisation", models.Agent,
                      ("creators", "contributors", "people"), "contributor", has_variants=True),
        AuthorityKind("repository", "repositories", "Repository", models.Repository,
                      ("repositories",), "repository"),
        AuthorityKind("donor", "donors", "Donor", models.Donor, ("donors",), "donor",
                      browsable=False),
        AuthorityKind("publisher", "publishers", "Publisher", models.Publisher, ("publishers",),
                      "publisher", browsable=False),
    ]
}  # fmt: skip


def browsable_kinds() -> list[AuthorityKind]:
    """The kinds with pages of their own, in their order."""
    return [kind for kind in AUTHORITY_KINDS.values() if kind.browsable]


def by_wilson_name() -> dict[str, AuthorityKind]:
    return {kind.wilson: kind for kind in AUTHORITY_KINDS.values()}


class Links(NamedTuple):
    """The rows behind one of Document's many-to-many relations ("creators")."""

    #: The through model: one row per document and record.
    through: type[Model]
    #: Its field naming the document ("document"); ``<name>_id`` is the column.
    document: str
    #: Its field naming the record ("agent").
    record: str


def related_to(relations: Iterable[str], pks: Iterable) -> Q:
    """The condition on Document for the documents that point at any of ``pks`` through
    any of ``relations``: one subquery per relation, each read through the index on its
    record column. Not ``Q(creators__in=…) | Q(people__in=…)``, which joins every relation
    at once (a document's rows multiply: creators × contributors × people) and can only
    filter after the join: on a planner's stale statistics, after an import, PostgreSQL
    ran that join once per document (138 ms on three FRUS volumes; past a search's time
    limit on a loaded host), where these subqueries take under a millisecond."""
    pks = list(pks)
    if not pks:  # none: a condition nothing meets (an empty IN list compiles to no SQL)
        return Q(pk__isnull=True)
    condition = Q()
    for relation in relations:
        related: QuerySet
        if "__" not in relation and isinstance(
            models.Document._meta.get_field(relation), ManyToManyField
        ):
            rows = links(relation)
            through = rows.through._default_manager.filter(**{f"{rows.record}__in": pks})
            related = through.values(f"{rows.document}_id")
        else:
            related = models.Document.objects.filter(**{f"{relation}__in": pks}).values("pk")
        condition |= Q(pk__in=related)
    return condition


def links(relation: str) -> Links:
    """The through model of Document's many-to-many ``relation`` and its two fields."""
    field = models.Document._meta.get_field(relation)
    assert isinstance(field, ManyToManyField), relation
    through = field.remote_field.through
    assert through is not None, relation
    return Links(through, field.m2m_field_name(), field.m2m_reverse_field_name())
