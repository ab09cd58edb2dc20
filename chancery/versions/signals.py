"""Revisions get their info row; public datestamps move when a document's relations do."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from reversion.signals import post_revision_commit

from chancery.corpus import models as m

from . import context
from .history import changed_by_import, link_table
from .models import RevisionInfo
from .registry import CHILDREN, VERSIONED


def _revision_committed(sender, revision, versions, **kwargs):
    values = context.current()
    RevisionInfo.objects.create(revision=revision, **values)


_kept: ContextVar[bool] = ContextVar("chancery-stamps-kept", default=False)


@contextmanager
def stamps_kept():
    """Relation changes in this block keep documents' datestamps (a JSONL restore writes
    the exported ones)."""
    token = _kept.set(True)
    try:
        yield
    finally:
        _kept.reset(token)


def touch(pks) -> None:
    """Move the datestamp (``updated_at``: OAI, feeds, sitemaps) of these documents."""
    if _kept.get():
        return
    pks = [pk for pk in pks if pk is not None]
    if pks:
        m.Document.objects.filter(pk__in=pks).update(updated_at=timezone.now())


def _relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        touch([instance.pk])
    elif pk_set:
        touch(pk_set)


def _membership_changed(sender, instance, **kwargs):
    touch([instance.document_id])


def _authority_changed(sender, instance, created=False, raw=False, **kwargs):
    """A renamed subject, person, place or collection changes what its documents say."""
    if created or raw or _kept.get():
        return
    for relation in ("documents", "mentioned_in", "created_documents", "contributed_documents"):
        manager = getattr(instance, relation, None)
        if manager is not None:
            m.Document.objects.filter(
                pk__in=manager.values("pk"), status=m.Document.PUBLISHED
            ).update(updated_at=timezone.now())


def _saved_during_import(sender, instance, raw=False, **kwargs):
    """A collection or authority record an import creates or changes gets its version."""
    if not raw:
        changed_by_import(sender, instance.pk)


def _child_saved_during_import(sender, instance, raw=False, **kwargs):
    """A variant name an import adds changes its person or place."""
    if raw:
        return
    for parent, children in CHILDREN.items():
        for child, fk in children:
            if child is sender and parent is not m.Document:
                changed_by_import(parent, getattr(instance, f"{fk}_id"))


def connect() -> None:
    post_revision_commit.connect(_revision_committed, dispatch_uid="versions_revision_info")
    for field in m.Document._meta.many_to_many:
        through = link_table(field)
        if through is not None:
            m2m_changed.connect(
                _relations_changed, sender=through, dispatch_uid=f"versions_touch_{field.name}"
            )
    for signal, tag in ((post_save, "s"), (post_delete, "d")):
        signal.connect(_membership_changed, sender=m.Membership, dispatch_uid=f"versions_ms_{tag}")
    for model in (m.Subject, m.Place, m.Agent, m.Repository, m.Collection):
        post_save.connect(
            _authority_changed, sender=model, dispatch_uid=f"versions_auth_{model.__name__}"
        )
    for versioned in VERSIONED:
        if versioned is not m.Document:  # documents: by the importer's outcomes (ingest/writer.py)
            post_save.connect(
                _saved_during_import,
                sender=versioned,
                dispatch_uid=f"versions_imp_{versioned.__name__}",
            )
    for parent, children in CHILDREN.items():
        for child, _ in children:
            if parent is not m.Document:
                post_save.connect(
                    _child_saved_during_import,
                    sender=child,
                    dispatch_uid=f"versions_imp_{child.__name__}",
                )
