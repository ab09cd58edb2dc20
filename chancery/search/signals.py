"""Keep the search index in step with every write to a document or what it shows."""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from chancery.corpus import models
from chancery.corpus.authorities import AUTHORITY_KINDS
from chancery.corpus.visibility import document_fields

from . import variants
from .backends import get_backend
from .facets import FACETS
from .indexing import is_paused, schedule


def _document_saved(sender, instance, **kwargs):
    schedule([instance.pk])


def _asset_changed(sender, instance, **kwargs):
    schedule([instance.document_id])


def _relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:
        if pk_set:
            schedule(pk_set)
        elif action == "post_clear":
            schedule(models.Document.objects.values_list("pk", flat=True))
    else:
        schedule([instance.pk])


def _authority_renamed(sender, instance, **kwargs):
    pointing = Q()
    for field in document_fields(sender):
        pointing |= Q(**{field: instance})
    schedule(models.Document.objects.filter(pointing).values_list("pk", flat=True).distinct())


def _collection_moving(sender, instance, **kwargs):
    """Remember where a collection sat, to see after the save whether it moved."""
    instance._parent_before = (
        sender.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        if instance.pk
        else None
    )


def _collection_moved(sender, instance, created, **kwargs):
    """A collection moved: its subtree's documents have other collections above them (an
    engine indexing a document's ancestors reads them once the move, paths and all, commits)."""
    if created or getattr(instance, "_parent_before", None) == instance.parent_id:
        return
    if instance.path:
        documents = models.Document.objects.filter(collections__path__startswith=instance.path)
    else:
        documents = models.Document.objects.filter(collections=instance)
    pks = list(documents.values_list("pk", flat=True).distinct())
    transaction.on_commit(lambda: schedule(pks))


def _names_changed(sender, instance, **kwargs):
    """Keep the name-variant table in step with people, places and their variants."""
    if is_paused():
        return
    if sender is models.Agent:
        variants.sync_agents([instance.pk])
    elif sender is models.AgentVariant:
        variants.sync_agents([instance.agent_id])
    elif sender is models.Place:
        variants.sync_places([instance.pk])
    elif sender is models.PlaceVariant:
        variants.sync_places([instance.place_id])


def _facet_labels_changed(sender, **kwargs):
    """An engine that keeps facet labels (Tantivy) forgets them when one changes here."""
    get_backend().labels_changed()


def connect() -> None:
    labelled = {spec.model for spec in FACETS.values() if spec.model is not None}
    for model in sorted(labelled, key=lambda m: m.__name__):
        for signal, tag in ((post_save, "s"), (post_delete, "d")):
            signal.connect(
                _facet_labels_changed, sender=model, dispatch_uid=f"labels_{model.__name__}_{tag}"
            )
    for model in (models.Agent, models.AgentVariant, models.Place, models.PlaceVariant):
        for signal, tag in ((post_save, "s"), (post_delete, "d")):
            signal.connect(
                _names_changed, sender=model, dispatch_uid=f"names_{model.__name__}_{tag}"
            )
    post_save.connect(_document_saved, sender=models.Document, dispatch_uid="index_doc_save")
    pre_save.connect(_collection_moving, sender=models.Collection, dispatch_uid="index_coll_pre")
    post_save.connect(_collection_moved, sender=models.Collection, dispatch_uid="index_coll_mv")
    post_delete.connect(_document_saved, sender=models.Document, dispatch_uid="index_doc_del")
    for asset in (models.Translation, models.Transcript, models.Membership):
        post_save.connect(_asset_changed, sender=asset, dispatch_uid=f"index_{asset.__name__}_s")
        post_delete.connect(_asset_changed, sender=asset, dispatch_uid=f"index_{asset.__name__}_d")
    # People's names are searched text; every facet's values are kept in the index by the
    # engines that count facets and filter by themselves (Tantivy).
    relations = {s.relation for s in FACETS.values() if s.many}
    relations |= set(AUTHORITY_KINDS["person"].relations)
    for field in sorted(relations):
        through = getattr(models.Document, field).through
        if not through._meta.auto_created:
            continue  # an explicit through model (a collection's Membership) signals itself
        m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"index_m2m_{field}")
    for authority in (models.Agent, models.Place, models.Subject):
        post_save.connect(
            _authority_renamed, sender=authority, dispatch_uid=f"index_{authority.__name__}"
        )
