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

from django.db import connection
from django.db import models as dj
from django.utils.text import slugify
from django.utils.timezone import now

from chancery.corpus import models as corpus
from chancery.corpus import relations as agent_relations
from chancery.corpus.authorities import AUTHORITY_KINDS
from chancery.corpus.dates import DateError
from chancery.corpus.hierarchy import collection_slug, path_below
from chancery.corpus.models import DESCRIPTIONS, as_saved
from chancery.corpus.names import compact, script_of
from chancery.corpus.sanitize import clean_html
from chancery.corpus.text import strip_on_save
from chancery.search.backends import get_backend
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
A = TypeVar("A", corpus.Agent, corpus.Place)

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


class _Texts:
    """The text layers (transcripts, translations) a batch writes, in bulk."""

    FIELDS = ["label", "language", "html", "position", "updated_at"]

    def __init__(self):
        self.new: dict[type[dj.Model], list] = {}
        self.changed: dict[type[dj.Model], list] = {}
        self.gone: dict[type[dj.Model], list[int]] = {}

    def save(self, asset, exists: bool) -> None:
        # the html is clean_html's already (TextAsset.save would clean it again: the same)
        strip_on_save(type(asset), asset)
        (self.changed if exists else self.new).setdefault(type(asset), []).append(asset)

    def delete(self, model, assets) -> None:
        self.gone.setdefault(model, []).extend(a.pk for a in assets)

    def write(self) -> None:
        for model, pks in self.gone.items():
            if pks:  # one by one their post_delete would re-index the documents: paused
                model._default_manager.filter(pk__in=pks).delete()
        stamp = now()
        for model, assets in self.changed.items():
            for asset in assets:
                asset.updated_at = stamp
            model._default_manager.bulk_update(assets, self.FIELDS, batch_size=200)
        for model, assets in self.new.items():
            model._default_manager.bulk_create(assets, batch_size=200)


