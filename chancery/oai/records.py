"""Reading records for OAI: published documents plus tombstones, in datestamp order.

Only ``Document.objects.published()`` is read, so drafts never appear. One page costs a
fixed number of queries whatever its size (the documents, their prefetched descriptions,
the tombstones, two counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q

from chancery.corpus.models import Document, Membership

from .models import Tombstone
from .sets import SetTree


@dataclass
class Item:
    """One record: a published document, or the header of a withdrawn one."""

    identifier: str  # the local identifier, a Document.public_id
    datestamp: dt.datetime
    sets: list[str]
    document: Document | None = None

    @property
    def deleted(self) -> bool:
        return self.document is None

    @property
    def key(self) -> tuple[dt.datetime, str]:
        return (self.datestamp, self.identifier)


@dataclass
class Window:
    """What a list request selects: a date range [start, end) and a set."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    set_spec: str | None = None
    tree: SetTree = field(default_factory=SetTree.load)

    def _dated(self, rows, field: str):
        """``rows`` whose ``field`` falls in [start, end)."""
        if self.start:
            rows = rows.filter(**{f"{field}__gte": self.start})
        if self.end:
            rows = rows.filter(**{f"{field}__lt": self.end})
        return rows


@dataclass
class Selection(Window):
    """The documents and deletions a list request selects."""

    def documents(self):
        docs = self._dated(Document.objects.published(), "updated_at")
        if self.set_spec:
            inside = Membership.objects.filter(
                document=OuterRef("pk"), collection_id__in=self.tree.ids_within(self.set_spec)
            )
            docs = docs.filter(Exists(inside))
        return docs

    def tombstones(self):
        stones = self._dated(Tombstone.objects.all(), "datestamp")
        if self.set_spec:
            spec = self.set_spec
            stones = stones.filter(Q(sets__contains=f" {spec} ") | Q(sets__contains=f" {spec}:"))
        return stones

    def count(self) -> int:
        return self.documents().count() + self.tombstones().count()

    def page(self, after, limit: int, *, metadata: bool) -> tuple[list[Item], bool]:
        """Up to ``limit`` items after the key ``after``, and whether more follow."""
        docs, stones = self.documents(), self.tombstones()
        if after:
            moment, identifier = after
            # "at or after the moment, and past the last id at it": written so the
            # (status, updated_at, public_id) index serves it as one range scan.
            docs = docs.filter(updated_at__gte=moment).filter(
                Q(updated_at__gt=moment) | Q(public_id__gt=identifier)
            )
            stones = stones.filter(datestamp__gte=moment).filter(
                Q(datestamp__gt=moment) | Q(identifier__gt=identifier)
            )
        docs = docs.with_descriptions() if metadata else with_sets(docs)
        items = [self.item(d) for d in docs.order_by("updated_at", "public_id")[: limit + 1]]
        items += [
            Item(s.identifier, s.datestamp, s.set_specs)
            for s in stones.order_by("datestamp", "identifier")[: limit + 1]
        ]
        items.sort(key=lambda i: i.key)
        return items[:limit], len(items) > limit

    def item(self, doc: Document) -> Item:
        sets = self.tree.specs_of(m.collection_id for m in doc.membership_set.all())
        return Item(doc.public_id, doc.updated_at, sets, doc)


def with_sets(docs):
    return docs.only("public_id", "updated_at").prefetch_related(
        Prefetch("membership_set", queryset=Membership.objects.only("collection_id", "document"))
    )


def find(public_id: str, tree: SetTree) -> Item | None:
    """The record with this local identifier, deleted or not; None if there is none."""
    doc = Document.objects.published().with_descriptions().filter(public_id=public_id).first()
    if doc is not None:
        return Selection(tree=tree).item(doc)
    stone = Tombstone.objects.filter(identifier=public_id).first()
    if stone is not None:
        return Item(stone.identifier, stone.datestamp, stone.set_specs)
    return None


def earliest_datestamp() -> dt.datetime | None:
    first_doc = Document.objects.published().order_by("updated_at").first()
    first_stone = Tombstone.objects.order_by("datestamp").first()
    moments = [first_doc.updated_at] if first_doc else []
    moments += [first_stone.datestamp] if first_stone else []
    return min(moments) if moments else None
