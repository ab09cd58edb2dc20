"""Collections as OAI sets: a nested collection's setSpec is its slug path, ``parent:child``.

Harvesting a set includes its subsets, as the protocol's set hierarchy requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chancery.corpus.models import Collection

#: The protocol's setSpec syntax (OAI-PMH 2.0 §4.6 and its schema).
SETSPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


@dataclass
class SetTree:
    """Every collection's setSpec, read in one query."""

    spec_by_id: dict[int, str]
    collections: dict[int, Collection]

    @classmethod
    def load(cls) -> SetTree:
        collections = {c.pk: c for c in Collection.objects.order_by("position", "title")}
        specs: dict[int, str] = {}
        for pk in collections:
            chain: list[str] = []
            node, seen = collections.get(pk), set()
            while node is not None and node.pk not in seen:
                seen.add(node.pk)
                chain.insert(0, node.slug)
                node = collections.get(node.parent_id) if node.parent_id else None
            specs[pk] = ":".join(chain)
        return cls(specs, collections)

    def __bool__(self) -> bool:
        return bool(self.collections)

    def ids_within(self, spec: str) -> set[int]:
        """The collection named by ``spec`` and every collection below it."""
        return {pk for pk, s in self.spec_by_id.items() if s == spec or s.startswith(spec + ":")}

    def specs_of(self, collection_ids) -> list[str]:
        return sorted({self.spec_by_id[pk] for pk in collection_ids if pk in self.spec_by_id})

    def ordered(self) -> list[tuple[str, Collection]]:
        return sorted(((s, self.collections[pk]) for pk, s in self.spec_by_id.items()))
