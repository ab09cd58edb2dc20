"""Merge and split authority records (people, organisations, places).

A merge moves everything the other records hold to the survivor: their documents (in each
relation), variants (their names become variants too), offices, relations to other
records (one that would relate the survivor to itself is dropped), external identifiers
and review entries; their addresses redirect to the survivor permanently; the search index
and name-variant table follow. A split moves chosen documents, variants and relations off
a record onto a new one. Both run in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db import transaction
from django.db.models import Model, Q

from chancery.ingest.models import SourceKey
from chancery.search import variants as name_variants
from chancery.search.indexing import index_documents

from . import models
from . import relations as agent_relations
from .authorities import AUTHORITY_KINDS, links


class Kind(NamedTuple):
    """What a merge or split moves for one model of authority records."""

    relations: tuple[str, ...]  # the Document relations that point at the records
    variants: type[models.NameVariant]
    fk: str  # the variants' and redirects' field naming the record
    redirect: type[Model]  # AgentRedirect, PlaceRedirect
    review: type[models.AgentReview] | type[models.PlaceReview]
    identifiers: tuple[str, ...]  # external identifier fields, kept from merged records
    scope: str  # the SourceKey scope of the records' import keys


KINDS: dict[type[models.Authority], Kind] = {
    models.Agent: Kind(
        AUTHORITY_KINDS["person"].relations, models.AgentVariant, "agent", models.AgentRedirect,
        models.AgentReview, ("wikidata", "viaf", "lcnaf"), SourceKey.AGENT,
    ),
    models.Place: Kind(
        AUTHORITY_KINDS["place"].relations, models.PlaceVariant, "place", models.PlaceRedirect,
        models.PlaceReview, ("geonames", "wikidata"), SourceKey.PLACE,
    ),
}  # fmt: skip


def _documents(model: type[models.Authority], pks: Iterable[int]) -> set[int]:
    relations = KINDS[model][0]
    found: set[int] = set()
    for relation in relations:
        found |= set(
            models.Document.objects.filter(**{f"{relation}__in": pks}).values_list("pk", flat=True)
        )
    return found


def _sync_names(model: type[models.Authority], pks: list[int]) -> None:
    (name_variants.sync_agents if model is models.Agent else name_variants.sync_places)(pks)


@transaction.atomic
def merge(
    survivor: models.Agent | models.Place, others: Iterable[models.Agent | models.Place]
) -> list[int]:
    """Merge ``others`` into ``survivor``; returns the documents re-indexed."""
    model = type(survivor)
    relations, variant_model, fk, redirect, review, identifiers, scope = KINDS[model]
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        return []
    other_pks = [o.pk for o in others]
    affected = _documents(model, other_pks)
    for relation in relations:
        through, source, target = links(relation)
        source, target = source + "_id", target + "_id"
        links_of = through._default_manager
        have = set(links_of.filter(**{target: survivor.pk}).values_list(source, flat=True))
        rows = links_of.filter(**{f"{target}__in": other_pks})
        rows.filter(**{f"{source}__in": have}).delete()
        # one document may name two of the merged records: keep one row per document
        seen = set(have)
        for pk, doc in list(rows.values_list("pk", source)):
            if doc in seen:
                links_of.filter(pk=pk).delete()
            seen.add(doc)
        links_of.filter(**{f"{target}__in": other_pks}).update(**{target: survivor.pk})
    variants = variant_model._default_manager
    names = {v.casefold() for v in variants.filter(**{fk: survivor}).values_list("name", flat=True)}
    names.add(survivor.name.casefold())
    for variant in variant_model._default_manager.filter(**{f"{fk}__in": other_pks}):
        if variant.name.casefold() in names:
            variant.delete()
        else:
            names.add(variant.name.casefold())
            setattr(variant, fk, survivor)
            variant.save()
    for other in others:
        if other.name.casefold() not in names:
            names.add(other.name.casefold())
            variant_model._default_manager.create(**{fk: survivor}, name=other.name)
        for field in (*identifiers, "description", "sources", "latitude", "longitude", "dates"):
            if hasattr(survivor, field) and not getattr(survivor, field) and getattr(other, field):
                setattr(survivor, field, getattr(other, field))
    if isinstance(survivor, models.Agent):
        models.Office.objects.filter(agent_id__in=other_pks).update(agent=survivor)
        agent_relations.move(survivor, other_pks)
    redirects = redirect._default_manager
    redirects.filter(**{f"{fk}__in": other_pks}).update(**{fk: survivor})
    redirects.bulk_create([redirect(old_slug=o.slug, **{fk: survivor}) for o in others])
    SourceKey.objects.filter(scope=scope, object_id__in=other_pks).update(object_id=survivor.pk)
    reviews = review.objects
    reviews.filter(record_id__in=other_pks, candidate_id=survivor.pk).update(status="merged")
    reviews.filter(candidate_id__in=other_pks, record_id=survivor.pk).update(status="merged")
    # the other pairs naming a merged record have nothing left to decide
    touching = Q(record_id__in=other_pks) | Q(candidate_id__in=other_pks)
    reviews.filter(touching).exclude(status="merged").delete()
    model._default_manager.filter(pk__in=other_pks).delete()
    survivor.save()
    _sync_names(model, [survivor.pk, *other_pks])
    index_documents(sorted(affected))
    return sorted(affected)


@transaction.atomic
def split(
    record: models.Agent | models.Place,
    name: str,
    document_pks: Iterable[int],
    variant_names: Iterable[str] = (),
    relation_pks: Iterable[int] = (),
) -> models.Agent | models.Place:
    """A new record named ``name`` taking ``document_pks`` (in every relation they have
    with ``record``), the variants named and (people) the relations chosen; returns it.
    A redirect from the new record's address (an old merge's) is removed, so that address
    is the record again."""
    model = type(record)
    relations, variant_model, fk, redirect, _review, _ids, _scope = KINDS[model]
    extra = {"kind": record.kind} if isinstance(record, models.Agent) else {}
    new = model(name=name, **extra)
    new.save()
    redirect._default_manager.filter(old_slug=new.slug).delete()
    document_pks = set(document_pks)
    for relation in relations:
        through, source, target = links(relation)
        source, target = source + "_id", target + "_id"
        links_of = through._default_manager
        links_of.filter(**{target: record.pk, f"{source}__in": document_pks}).update(
            **{target: new.pk}
        )
    moved = variant_model._default_manager.filter(**{fk: record}, name__in=list(variant_names))
    moved.update(**{fk: new})
    variant_model._default_manager.filter(**{fk: new}, name=new.name).delete()
    if isinstance(record, models.Agent) and isinstance(new, models.Agent):
        agent_relations.split_off(record, new, relation_pks)
    _sync_names(model, [record.pk, new.pk])
    index_documents(sorted(document_pks))
    return new
