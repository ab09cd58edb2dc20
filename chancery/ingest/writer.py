"""The one place importers write: records in, corpus rows out, idempotently.

A :class:`Writer` lives for one file inside one transaction. It finds or creates the
authorities a record names, creates or updates the document only where something differs
(so a second import of the same file reports everything "unchanged"), and at the end
resolves references between documents and indexes what it touched, in bulk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar, cast

from django.db import models as dj
from django.utils.timezone import now

from chancery.corpus import models as corpus
from chancery.corpus import relations as agent_relations
from chancery.corpus.authorities import AUTHORITY_KINDS
from chancery.corpus.dates import DateError
from chancery.corpus.models import DESCRIPTIONS
from chancery.corpus.names import compact, script_of
from chancery.corpus.sanitize import clean_html
from chancery.search.indexing import index_documents
from chancery.versions.history import changed_by_import, record_import

from .languages import get_language
from .models import SourceKey
from .reconcile import Country, Match, Reconciler, countries, gazetteer
from .records import (
    AgentRef,
    ArchivalDescription,
    CollectionRef,
    DocumentRecord,
    PlaceRef,
    TextRef,
)
from .report import IngestError, Report

M = TypeVar("M", bound=dj.Model)

SCALARS = ("title", "summary", "date", "source", "status", "number", "page_start", "page_end")
#: The names a record has for each kind of description (DocumentRecord's field names).
PEOPLE = AUTHORITY_KINDS["person"].relations
#: Descriptions found or made by name alone (places nest, people have a kind, languages
#: are found by code: each has its own method).
RELATIONS: dict[str, type[dj.Model]] = {
    name: model
    for name in DESCRIPTIONS
    if isinstance(model := corpus.Document._meta.get_field(name).related_model, type)
    and model not in (corpus.Place, corpus.Agent, corpus.Language)
}
#: CollectionRef fields written to the collection when the source gives them.
DESCRIPTION = tuple(f.name for f in fields(ArchivalDescription))
_HONORIFIC = re.compile(r"^(mr|mrs|messrs|dr|hon|the|sir|señor|senor|monsieur|m)\.?\s+", re.I)


def normalise_name(name: str) -> str:
    """A matching key for a name: no accents, case, punctuation or honorific."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s-]", " ", text)
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous, text = text, _HONORIFIC.sub("", text)
    return text


def tidy(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]


#: The longest name a record takes (``Authority.name``). A longer "name" is a stretch of
#: running text the reader took for one (a heading, a list item): it makes no record.
NAME_MAX = corpus.Agent._meta.get_field("name").max_length or 300
#: The longest collection title: a printed chapter heading is kept whole.
TITLE_MAX = corpus.Collection._meta.get_field("title").max_length or 1000


def _through(name: str) -> tuple[type[dj.Model], str, str]:
    """A document relation's through model and its two id columns (document, other)."""
    field = corpus.Document._meta.get_field(name)
    if not isinstance(field, dj.ManyToManyField) or field.remote_field.through is None:
        raise TypeError(f"Document.{name} is not a many-to-many relation")
    ids = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
    return field.remote_field.through, *ids