class Writer:
    """Writes the records of one file; call :meth:`finish` before the transaction ends.

    What the file's records name is looked up in maps read once per run (authorities by
    name, source keys, records by pk, variant names, offices, the review list), and what
    it makes is written in bulk per batch of documents (:meth:`documents`, :meth:`flush`):
    the query count of an import grows with its batches, not with its documents.
    """

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
        ] = {}  # rows to write with bulk_create: relations of new documents, source keys, …
        self._new: set[int] = set()
        self._link_rows: dict[tuple, list[tuple]] = {}  # (through, columns) -> new links
        self._known: dict[str, corpus.Document] = {}  # prefetched existing documents by public id
        self._absent: set[str] = set()  # prefetched public ids no document has (yet)
        self._loaded: set[int] = set()  # their pks: what they hold is in the three below
        self._links: dict[tuple[str, int], set[int]] = {}  # (relation, pk) -> other pks
        self._held_texts: dict[tuple[type[dj.Model], int], list[Any]] = {}  # transcripts, …
        self._held_memberships: dict[tuple[int, int], corpus.Membership] = {}
        self.reconciler = Reconciler()
        # -- the maps of the run, each read on first use ------------------------------------
        self._by_name: dict[type[dj.Model], dict[str, dj.Model]] = {}  # casefolded name ->
        self._slugs: dict[type[dj.Model], set[str]] = {}
        self._unsaved: dict[type[dj.Model], list[dj.Model]] = {}  # new authorities, in order
        self._keys: dict[str, dict[str, list]] = {}  # scope -> key -> [SourceKey pk, object id]
        self._by_pk: dict[type[dj.Model], dict[int, dj.Model]] = {}
        self._variant_names: dict[type[dj.Model], dict[int, set[str]]] = {}
        self._office_pairs: dict[int, set[tuple[str, str]]] | None = None
        self._reviews: dict[type[dj.Model], set[tuple[int, int]]] = {}

    # -- the run's maps ------------------------------------------------------------------
    def _names(self, model: type[dj.Model]) -> dict[str, dj.Model]:
        """``model``'s records by casefolded name (the first in the model's order wins, as
        ``filter(name__iexact=…).first()`` did), read once."""
        if model not in self._by_name:
            found: dict[str, Any] = {}
            records: Any = model._default_manager.order_by(*(model._meta.ordering or ()), "pk")
            for obj in records:
                found.setdefault(obj.name.casefold(), obj)
            self._by_name[model] = found
        return self._by_name[model]

    def _slug(self, model: type[dj.Model], text: str) -> str:
        """What ``unique_slug`` gives a new record of ``model``, from the slugs in memory."""
        if model not in self._slugs:
            self._slugs[model] = set(model._default_manager.values_list("slug", flat=True))
        taken = self._slugs[model]
        base = slugify(text, allow_unicode=False)[:80] or "item"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        return slug

    def _source_keys(self, scope: str) -> dict[str, list]:
        if scope not in self._keys:
            rows = SourceKey.objects.filter(scope=scope).values_list("key", "pk", "object_id")
            self._keys[scope] = {key: [pk, object_id] for key, pk, object_id in rows}
        return self._keys[scope]

    def _record(self, model: type[M], pk: int | None) -> M | None:
        """The record ``pk`` of ``model`` (Agent, Place, Collection), from a map read once."""
        if model not in self._by_pk:
            self._by_pk[model] = {o.pk: o for o in model._default_manager.all()}
            self._by_pk[model] |= {
                o.pk: o for o in self._collections.values() if type(o) is model
            }  # those this run holds already: the same objects
        return cast("M | None", self._by_pk[model].get(pk)) if pk is not None else None

    def _remember(self, obj: dj.Model) -> None:
        if type(obj) in self._by_pk:
            self._by_pk[type(obj)][obj.pk] = obj

    def _link_key(self, scope: str, key: str, obj: dj.Model) -> None:
        """The source key ``key`` names ``obj`` from now on (written by :meth:`flush`)."""
        keys = self._source_keys(scope)
        held = keys.get(key)
        if held is None:
            self._pending.setdefault(SourceKey, []).append(
                SourceKey(scope=scope, key=key, object_id=obj.pk)
            )
            keys[key] = [None, obj.pk]
        elif held[1] != obj.pk:
            if held[0] is None:  # made by this run, not written yet
                for row in self._pending.get(SourceKey, []):
                    if (row.scope, row.key) == (scope, key):
                        row.object_id = obj.pk
            else:
                SourceKey.objects.filter(pk=held[0]).update(object_id=obj.pk)
            held[1] = obj.pk

    def _write(self, *models: type[dj.Model]) -> None:
        """Write the pending rows of these models now (a query is about to read them)."""
        for model in models:
            rows = self._pending.pop(model, [])
            if rows:
                model._default_manager.bulk_create(rows, batch_size=500)

    # -- authorities ---------------------------------------------------------------------
    def authority(self, model: type[M], name: str, **extra) -> M:
        """The record of ``model`` named ``name``: found in the run's map, else made (not
        written yet: :meth:`flush` creates the new ones in bulk)."""
        name = tidy(name)
        key = (model, name.casefold())
        if key not in self._authorities:
            obj = self._names(model).get(name.casefold())
            if obj is None:
                obj = model(name=name, slug=self._slug(model, name), **extra)
                self._unsaved.setdefault(model, []).append(obj)
                self._names(model)[name.casefold()] = obj
            elif any(getattr(obj, k) != v for k, v in extra.items() if v):
                for k, v in extra.items():
                    if v:
                        setattr(obj, k, v)
                if obj.pk is not None:
                    obj.save()
            self._authorities[key] = obj
        return cast(M, self._authorities[key])  # kept under its own model

    def _insert(self, obj: A) -> A:
        """Insert a new person or place now (reconciliation needs its pk): what its save()
        and post_save receivers do, without the receivers' per-row queries (the index and
        the variants table are brought up to date at the end of the file)."""
        type(obj)._default_manager.bulk_create([as_saved(obj)])
        changed_by_import(type(obj), obj.pk)
        get_backend().labels_changed()
        return obj

    def _save_authorities(self) -> None:
        """Create the authorities named since the last call, in bulk and in order."""
        made = False
        for model, objs in self._unsaved.items():
            for obj in objs:
                as_saved(obj)
            model._default_manager.bulk_create(objs, batch_size=500)
            for obj in objs:
                changed_by_import(model, obj.pk)  # bulk_create sends no signal
            made = made or bool(objs)
        self._unsaved = {}
        if made:  # what the post_save of each would have told the search engine
            get_backend().labels_changed()

    def _keyed(
        self, scope: str, key: str, model: type[M], find_by_name: str, create: Callable[[], M]
    ) -> tuple[M, bool]:
        held = self._source_keys(scope).get(key)
        obj = self._record(model, held[1]) if held else None
        if obj is None and find_by_name:
            obj = model._default_manager.filter(name__iexact=find_by_name).first()
        created = obj is None
        if obj is None:
            obj = create()
            self._remember(obj)
        self._link_key(scope, key, obj)
        return obj, created

    def _reconciled(
        self, scope: str, key: str, model: type[M], match: Callable[[], Match],
        create: Callable[[], M],
    ) -> tuple[M, bool]:  # fmt: skip
        """The record a source key made before, else the one reconciliation is certain of
        (``match()``), else a new one; doubtful pairs go to the review list."""
        held = self._source_keys(scope).get(key)
        obj = self._record(model, held[1]) if held else None
        if obj is None:  # reconciliation reads the variant names on first use: write them
            self._write(*(variant for variant, loaded in (
                (corpus.AgentVariant, self.reconciler._agents),
                (corpus.PlaceVariant, self.reconciler._places),
            ) if loaded is None))  # fmt: skip
        found = Match(None) if obj is not None else match()
        if obj is None and found.record is not None:
            obj = self._record(model, cast(int, found.record))
        created = obj is None
        if obj is None:
            obj = create()
            self._remember(obj)
            review: type[corpus.AgentReview | corpus.PlaceReview] = (
                corpus.AgentReview if model is corpus.Agent else corpus.PlaceReview
            )
            for other in found.doubtful:
                if other != obj.pk:
                    self._review(review, cast(int, other), obj.pk, found.reason)
        self._link_key(scope, key, obj)
        return obj, created

    def _review(self, review, record: int, candidate: int, reason: str) -> None:
        """Put a pair in the review list unless it is there (written by :meth:`flush`)."""
        if review not in self._reviews:
            self._reviews[review] = set(review.objects.values_list("record_id", "candidate_id"))
        if (record, candidate) not in self._reviews[review]:
            self._reviews[review].add((record, candidate))
            self._pending.setdefault(review, []).append(
                review(record_id=record, candidate_id=candidate, reason=reason)
            )

    def agent(self, ref: AgentRef) -> corpus.Agent:
        key = ref.key or "name:" + normalise_name(ref.name)
        if key in self._agents:
            return self._agents[key]
        name = tidy(ref.name)
        agent, created = self._reconciled(
            SourceKey.AGENT, key, corpus.Agent,
            lambda: self.reconciler.match_agent(name, ref.variants, ref.kind),
            lambda: self._insert(corpus.Agent(
                name=name, kind=ref.kind, description=ref.description, sources=ref.sources,
                slug=self._slug(corpus.Agent, name),
            )),
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
        if self._office_pairs is None:  # every person's offices, read once
            self._office_pairs = {}
            rows = corpus.Office.objects.values_list("agent_id", "title", "dates")
            for pk, title, dates in rows:
                self._office_pairs.setdefault(pk, set()).add((title, dates))
        have = self._office_pairs.setdefault(agent.pk, set())
        start = len(have)
        held = [corpus.Office(agent=agent, title=tidy(title, 500), dates=dates,
                              source=source[:300], position=start + n)
                for n, (title, dates) in enumerate(offices)
                if (tidy(title, 500), dates) not in have]  # fmt: skip
        have.update((office.title, office.dates) for office in held)
        self._pending.setdefault(corpus.Office, []).extend(held)

    def place(self, ref: PlaceRef) -> corpus.Place:
        key = ref.key or "name:" + normalise_name(ref.name)
        if key in self._places:
            return self._places[key]
        entry = gazetteer().get(compact(ref.name))
        name = tidy(entry.name if entry else ref.name)
        variants = [ref.name, *ref.variants, *(entry.variants if entry else [])]

        def create() -> corpus.Place:
            slug = self._slug(corpus.Place, name)
            if entry is None:
                return self._insert(corpus.Place(name=name, slug=slug))
            return self._insert(corpus.Place(
                name=name, slug=slug, geonames=entry.geonames, latitude=entry.latitude or None,
                longitude=entry.longitude or None,
                sources="GeoNames (gazetteer of chancery/corpus/data/gazetteer.tsv)",
            ))  # fmt: skip

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
        self._write(corpus.PlaceVariant)
        if place is None and (
            (known is not None and known.geonames != country.geonames)
            or corpus.Place.objects.filter(name__iexact=country.name).exists()
            or corpus.PlaceVariant.objects.filter(name__iexact=country.name).exists()
        ):
            self._countries[country.iso] = None
            return None
        if place is None:
            place = self._insert(corpus.Place(
                name=country.name, geonames=country.geonames,
                slug=self._slug(corpus.Place, country.name),
                sources="GeoNames (countries of chancery/corpus/data/countries.tsv)",
            ))  # fmt: skip
            self.reconciler.add_place(place.pk, [place.name])
            self._remember(place)
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
        if model not in self._variant_names:  # every record's variant names, read once
            held: dict[int, set[str]] = {}
            for pk, name in model.objects.values_list(f"{field}_id", "name"):
                held.setdefault(pk, set()).add(name.casefold())
            self._variant_names[model] = held
        have = self._variant_names[model].setdefault(owner.pk, set())
        added = [
            model(**{field: owner}, name=n, script=script_of(n))
            for k, n in wanted.items()
            if k not in have
        ]  # fmt: skip
        have.update(wanted)
        if added:  # written by flush(), with no signal: the owner's version must show them
            self._pending.setdefault(model, []).extend(added)
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
            return self._new_collection(corpus.Collection(slug=ref.slug, **values))

        coll, created = self._keyed(SourceKey.COLLECTION, ref.key, corpus.Collection, "", create)
        named_only = ref.key.startswith("title:")  # a spreadsheet's path: find, don't move
        if not created and not named_only and any(getattr(coll, k) != v for k, v in values.items()):
            moved = coll.parent_id != (parent.pk if parent is not None else None)
            for k, v in values.items():
                setattr(coll, k, v)
            coll.save()
            if moved:  # its subtree's paths moved with it: the run's map follows
                paths = dict(corpus.Collection.objects.values_list("pk", "path"))
                held: Any
                for held in [*self._by_pk.get(corpus.Collection, {}).values(),
                             *self._collections.values()]:  # fmt: skip
                    held.path = paths.get(held.pk, held.path)
        self._collections[ref.key] = coll
        return coll

    def _new_collection(self, coll: corpus.Collection) -> corpus.Collection:
        """Insert a new collection: what ``Collection.save`` and its signals do, with the
        slugs and the tree from the run's maps (two queries, not a dozen)."""
        if not hasattr(self, "_collection_slugs"):
            self._collection_slugs = set(
                corpus.Collection.objects.values_list("slug", flat=True)
            ) | set(corpus.CollectionSlug.objects.values_list("slug", flat=True))
        self._record(corpus.Collection, None)  # the tree, read once
        if not coll.slug:
            coll.slug = collection_slug(
                coll, self._collection_slugs.__contains__,
                lambda pk: self._record(corpus.Collection, pk),
            )  # fmt: skip
        self._collection_slugs.add(coll.slug)
        corpus.Collection.objects.bulk_create([as_saved(coll)])
        parent = self._record(corpus.Collection, coll.parent_id)
        coll.path = path_below(parent.path if parent is not None else None, coll.pk)
        corpus.Collection.objects.filter(pk=coll.pk).update(path=coll.path)
        changed_by_import(corpus.Collection, coll.pk)  # what its post_save did
        get_backend().labels_changed()
        return coll

    def has_collection(self, key: str) -> bool:
        return key in self._collections

    def language(self, code: str, where: str) -> corpus.Language:
        try:
            return get_language(code, self._languages)
        except ValueError as exc:
            raise IngestError(where, str(exc)) from None

    # -- documents -----------------------------------------------------------------------
    def document(self, rec: DocumentRecord) -> str:
        """Create or update one document; returns 'created', 'updated' or 'unchanged'."""
        return self.documents([rec])[0]

    def documents(self, records: list[DocumentRecord]) -> list[str]:
        """Create or update a batch of documents (call :meth:`prefetch` with it first), in
        bulk; returns each one's outcome: 'created', 'updated' or 'unchanged'."""
        outcomes: list[str] = []
        run: list[DocumentRecord] = []
        for rec in records:
            if any(r.public_id == rec.public_id for r in run):  # twice in a batch: in turn
                outcomes += self._write_documents(run)
                run = []
            run.append(rec)
        if run:
            outcomes += self._write_documents(run)
        return outcomes

    def _write_documents(self, records: list[DocumentRecord]) -> list[str]:
        # 1. each record read against the archive, authorities found or made, in order
        plans = []
        for rec in records:
            if not rec.public_id or not rec.title.strip():
                raise IngestError(rec.where, "a document needs a public id and a title")
            doc = self._known.pop(rec.public_id, None)
            if doc is None and rec.public_id not in self._absent:
                doc = corpus.Document.objects.filter(public_id=rec.public_id).first()
            self._absent.discard(rec.public_id)  # from now on it exists
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
            kind = self.authority(corpus.DocumentType, rec.doc_type) if rec.doc_type else None
            rights = (
                self.authority(corpus.Rights, rec.rights, text=rec.rights_text)
                if rec.rights
                else None
            )
            wanted = self._wanted_relations(rec)
            layers = {
                model: self._wanted_texts(refs, rec.where)
                for model, refs in ((corpus.Transcript, rec.transcripts),
                                    (corpus.Translation, rec.translations))
            }  # fmt: skip
            plans.append((rec, doc, created, before, kind, rights, wanted, layers))
        # 2. the new authorities, then the documents, in bulk
        self._save_authorities()
        stamp = now()
        made: list[corpus.Document] = []
        saved: list[corpus.Document] = []
        for _rec, doc, created, before, kind, rights, *_ in plans:
            doc.doc_type, doc.rights = kind, rights
            if not created and self._scalars(doc) == before:
                continue
            if doc.status == corpus.Document.PUBLISHED and doc.published_at is None:
                doc.published_at = stamp  # what Document.save does
            strip_on_save(corpus.Document, doc)
            (made if created else saved).append(doc)
        corpus.Document.objects.bulk_create(made, batch_size=500)
        if saved:
            doc_fields = [*SCALARS, "date_display", "date_earliest", "date_latest",
                          "date_approximate", "decade", "doc_type", "rights", "published_at",
                          "updated_at"]  # fmt: skip
            for doc in saved:
                doc.updated_at = stamp
            corpus.Document.objects.bulk_update(saved, doc_fields, batch_size=500)
        self.tombstones([*made, *saved])
        changed_docs = {doc.pk for doc in saved}
        self._new.update(doc.pk for doc in made)
        # 3. what each document holds: relations, texts, memberships
        outcomes = []
        texts = _Texts()
        for rec, doc, created, _before, _kind, _rights, wanted, wanted_texts in plans:
            changed = created or doc.pk in changed_docs
            changed |= self._relations(doc, wanted, created)
            for model, rows in wanted_texts.items():
                changed |= self._texts(doc, model, rows, texts)
            changed |= self._memberships(doc, rec.collections, created)
            if rec.attached_to or rec.related or not created:
                self._deferred.append((doc.pk, rec.attached_to, "|".join(rec.related), rec.where))
            outcome = "created" if created else ("updated" if changed else "unchanged")
            self.outcomes[doc.pk] = outcome
            outcomes.append(outcome)
        texts.write()
        self.flush()
        return outcomes

    @staticmethod
    def tombstones(docs: list[corpus.Document]) -> None:
        """What the OAI tombstones' post_save did for each document written (oai/signals.py):
        a published one has none; a withdrawn one that was published gets one."""
        from chancery.oai.models import Tombstone
        from chancery.oai.signals import withdraw

        public = [d.public_id for d in docs if d.is_published]
        for start in range(0, len(public), 500):
            Tombstone.objects.filter(identifier__in=public[start : start + 500]).delete()
        for doc in docs:
            if not doc.is_published and doc.published_at is not None:
                withdraw(doc)

    def prefetch(self, records: list[DocumentRecord]) -> None:
        """Load what a batch of records' documents hold now, in a few queries (re-imports)."""
        docs = corpus.Document.objects.filter(public_id__in=[r.public_id for r in records])
        self._known = {d.public_id: d for d in docs}
        self._absent = {r.public_id for r in records} - set(self._known)
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

    def _wanted_relations(self, rec: DocumentRecord) -> dict[str, list[dj.Model]]:
        wanted = {name: [self.authority(model, n) for n in getattr(rec, name)
                         if self._is_name(n, rec)]
                  for name, model in RELATIONS.items()}  # fmt: skip
        wanted["places"] = [self.place(p) for p in rec.places if self._is_name(p.name, rec)]
        wanted["languages"] = [self.language(c, rec.where) for c in rec.languages]
        for name in PEOPLE:
            wanted[name] = [self.agent(a) for a in getattr(rec, name) if self._is_name(a.name, rec)]
        return wanted

    def _relations(
        self, doc: corpus.Document, wanted: dict[str, list[dj.Model]], created: bool
    ) -> bool:
        changed = False
        for name, objs in wanted.items():
            pks = {o.pk for o in objs}
            if created:
                self.queue_links(doc, name, pks)
                continue
            manager = getattr(doc, name)
            current = self._links.get((name, doc.pk))
            if current is None:
                current = set(manager.values_list("pk", flat=True))
            if current != pks:
                manager.set(pks)
                changed = True
        return changed

    def queue_links(self, doc: corpus.Document, name: str, pks: set[int]) -> None:
        """Rows for a new document's relations, written in bulk by :meth:`flush`."""
        through, source, target = _through(name)
        rows = self._link_rows.setdefault((through, source, target), [])
        rows += [(doc.pk, pk) for pk in pks]

    def flush(self) -> None:
        """Write every pending row (source keys, reviews, offices, variant names, relation
        rows and memberships of new documents) in bulk."""
        self._save_authorities()
        for model, rows in self._pending.items():
            for row in rows:
                as_saved(row)
            model._default_manager.bulk_create(rows, batch_size=500)
        self._pending = {}
        # link rows as plain pairs: a model instance each costs more than its insert
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for (through, source, target), pairs in self._link_rows.items():
                table = quote(through._meta.db_table)
                cursor.executemany(
                    f"INSERT INTO {table} ({quote(source)}, {quote(target)}) "  # noqa: S608
                    "VALUES (%s, %s)",
                    pairs,
                )
        self._link_rows = {}

    def _wanted_texts(self, texts: list[TextRef], where: str) -> list[tuple]:
        return [
            (
                t.label,
                self.language(t.language, where).pk if t.language else None,
                clean_html(t.html),
            )
            for t in texts
        ]

    def _texts(self, doc: corpus.Document, model, wanted: list[tuple], out: _Texts) -> bool:
        existing: list[Any]
        if doc.pk in self._new:
            existing = []
        elif doc.pk in self._loaded:
            existing = self._held_texts.get((model, doc.pk), [])
        else:
            existing = list(model.objects.filter(document=doc).order_by("position", "id"))
        if [(t.label, t.language_id, t.html) for t in existing] == wanted:
            return False
        out.delete(model, existing[len(wanted) :])
        for position, (label, language_id, html) in enumerate(wanted):
            old = position < len(existing)
            asset = existing[position] if old else model(document=doc)
            asset.label, asset.language_id, asset.html, asset.position = (
                label,
                language_id,
                html,
                position,
            )
            out.save(asset, old)
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
    def _resolve(self, public_id: str, where: str, pks: dict[str, int]) -> int:
        pk = pks.get(public_id)
        if pk is None:
            raise IngestError(where, f"refers to document {public_id!r}, which does not exist")
        return pk

    def _public_ids(self) -> dict[str, int]:
        """The documents the file's records refer to (attached to, related), by public id."""
        wanted = sorted({p for _, attached_to, related, _ in self._deferred
                         for p in [attached_to, *related.split("|")] if p})  # fmt: skip
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            rows = corpus.Document.objects.filter(public_id__in=wanted[start : start + 500])
            found.update(rows.values_list("public_id", "pk"))
        return found

    def _related_wanted(self, pks: dict[str, int]) -> dict[int, set[int]]:
        """Related documents per document of this file; the relation goes both ways."""
        wanted: dict[int, set[int]] = {pk: set() for pk, *_ in self._deferred}
        for pk, _, related, where in self._deferred:
            for public_id in filter(None, related.split("|")):
                other = pks.get(public_id)
                if other is None:
                    self.report.warnings.append(
                        f"{where}: related document {public_id!r} not found"
                    )
                    continue
                wanted[pk].add(other)
                if other in wanted:
                    wanted[other].add(pk)
        return wanted

    def finish(self, index: bool = True, version: bool = True) -> None:
        """Resolve references between documents, tally outcomes, version and index in bulk."""
        self.flush()
        public_ids = self._public_ids()
        related = self._related_wanted(public_ids)
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
            target = self._resolve(attached_to, where, public_ids) if attached_to else None
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
