"""Tombstones follow the corpus: withdrawing a published document leaves one behind.

A document that was ever published (``published_at`` is set once and kept) and is now
unpublished or deleted gets a tombstone; publishing it again removes it. A draft that was
never published leaves nothing, so OAI answers ``idDoesNotExist`` for it. Bulk writes
(``QuerySet.update``/``bulk_create``) send no signals: importers that unpublish in bulk
must call :func:`withdraw` themselves.
"""

from django.db.models.signals import post_save, pre_delete
from django.utils import timezone

from chancery.corpus.models import Document, Membership

from .models import Tombstone
from .sets import SetTree


def withdraw(document: Document) -> None:
    """Record that ``document`` is no longer public, with the sets it was in."""
    collection_ids = Membership.objects.filter(document=document).values_list(
        "collection_id", flat=True
    )
    specs = SetTree.load().specs_of(collection_ids) if collection_ids else []
    Tombstone.objects.update_or_create(
        identifier=document.public_id,
        defaults={"datestamp": timezone.now(), "sets": Tombstone.pack_sets(specs)},
    )


def _document_saved(sender, instance: Document, **kwargs):
    if instance.is_published:
        Tombstone.objects.filter(identifier=instance.public_id).delete()
    elif instance.published_at is not None:
        withdraw(instance)


def _document_deleted(sender, instance: Document, **kwargs):
    # pre_delete: the memberships (its sets) still exist, and we are inside the delete's
    # transaction, so a failed delete leaves no tombstone.
    if instance.published_at is not None:
        withdraw(instance)


def connect() -> None:
    post_save.connect(_document_saved, sender=Document, dispatch_uid="oai_tombstone_save")
    pre_delete.connect(_document_deleted, sender=Document, dispatch_uid="oai_tombstone_delete")
