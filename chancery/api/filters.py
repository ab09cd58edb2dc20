"""The filters of ``/api/v1/documents``, derived from the facets and the authority kinds.

Every search facet with records is a filter (``?subject=<slug>``, ``?language=<code>``);
so is every authority kind of the API that no facet names (``?person=<slug>``, which
finds a person as creator, contributor or person named).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

from chancery.corpus.authorities import browsable_kinds
from chancery.search.facets import FACETS


@dataclass(frozen=True)
class DocumentFilter:
    name: str
    model: type[Model]
    #: The field of ``model`` the parameter names a record by.
    key: str
    #: Document lookups any of which may match the value.
    lookups: tuple[str, ...]


def document_filters() -> list[DocumentFilter]:
    filters = [
        DocumentFilter(spec.name, spec.model, spec.key, (spec.lookup,))
        for spec in FACETS.values()
        if spec.model
    ]
    filters += [
        DocumentFilter(kind.name, kind.model, "slug", tuple(f"{r}__slug" for r in kind.relations))
        for kind in browsable_kinds()
        if kind.name not in FACETS
    ]
    return filters
