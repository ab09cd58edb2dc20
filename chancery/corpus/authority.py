"""Merge and split authority records (people, organisations, places).

A merge moves everything the other records hold to the survivor: their documents (in each
relation), variants (their names become variants too), offices, external identifiers and
review entries; their addresses redirect to the survivor permanently; the search index and
name-variant table follow. A split moves chosen documents and variants off a record onto a
new one. Both run in one transaction.
"""

from __future__ import annotations

from django.db import transaction

from chancery.ingest.models import SourceKey
from chancery.search import variants as name_variants
from chancery.search.indexing import index_documents

from . import models as m
from .authorities import AUTHORITY_KINDS

#: model -> (Document relations, variant model, variant FK, redirect model, review model,
#: identifier fields, SourceKey scope)
KINDS = {
    m.Agent: (AUTHORITY_KINDS["person"].relations, m.AgentVariant, "agent",
              m.AgentRedirect, m.AgentReview, ("wikidata", "viaf", "lcnaf"), SourceKey.AGENT),
    m.Place: (AUTHORITY_KINDS["place"].relations, m.PlaceVariant, "place", m.PlaceRedirect,
              m.PlaceReview, ("geonames", "wikidata"), SourceKey.PLACE),
}  # fmt: skip


def _documents(model, pks) -> set[int]:
    relations = KINDS[model][0]
    found: set[int] = set()
    for relation in relations:
        found |= set(
            m.Document.objects.filter(**{f"{relation}__in": pks}).values_list("pk", flat=True)
        )
    return found


def _sync_names(model, pks) -> None:
    (name_variants.sync_agents if model is m.Agent else name_variants.sync_places)(pks)


@transaction.atomic
def merge(survivor, others) -> list[int]:
    """Merge ``others`` into ``survivor``; returns the documents re-indexed."""
    model = type(survivor)
    relations, variant_model, fk, redirect, review, identifiers, scope = KINDS[model]
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        return []
    other_pks = [o.pk for o in others]
    affected = _documents(model, other_pks)
    for relation in relations:
        field = m.Document._meta.get_field(relation)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name() + "_id"
        source = field.m2m_field_name() + "_id"
        have = set(through.objects.filter(**{target: survivor.pk}).values_list(source, flat=True))
        rows = through.objects.filter(**{f"{target}__in": other_pks})
        rows.filter(**{f"{source}__in": have}).delete()
        # one document may name two of the merged records: keep one row per document
        seen = set(have)
        for pk, doc in list(rows.values_list("pk", source)):
            if doc in seen:
                through.objects.filter(pk=pk).delete()
            seen.add(doc)
        through.objects.filter(**{f"{target}__in": other_pks}).update(**{target: survivor.pk})
    names = {v.casefold() for v in variant_model.objects.filter(**{fk: survivor}).values_list(
        "name", flat=True)}  # fmt: skip
    names.add(survivor.name.casefold())
    for variant in variant_model.objects.filter(**{f"{fk}__in": other_pks}):
        if variant.name.casefold() in names:
            variant.delete()
        else:
            names.add(variant.name.casefold())
            setattr(variant, fk, survivor)
            variant.save()
    for other in others:
        if other.name.casefold() not in names:
            names.add(other.name.casefold())
            variant_model.objects.create(**{fk: survivor}, name=other.name)
        for field in (*identifiers, "description", "sources", "latitude", "longitude", "dates"):
            if hasattr(survivor, field) and not getattr(survivor, field) and getattr(other, field):
                setattr(survivor, field, getattr(other, field))
    if model is m.Agent:
        m.Office.objects.filter(agent_id__in=other_pks).update(agent=survivor)
    redirect.objects.filter(**{f"{fk}__in": other_pks}).update(**{fk: survivor})
    redirect.objects.bulk_create([redirect(old_slug=o.slug, **{fk: survivor}) for o in others])
    SourceKey.objects.filter(scope=scope, object_id__in=other_pks).update(object_id=survivor.pk)
    review.objects.filter(record_id__in=other_pks, candidate=survivor).update(status="merged")
    review.objects.filter(candidate_id__in=other_pks, record=survivor).update(status="merged")
    kept = review.objects.exclude(record_id__in=other_pks).exclude(candidate_id__in=other_pks)
    review.objects.exclude(pk__in=kept.values("pk")).exclude(status="merged").delete()
    model.objects.filter(pk__in=other_pks).delete()
    survivor.save()
    _sync_names(model, [survivor.pk, *other_pks])
    index_documents(sorted(affected))
    return sorted(affected)


@transaction.atomic
def split(record, name: str, document_pks, variant_names=()) -> object:
    """A new record named ``name`` taking ``document_pks`` (in every relation they have
    with ``record``) and the variants named; returns it. A redirect from the new record's
    address (an old merge's) is removed, so that address is the record again."""
    model = type(record)
    relations, variant_model, fk, redirect, _review, _ids, _scope = KINDS[model]
    extra = {"kind": record.kind} if model is m.Agent else {}
    new = model(name=name, **extra)
    new.save()
    redirect.objects.filter(old_slug=new.slug).delete()
    document_pks = set(document_pks)
    for relation in relations:
        field = m.Document._meta.get_field(relation)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name() + "_id"
        source = field.m2m_field_name() + "_id"
        through.objects.filter(**{target: record.pk, f"{source}__in": document_pks}).update(
            **{target: new.pk}
        )
    moved = variant_model.objects.filter(**{fk: record}, name__in=list(variant_names))
    moved.update(**{fk: new})
    variant_model.objects.filter(**{fk: new}, name=new.name).delete()
    _sync_names(model, [record.pk, new.pk])
    index_documents(sorted(document_pks))
    return new
