"""Collections as OAI-PMH records in the ``ead`` format: each public top-level collection is
one record, its EAD3 finding aid (chancery/ingest/ead.py), described without the texts; or in
``ead2002``, the same finding aid in EAD 2002 (chancery/ingest/ead2002.py).

Their local identifiers are ``collection/<slug>``; their datestamp is the collection's last
change. They are listed only for ``metadataPrefix=ead`` or ``ead2002`` (and documents only
for the other formats), so a harvester of ``oai_dc`` or ``mods`` sees exactly what it saw before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from chancery.corpus.models import Collection
from chancery.corpus.visibility import public

from .metadata import Format
from .records import Window
from .sets import SetTree

PREFIX = "collection/"
#: Finding aids per ListRecords page (one FRUS volume's is about 1 MB and a few seconds).
PAGE_SIZE = 5
EAD_NS = "http://ead3.archivists.org/schema/"
EAD = Format("ead", "https://www.loc.gov/ead/ead3.xsd", EAD_NS, None)  # type: ignore[arg-type]
EAD2002 = Format("ead2002", "http://www.loc.gov/ead/ead.xsd", "urn:isbn:1-931666-22-9",
                 None)  # type: ignore[arg-type]  # fmt: skip
#: The formats of collections (a document is offered in none of them).
FORMATS = {f.prefix: f for f in (EAD, EAD2002)}


@dataclass
class CollectionItem:
    identifier: str
    datestamp: dt.datetime
    sets: list[str]
    collection: Collection
    deleted: bool = False

    @property
    def key(self) -> tuple[dt.datetime, str]:
        return (self.datestamp, self.identifier)


def is_collection_id(local_id: str) -> bool:
    return local_id.startswith(PREFIX)


def _item(coll: Collection, tree: SetTree) -> CollectionItem:
    return CollectionItem(PREFIX + coll.slug, coll.updated_at, tree.specs_of([coll.pk]), coll)


def find(local_id: str, tree: SetTree) -> CollectionItem | None:
    slug = local_id[len(PREFIX) :]
    coll = public(Collection).filter(slug=slug).first() if slug else None
    return _item(coll, tree) if coll is not None else None


@dataclass
class CollectionSelection(Window):
    """The top-level collections (finding aids) a list request selects."""

    def collections(self):
        rows = self._dated(public(Collection).filter(parent=None), "updated_at")
        if self.set_spec:
            rows = rows.filter(pk__in=self.tree.ids_within(self.set_spec))
        return rows

    def count(self) -> int:
        return self.collections().count()

    def page(self, after, limit: int, *, metadata: bool) -> tuple[list[CollectionItem], bool]:
        rows = self.collections()
        if after:
            moment, identifier = after
            slug = identifier[len(PREFIX) :]
            rows = rows.filter(updated_at__gte=moment).filter(
                Q(updated_at__gt=moment) | Q(slug__gt=slug)
            )
        found = list(rows.order_by("updated_at", "slug")[: limit + 1])
        return [_item(c, self.tree) for c in found[:limit]], len(found) > limit


def build(item: CollectionItem, context, prefix: str = "ead"):
    from chancery.ingest.ead import build_ead
    from chancery.ingest.ead2002 import build_ead2002

    builder = build_ead2002 if prefix == "ead2002" else build_ead
    return builder(item.collection, context.absolute, with_text=False, site_name=context.site_name)
