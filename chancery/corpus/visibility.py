"""Which authority records the public may see: every one but those only drafts use.

A subject, place, person, repository or collection that an editor's draft introduced is
unpublished work: its name must not show on a public page, list, sitemap or API before a
document using it is published. An authority no document uses yet (a place kept for the
hierarchy, an empty collection) stays visible, as before. Staff see everything in the
admin. Every public view reads authorities through :func:`public`, so the rule is one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import models

#: model -> the Document fields that point at it.
DOCUMENT_FIELDS = {
    models.Subject: ["subjects"],
    models.Place: ["places"],
    models.Agent: ["creators", "contributors", "people"],
    models.Repository: ["repositories"],
    models.Collection: ["collections"],
    models.Language: ["languages"],
    models.Publisher: ["publishers"],
    models.Donor: ["donors"],
    models.Classification: ["classifications"],
    models.DocumentType: ["doc_type"],
    models.Rights: ["rights"],
}


def _used_by(model, documents: QuerySet) -> Q:
    used = Q()
    for field in DOCUMENT_FIELDS[model]:
        ids = documents.filter(**{f"{field}__isnull": False}).values(field)
        used |= Q(pk__in=ids)
    return used


def draft_only(model) -> Q:
    """Rows some document uses, but no published one."""
    everything = models.Document.objects.order_by()
    return _used_by(model, everything) & ~_used_by(model, everything.published())


def public(model_or_queryset) -> QuerySet:
    """The rows of a model (or queryset of it) the public may see; still one SQL query."""
    queryset = model_or_queryset
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    return queryset.exclude(draft_only(queryset.model))
