"""The demo archive: the ten documents of the page that started Chancery, and three
public-domain state documents with every layer a record can have.

The ten documents and their authorities are data (``data/demo.toml``). Titles and dates
are the documents' own; the summaries are ours. Nothing else is invented: no document
text, and no archival citation we could not vouch for. The three treaties and decrees
(``demo_texts``) carry their Russian text, an English translation and page images,
rendered from the transcript as facsimiles (``facsimile``) and labelled so.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import NotRequired, TypedDict

from django.core.files.base import ContentFile
from django.db import transaction

from chancery.search import variants as name_forms
from chancery.search.indexing import index_documents, indexing_paused

from . import facsimile, models
from .demo_texts import (
    FACSIMILE_NOTE,
    TEXTS,
    TRANSCRIPT_NOTE,
    TRANSLATION_NOTE,
    TRANSLATOR,
    layer_html,
)

#: The catalogue: authorities, repositories, collections and the ten documents
#: (data/demo.toml; the three state documents with their texts are in demo_texts).
CATALOGUE = tomllib.loads((Path(__file__).parent / "data" / "demo.toml").read_text("utf-8"))
LANGUAGES: dict[str, str] = CATALOGUE["languages"]
PLACES: dict[str, str] = CATALOGUE["places"]  # name -> parent ("": none), parents first
PLACE_VARIANTS: dict[str, list[list[str]]] = CATALOGUE["place_variants"]  # [variant, note]
PEOPLE: dict[str, list[list[str]]] = CATALOGUE["people"]  # name -> [[variant, note], …]
ORGANISATIONS: list[str] = CATALOGUE["organisations"]
REPOSITORIES: dict[str, str] = CATALOGUE["repositories"]  # short name -> name
COLLECTIONS: list[dict] = CATALOGUE["collections"]  # parents first


class DemoDocument(TypedDict):
    public_id: str
    date: str
    title: str
    summary: str
    type: str
    languages: list[str]
    collections: list[str]
    subjects: list[str]
    places: list[str]
    people: NotRequired[list[str]]
    creators: NotRequired[list[str]]
    repositories: NotRequired[list[str]]
    status: NotRequired[str]


DOCUMENTS: list[DemoDocument] = CATALOGUE["documents"]

RIGHTS = (
    "For research and teaching",
    "Shared for research and teaching. Ask the holding repository before republishing.",
)


PUBLIC_DOMAIN = (
    "Public domain",
    "Official documents of states (treaties, decrees) are not subject to copyright. "
    "The English translations and facsimiles were made for the demo and may be reused freely.",
)


def _get(model, **lookup):
    return model.objects.get_or_create(**lookup)[0]


def _authorities():
    for code, name in LANGUAGES.items():
        models.Language.objects.update_or_create(code=code, defaults={"name": name})
    places: dict[str, models.Place] = {}
    for name, parent in PLACES.items():
        place = _get(models.Place, name=name)
        place.parent = places[parent] if parent else None
        place.save()
        places[name] = place
        for variant, note in PLACE_VARIANTS.get(name, []):
            models.PlaceVariant.objects.get_or_create(place=place, name=variant, note=note)
    agents = {}
    for name, variants in PEOPLE.items():
        agents[name] = _get(models.Agent, name=name, kind=models.Agent.PERSON)
        for variant, note in variants:
            models.AgentVariant.objects.get_or_create(agent=agents[name], name=variant, note=note)
    for name in ORGANISATIONS:
        agents[name] = _get(models.Agent, name=name, kind=models.Agent.ORGANISATION)
    repositories = {key: _get(models.Repository, name=name) for key, name in REPOSITORIES.items()}
    collections: dict[str, models.Collection] = {}
    for position, data in enumerate(COLLECTIONS):
        within = data.get("parent", "")
        collections[data["slug"]], _ = models.Collection.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"], "parent": collections[within] if within else None,
                "featured": data["featured"], "short_description": data["short_description"],
                "position": position,
            },
        )  # fmt: skip
    rights, _ = models.Rights.objects.get_or_create(name=RIGHTS[0], defaults={"text": RIGHTS[1]})
    return places, agents, repositories, collections, rights


@transaction.atomic
def load_demo(texts: bool = True) -> int:
    """Create or update the demo archive; return the number of documents. ``texts=False``
    leaves out the three state documents with text layers and scans (tests whose counts
    are pinned to the ten catalogue records)."""
    with indexing_paused():  # name forms and index entries are made once, at the end
        places, agents, repositories, collections, rights = _authorities()
        pks = []
        for data in DOCUMENTS:
            doc, _ = models.Document.objects.update_or_create(
                public_id=data["public_id"],
                defaults={
                    "title": data["title"], "summary": data["summary"], "date": data["date"],
                    "doc_type": _get(models.DocumentType, name=data["type"]), "rights": rights,
                    "status": data.get("status", models.Document.PUBLISHED),
                },
            )  # fmt: skip
            doc.languages.set(models.Language.objects.filter(code__in=data["languages"]))
            doc.subjects.set([_get(models.Subject, name=s) for s in data["subjects"]])
            doc.places.set([places[p] for p in data["places"]])
            doc.people.set([agents[p] for p in data.get("people", [])])
            doc.creators.set([agents[p] for p in data.get("creators", [])])
            doc.repositories.set([repositories[r] for r in data.get("repositories", [])])
            for position, slug in enumerate(data["collections"]):
                models.Membership.objects.update_or_create(
                    collection=collections[slug], document=doc,
                    defaults={"position": int(data["public_id"]) + position},
                )  # fmt: skip
            pks.append(doc.pk)
        by_id = {d.public_id: d for d in models.Document.objects.filter(pk__in=pks)}
        by_id["6"].related.add(by_id["8"])
        by_id["4"].related.add(by_id["7"])
        if texts:
            pks += _texts(places, agents, collections)
    name_forms.sync_agents([agent.pk for agent in agents.values()])
    name_forms.sync_places([place.pk for place in places.values()])
    index_documents(pks)
    return len(pks)


@functools.cache
def _facsimile(paragraphs: tuple[str, ...], number: int, heading: str) -> bytes:
    """A page image, rendered once per process: encoding the PNG is most of a demo load's
    time, and the same transcript always gives the same image."""
    return facsimile.render_page(list(paragraphs), str(number), heading, FACSIMILE_NOTE)


def _texts(places, agents, collections) -> list[int]:
    """The three state documents, each with its Russian transcript, English translation
    and one facsimile page image per page (made again on every load: the demo is data)."""
    rights, _ = models.Rights.objects.get_or_create(
        name=PUBLIC_DOMAIN[0], defaults={"text": PUBLIC_DOMAIN[1]}
    )
    russian = models.Language.objects.get(code="rus")
    english = models.Language.objects.get(code="eng")
    treaties = collections["treaties-and-decrees"]
    pks = []
    for position, data in enumerate(TEXTS, start=1):
        doc, _ = models.Document.objects.update_or_create(
            public_id=data["public_id"],
            defaults={
                "title": data["title"], "summary": data["summary"], "date": data["date"],
                "source": data["source"], "rights": rights,
                "doc_type": _get(models.DocumentType, name=data["type"]),
                "status": models.Document.PUBLISHED,
            },
        )  # fmt: skip
        doc.languages.set([russian])
        doc.subjects.set([_get(models.Subject, name=s) for s in data["subjects"]])
        doc.places.set([places[p] for p in data["places"]])
        doc.people.set([agents[p] for p in data["people"]])
        doc.creators.set([agents[p] for p in data["creators"]])
        models.Membership.objects.update_or_create(
            collection=treaties, document=doc, defaults={"position": position}
        )
        prefix = f"d{data['public_id']}"
        models.Transcript.objects.update_or_create(
            document=doc, position=0,
            defaults={"label": "Original", "language": russian,
                      "html": layer_html(data["russian"], f"{prefix}-ru", TRANSCRIPT_NOTE)},
        )  # fmt: skip
        models.Translation.objects.update_or_create(
            document=doc, position=0,
            defaults={"label": "Translation", "language": english,
                      "translator": TRANSLATOR,
                      "html": layer_html(data["english"], f"{prefix}-en", TRANSLATION_NOTE)},
        )  # fmt: skip
        for scan in doc.scans.all():  # the facsimiles are made again from the text
            scan.file.delete(save=False)
            scan.delete()
        for number, page in enumerate(data["russian"]["pages"], start=1):
            image = _facsimile(tuple(page), number, data["heading_ru"] if number == 1 else "")
            scan = models.Scan(
                document=doc, position=number,
                label=f"Page {number} (facsimile rendered from the transcript)",
            )  # fmt: skip
            scan.file.save(f"demo-{data['public_id']}-p{number}.png", ContentFile(image),
                           save=True)  # fmt: skip
        pks.append(doc.pk)
    return pks