class Writer:
    """Writes the records of one file; call :meth:`finish` before the transaction ends."""

    def __init__(self, report: Report):
        self.report = report
        self.outcomes: dict[int, str] = {}
        self._authorities: dict[tuple[type[dj.Model], str], dj.Model] = {}
        self._agents: dict[str, corpus.Agent] = {}
        self.office_holders: set[int] = set()  # people whose offices this run wrote
        self._places: dict[str, corpus.Place] = {}
        self._countries: dict[str, corpus.Place | None] = {}  # by ISO code; None: no record
        self._collections: dict[str, corpus.Collection] = {}
        self._languages: dict[str, corpus.Language] = {}
        self._deferred: list[tuple[int, str, str, str]] = []  # (pk, attached_to, related, where)
        self._pending: dict[
            type[dj.Model], list
        ] = {}  # relation rows of new documents, for bulk_create
        self._new: set[int] = set()
        self._known: dict[str, corpus.Document] = {}  # prefetched existing documents by public id
        self._loaded: set[int] = set()  # their pks: what they hold is in the three below
        self._links: dict[tuple[str, int], set[int]] = {}  # (relation, pk) -> other pks
        self._held_texts: dict[tuple[type[dj.Model], int], list[Any]] = {}  # transcripts, …
        self._held_memberships: dict[tuple[int, int], corpus.Membership] = {}
        self.reconciler = Reconciler()

    # -- authorities ---------------------------------------------------------------------
    def authority(self, model: type[M], name: str, **extra) -> M:
        name = tidy(name)
        key = (model, name.casefold())
        if key not in self._authorities:
            obj = model._default_manager.filter(name__iexact=name).first()
            if obj is None:
                obj = model(name=name, **extra)
                obj.save()
            elif any(getattr(obj, k) != v for k, v in extra.items() if v):
                for k, v in extra.items():
                    if v:
                        setattr(obj, k, v)
                obj.save()
            self._authorities[key] = obj
        return cast(M, self._authorities[key])  # kept under its own model

    def _keyed(
        self, scope: str, key: str, model: type[M], find_by_name: str, create: Callable[[], M]
    ) -> tuple[M, bool]:
        sk = SourceKey.objects.filter(scope=scope, key=key).first()
        obj = model._default_manager.filter(pk=sk.object_id).first() if sk else None
        if obj is None and find_by_name:
            obj = model._default_manager.filter(name__iexact=find_by_name).first()
        created = obj is None
        if obj is None:
            obj = create()
        if sk is None:
            SourceKey.objects.create(scope=scope, key=key, object_id=obj.pk)
        elif sk.object_id != obj.pk:
            SourceKey.objects.filter(pk=sk.pk).update(object_id=obj.pk)
        return obj, created

    def _reconciled(
        self, scope: str, key: str, model: type[M], match: Callable[[], Match],
        create: Callable[[], M],
    ) -> tuple[M, bool]:  # fmt: skip
        """The record a source key made before, else the one reconciliation is certain of
        (``match()``), else a new one; doubtful pairs go to the review list."""
        sk = SourceKey.objects.filter(scope=scope, key=key).first()
        obj = model._default_manager.filter(pk=sk.object_id).first() if sk else None
        found = Match(None) if obj is not None else match()
        if obj is None and found.record is not None:
            obj = model._default_manager.filter(pk=found.record).first()
        created = obj is None
        if obj is None:
            obj = create()
            review: type[corpus.AgentReview | corpus.PlaceReview] = (
                corpus.AgentReview if model is corpus.Agent else corpus.PlaceReview
            )
            for other in found.doubtful:
                if other != obj.pk:
                    review.objects.get_or_create(
                        record_id=other, candidate_id=obj.pk, defaults={"reason": found.reason}
                    )
        if sk is None:
            SourceKey.objects.create(scope=scope, key=key, object_id=obj.pk)
        elif sk.object_id != obj.pk:
            SourceKey.objects.filter(pk=sk.pk).update(object_id=obj.pk)
        return obj, created

    def agent(self, ref: AgentRef) -> corpus.Agent:
        key = ref.key or "name:" + normalise_name(ref.name)
        if key in self._agents:
            return self._agents[key]
        name = tidy(ref.name)
        agent, created = self._reconciled(
            SourceKey.AGENT, key, corpus.Agent,
            lambda: self.reconciler.match_agent(name, ref.variants, ref.kind),
            lambda: corpus.Agent.objects.create(
                name=name, kind=ref.kind, description=ref.description, sources=ref.sources
            ),
        )  # fmt: skip
        description = ref.description or agent.description
        variants = list(ref.variants)
        if not created and ref.authoritative and agent.name != name:
            variants.append(agent.name)  # the mention's form stays a variant
        if (
            not created
            and ref.authoritative
            and (agent.name, agent.description, agent.sources)
            != (name, description, ref.sources or agent.sources)
        ):
            agent.name, agent.description = name, description
            agent.sources = ref.sources or agent.sources
            agent.save()
        if len(agent.name.split()) > 1:
            # a lone surname ("Barclay") is no variant of a full name: as a form of the
            # name it would make person:"Barclay, Colville" find every Barclay
            variants = [v for v in variants if len(re.findall(r"\w+", v)) > 1]
        self._variants(agent, corpus.AgentVariant, "agent", variants)
        self._offices(agent, ref.offices, ref.sources)
        self.reconciler.add_agent(agent.pk, agent.name, agent.kind, variants)
        self._agents[key] = agent
        return agent

    def _offices(self, agent: corpus.Agent, offices: list[tuple[str, str]], source: str) -> None:
        if not offices:
            return
        self.office_holders.add(agent.pk)  # relations to the bodies named: at finish()
        have = set(corpus.Office.objects.filter(agent=agent).values_list("title", "dates"))
        start = len(have)
        corpus.Office.objects.bulk_create(
            [corpus.Office(agent=agent, title=tidy(title, 500), dates=dates, source=source[:300],
                      position=start + n)
             for n, (title, dates) in enumerate(offices) if (tidy(title, 500), dates) not in have]
        )  # fmt: skip

    def place(self, ref: PlaceRef) -> corpus.Place:
        key = ref.key or "name:" + normalise_name(ref.name)
        if key in self._places:
            return self._places[key]
        entry = gazetteer().get(compact(ref.name))
        name = tidy(entry.name if entry else ref.name)
        variants = [ref.name, *ref.variants, *(entry.variants if entry else [])]

        def create() -> corpus.Place:
            if entry is None:
                return corpus.Place.objects.create(name=name)
            return corpus.Place.objects.create(
                name=name, geonames=entry.geonames, latitude=entry.latitude or None,
                longitude=entry.longitude or None,
                sources="GeoNames (gazetteer of chancery/corpus/data/gazetteer.tsv)",
            )  # fmt: skip

        def match() -> Match:
            found = self.reconciler.match_place(name, entry.geonames if entry else "")
            return found if found.record or entry is None else self.reconciler.match_place(ref.name)

        place, created = self._reconciled(SourceKey.PLACE, key, corpus.Place, match, create)
        if not created and entry is not None and not place.geonames:
            place.geonames = entry.geonames
            place.save()
        country = countries().get(entry.country) if entry else None
        parent = None
        if country and country.geonames != place.geonames and place.parent_id is None:
            parent = self.country(country)
        if parent is not None:
            place.parent = parent
            place.save()
        self._variants(place, corpus.PlaceVariant, "place", variants)
        self.reconciler.add_place(place.pk, [place.name, *variants])
        self._places[key] = place
        return place

    def country(self, country: Country) -> corpus.Place | None:
        """The record of a gazetteer place's country (its parent): found by GeoNames id or
        plain name, else made; None when another place goes by the country's name (a
        capital the datelines name like its country, "Guatemala"): no second record of
        that name is made, the places of that country stay without a parent."""
        if country.iso in self._countries:
            return self._countries[country.iso]
        place = corpus.Place.objects.filter(geonames=country.geonames).order_by("pk").first()
        place = place or corpus.Place.objects.filter(name=country.name, geonames="").first()
        known = gazetteer().get(compact(country.name))
        if place is None and (
            (known is not None and known.geonames != country.geonames)
            or corpus.Place.objects.filter(name__iexact=country.name).exists()
            or corpus.PlaceVariant.objects.filter(name__iexact=country.name).exists()
        ):
            self._countries[country.iso] = None
            return None
        if place is None:
            place = corpus.Place.objects.create(
                name=country.name, geonames=country.geonames,
                sources="GeoNames (countries of chancery/corpus/data/countries.tsv)",
            )  # fmt: skip
            self.reconciler.add_place(place.pk, [place.name])
        elif not place.geonames:
            place.geonames = country.geonames
            place.save()
        self._countries[country.iso] = place
        return place

    def _variants(self, owner, model, field: str, names: list[str]) -> None:
        wanted = {tidy(n).casefold(): tidy(n) for n in names if tidy(n)}
        wanted.pop(owner.name.casefold(), None)
        if not wanted:
            return
        have = {
            v.casefold()
            for v in model.objects.filter(**{field: owner}).values_list("name", flat=True)
        }
        added = model.objects.bulk_create(
            [
                model(**{field: owner}, name=n, script=script_of(n))
                for k, n in wanted.items()
                if k not in have
            ]  # fmt: skip
        )
        if added:  # bulk_create sends no signal: the owner's version must show them
            changed_by_import(type(owner), owner.pk)

    def collection(self, ref: CollectionRef) -> corpus.Collection:
        if ref.key in self._collections:
            return self._collections[ref.key]
        parent = self._collections.get(ref.parent) if ref.parent else None
        values: dict[str, Any] = {
            "title": tidy(ref.title, TITLE_MAX),
            "parent": parent,
            "position": ref.position,
        }
        if ref.short_description:
            values["short_description"] = tidy(ref.short_description, 500)
        if ref.introduction:
            values["introduction"] = clean_html(ref.introduction)
        for name in DESCRIPTION:
            if getattr(ref, name):
                values[name] = getattr(ref, name)
        if "printed_title" in values:
            values["printed_title"] = tidy(values["printed_title"], TITLE_MAX)
        if ref.publisher or ref.pub_year:  # a printed volume's imprint
            values.update(
                series=tidy(ref.series), short_title=tidy(ref.short_title),
                editors="\n".join(tidy(e) for e in ref.editors),
                pub_place=tidy(ref.pub_place, 200), publisher=tidy(ref.publisher),
                pub_year=tidy(ref.pub_year, 20),
            )  # fmt: skip

        def create() -> corpus.Collection:
            found = corpus.Collection.objects.filter(slug=ref.slug).first() if ref.slug else None
            if found is None and ref.key.startswith("title:"):  # a spreadsheet names it
                found = corpus.Collection.objects.filter(
                    title__iexact=values["title"], parent=parent
                ).first()
            if found is not None:
                return found
            coll = corpus.Collection(slug=ref.slug, **values)
            coll.save()
            return coll

        coll, created = self._keyed(SourceKey.COLLECTION, ref.key, corpus.Collection, "", create)
        named_only = ref.key.startswith("title:")  # a spreadsheet's path: find, don't move
        if not created and not named_only and any(getattr(coll, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(coll, k, v)
            coll.save()
        self._collections[ref.key] = coll
        return coll

    def language(self, code: str, where: str) -> corpus.Language:
        try:
            return get_language(code, self._languages)
        except ValueError as exc:
            raise IngestError(where, str(exc)) from None

    # -- documents -----------------------------------------------------------------------
    def document(self, rec: DocumentRecord) -> str:
        """Create or update one document; returns 'created', 'updated' or 'unchanged'."""
        if not rec.public_id or not rec.title.strip():
            raise IngestError(rec.where, "a document needs a public id and a title")
        doc = self._known.pop(rec.public_id, None)
        if doc is None:
            doc = corpus.Document.objects.filter(public_id=rec.public_id).first()
        created = doc is None
        doc = doc or corpus.Document(public_id=rec.public_id)
        before = self._scalars(doc)
        doc.title, doc.summary, doc.source = rec.title.strip(), rec.summary, rec.source
        doc.number, doc.page_start, doc.page_end = rec.number, rec.page_start, rec.page_end
        doc.status = rec.status or corpus.Document.PUBLISHED
        doc.date = rec.date
        try:
            doc.apply_date()
        except DateError as exc:
            raise IngestError(rec.where, f"date: {exc}") from None
        doc.doc_type = self.authority(corpus.DocumentType, rec.doc_type) if rec.doc_type else None
        doc.rights = (
            self.authority(corpus.Rights, rec.rights, text=rec.rights_text) if rec.rights else None
        )
        changed = created or self._scalars(doc) != before
        if changed:
            doc.save()
        if created:
            self._new.add(doc.pk)
        changed |= self._relations(doc, rec, created)
        changed |= self._texts(doc, corpus.Transcript, rec.transcripts, rec.where)
        changed |= self._texts(doc, corpus.Translation, rec.translations, rec.where)
        changed |= self._memberships(doc, rec.collections, created)
        if rec.attached_to or rec.related or not created:
            self._deferred.append((doc.pk, rec.attached_to, "|".join(rec.related), rec.where))
        outcome = "created" if created else ("updated" if changed else "unchanged")
        self.outcomes[doc.pk] = outcome
        if sum(map(len, self._pending.values())) > 5000:
            self.flush()
        return outcome

    def prefetch(self, records: list[DocumentRecord]) -> None:
        """Load what a batch of records' documents hold now, in a few queries (re-imports)."""
        docs = corpus.Document.objects.filter(public_id__in=[r.public_id for r in records])
        self._known = {d.public_id: d for d in docs}
        pks = [d.pk for d in self._known.values()]
        self._loaded = set(pks)
        self._links, self._held_texts, self._held_memberships = {}, {}, {}
        if not pks:
            return
        for name in DESCRIPTIONS:
            through, source, target = _through(name)
            rows = through._default_manager.filter(**{f"{source}__in": pks})
            for pk in pks:
                self._links[name, pk] = set()
            for pk, other in rows.values_list(source, target):
                self._links[name, pk].add(other)
        for model in (corpus.Transcript, corpus.Translation):
            for text in model.objects.filter(document_id__in=pks).order_by("position", "id"):
                self._held_texts.setdefault((model, text.document_id), []).append(text)
        for ms in corpus.Membership.objects.filter(document_id__in=pks):
            self._held_memberships[ms.document_id, ms.collection_id] = ms

    @staticmethod
    def _scalars(doc: corpus.Document) -> tuple:
        return (*(getattr(doc, f) for f in SCALARS), doc.doc_type_id, doc.rights_id)

    def _is_name(self, name: str, rec: DocumentRecord) -> bool:
        """False (and a note) for a "name" too long to be one: a parsing fragment."""
        length = len(" ".join(name.split()))
        if length <= NAME_MAX:
            return True
        self.report.warnings.append(
            f"{rec.where}: {rec.public_id}: {' '.join(name.split())[:60]!r}… is no name "
            f"({length} characters, at most {NAME_MAX}): no record made of it"
        )
        return False

    def _relations(self, doc: corpus.Document, rec: DocumentRecord, created: bool) -> bool:
        wanted = {name: [self.authority(model, n) for n in getattr(rec, name)
                         if self._is_name(n, rec)]
                  for name, model in RELATIONS.items()}  # fmt: skip
        wanted["places"] = [self.place(p) for p in rec.places if self._is_name(p.name, rec)]
        wanted["languages"] = [self.language(c, rec.where) for c in rec.languages]
        for name in PEOPLE:
            wanted[name] = [self.agent(a) for a in getattr(rec, name) if self._is_name(a.name, rec)]
        changed = False
        for name, objs in wanted.items():
            pks = {o.pk for o in objs}
            if created:
                self._queue_links(doc, name, pks)
                continue
            manager = getattr(doc, name)
            current = self._links.get((name, doc.pk))
            if current is None:
                current = set(manager.values_list("pk", flat=True))
            if current != pks:
                manager.set(pks)
                changed = True
        return changed

    def _queue_links(self, doc: corpus.Document, name: str, pks: set[int]) -> None:
        """Rows for a new document's relations, written in bulk by :meth:`flush`."""
        through, source, target = _through(name)
        rows = self._pending.setdefault(through, [])
        rows += [through(**{source: doc.pk, target: pk}) for pk in pks]

    def flush(self) -> None:
        for model, rows in self._pending.items():
            model._default_manager.bulk_create(rows, batch_size=500)
        self._pending = {}

    def _texts(self, doc: corpus.Document, model, texts: list[TextRef], where: str) -> bool:
        wanted = [
            (
                t.label,
                self.language(t.language, where).pk if t.language else None,
                clean_html(t.html),
            )
            for t in texts
        ]
        existing: list[Any]
        if doc.pk in self._new:
            existing = []
        elif doc.pk in self._loaded:
            existing = self._held_texts.get((model, doc.pk), [])
        else:
            existing = list(model.objects.filter(document=doc).order_by("position", "id"))
        if [(t.label, t.language_id, t.html) for t in existing] == wanted:
            return False
        if len(existing) > len(wanted):
            model.objects.filter(pk__in=[t.pk for t in existing[len(wanted) :]]).delete()
        for position, (label, language_id, html) in enumerate(wanted):
            asset = existing[position] if position < len(existing) else model(document=doc)
            asset.label, asset.language_id, asset.html, asset.position = (
                label,
                language_id,
                html,
                position,
            )
            asset.save()
        return True

    def _memberships(
        self, doc: corpus.Document, collections: list[tuple[str, int]], created: bool
    ) -> bool:
        changed = False
        for key, position in collections:
            coll = self._collections.get(key)
            if coll is None:
                continue
            if created:
                rows = self._pending.setdefault(corpus.Membership, [])
                rows.append(corpus.Membership(collection=coll, document=doc, position=position))
                continue
            ms = self._held_memberships.get((doc.pk, coll.pk))
            made = False
            if ms is None:
                ms, made = corpus.Membership.objects.get_or_create(
                    collection=coll, document=doc, defaults={"position": position}
                )
            moved = not made and ms.position != position
            if moved:
                ms.position = position
                ms.save(update_fields=["position"])
            changed |= made or moved
        return changed

    # -- end of file ---------------------------------------------------------------------
    def _resolve(self, public_id: str, where: str) -> int:
        pk = (
            corpus.Document.objects.filter(public_id=public_id).values_list("pk", flat=True).first()
        )
        if pk is None:
            raise IngestError(where, f"refers to document {public_id!r}, which does not exist")
        return pk

    def _related_wanted(self) -> dict[int, set[int]]:
        """Related documents per document of this file; the relation goes both ways."""
        wanted: dict[int, set[int]] = {pk: set() for pk, *_ in self._deferred}
        for pk, _, related, where in self._deferred:
            for public_id in filter(None, related.split("|")):
                found = corpus.Document.objects.filter(public_id=public_id).values_list(
                    "pk", flat=True
                )
                if not found:
                    self.report.warnings.append(
                        f"{where}: related document {public_id!r} not found"
                    )
                    continue
                wanted[pk].add(found[0])
                if found[0] in wanted:
                    wanted[found[0]].add(pk)
        return wanted

    def finish(self, index: bool = True, version: bool = True) -> None:
        """Resolve references between documents, tally outcomes, version and index in bulk."""
        self.flush()
        related = self._related_wanted()
        pks = [pk for pk, *_ in self._deferred]
        attached: dict[int, int | None] = {}
        linked: dict[int, set[int]] = {}
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            attached.update(
                corpus.Document.objects.filter(pk__in=chunk).values_list("pk", "attached_to_id")
            )
            rows = corpus.Document.related.through.objects.filter(from_document_id__in=chunk)
            for a, b in rows.values_list("from_document_id", "to_document_id"):
                linked.setdefault(a, set()).add(b)
        for pk, attached_to, _, where in self._deferred:
            target = self._resolve(attached_to, where) if attached_to else None
            changed = False
            if attached[pk] != target:
                corpus.Document.objects.filter(pk=pk).update(attached_to=target, updated_at=now())
                changed = True
            current = linked.get(pk, set())
            outside = {r for r in current if r not in related}  # kept: not this file's to say
            if current != related[pk] | outside:
                corpus.Document(pk=pk).related.set(related[pk] | outside)
                changed = True
            if changed and self.outcomes[pk] == "unchanged":
                self.outcomes[pk] = "updated"
        for outcome in self.outcomes.values():
            self.report.add(outcome)
        agent_relations.from_offices(self.office_holders)
        touched = [pk for pk, o in self.outcomes.items() if o != "unchanged"]
        if version:
            record_import(touched)  # one attributed version per document changed
        if index and touched:
            index_documents(touched)
