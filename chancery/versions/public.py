"""What readers see of a record's history: its public versions and corrections.

A *public version* is a version in which the document was published and that was applied
(not a change still awaiting review). They are numbered from 1 — the record as first
imported or created and published — and each has a stable address,
``/document/<public id>/v/<n>/``, that citations can carry. A withdrawn record answers
410 Gone with the reason its editors gave (the OAI tombstone's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from reversion.models import Version

from chancery.corpus import models as m
from chancery.corpus.authorities import AUTHORITY_KINDS
from chancery.oai.models import Tombstone
from chancery.search.facets import FACETS

from .history import children_of
from .models import RevisionInfo


@dataclass
class PublicVersion:
    number: int
    version: Version
    date: datetime
    note: str
    url: str


def public_versions(doc: m.Document) -> list[PublicVersion]:
    """The document's public versions, oldest first (one query)."""
    rows = (
        Version.objects.get_for_object(doc)
        .select_related("revision__info")
        .only("pk", "serialized_data", "revision__date_created", "revision__info__note",
              "revision__info__state")
        .order_by("pk")
    )  # fmt: skip
    found: list[PublicVersion] = []
    for version in rows:
        info = getattr(version.revision, "info", None)
        if info is not None and info.state != RevisionInfo.APPLIED:
            continue
        fields = json.loads(version.serialized_data)[0]["fields"]
        if fields.get("status") != m.Document.PUBLISHED:
            continue
        n = len(found) + 1
        url = reverse("versions:document-version", args=[doc.public_id, n])
        found.append(PublicVersion(n, version, version.revision.date_created,
                                   info.note if info else "", url))  # fmt: skip
    return found


def revisions(versions: list[PublicVersion]) -> list[PublicVersion]:
    """The corrections to show ("Revised 3 March 2027: date corrected"), newest first."""
    return [v for v in reversed(versions[1:]) if v.note]


def gone(request, public_id: str):
    """The 410 page of a withdrawn record, or None when it was never withdrawn."""
    tombstone = Tombstone.objects.filter(identifier=public_id).first()
    if tombstone is None:
        return None
    return render(request, "versions/gone.html", {"tombstone": tombstone}, status=410)


#: The relations a version page lists (its template names them): the people a document is
#: by and about (not its contributors), its subjects, places and languages.
SHOWN_RELATIONS = (
    *(r for r in AUTHORITY_KINDS["person"].relations if r != "contributors"),
    FACETS["subject"].relation,
    FACETS["place"].relation,
    FACETS["language"].relation,
)


def document_version(request, public_id: str, number: str):
    n = int(number)  # the URL pattern allows digits only
    doc = m.Document.objects.filter(public_id=public_id).first()
    if doc is None or not doc.is_published:
        response = gone(request, public_id)
        if response is not None:
            return response
        raise Http404("No such document")
    versions = public_versions(doc)
    if not 1 <= n <= len(versions):
        raise Http404("No such version")
    chosen = versions[n - 1]
    fields = chosen.version.field_dict
    shown = {}
    for name in SHOWN_RELATIONS:
        target = m.Document._meta.get_field(name).related_model
        assert isinstance(target, type), name  # SHOWN_RELATIONS are relations to models
        shown[name] = list(target._default_manager.filter(pk__in=fields.get(name) or []))
    doc_type = m.DocumentType.objects.filter(pk=fields.get("doc_type_id")).first()
    children = children_of(chosen.version)
    languages = {lang.code: lang for lang in m.Language.objects.all()}
    texts = []
    for model, noun in (
        (m.Translation, "Translation"),
        (m.Transcript, "Original-language transcript"),
    ):
        for item in children.get(model, []):
            texts.append({"label": item.get("label") or noun, "html": item.get("html", ""),
                          "language": languages.get(str(item.get("language")))})  # fmt: skip
    snapshot = m.Document(**{k: v for k, v in fields.items() if not isinstance(v, list)})
    return render(
        request,
        "versions/document_version.html",
        {
            "doc": doc,
            "snapshot": snapshot,
            "chosen": chosen,
            "versions": versions,
            "latest": versions[-1],
            "shown": shown,
            "doc_type": doc_type,
            "texts": texts,
            "permalink": request.build_absolute_uri(chosen.url),
        },
    )
