"""An authority record as EAC-CPF 2010 (Encoded Archival Context – Corporate Bodies,
Persons and Families, namespace ``urn:isbn:1-931666-33-4``), the XML form of ISAAR(CPF).

The record's preferred name and variants (with script and transliteration scheme), dates
of existence, offices held (as occupations, with their dates), description, sources and
external identifiers, its relations to other people and organisations (``cpfRelation``,
either side's relation, the other's inverted) and its published documents as resource
relations.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from lxml import etree

from . import models
from .relations import related
from .text import clean_tree

EAC = "urn:isbn:1-931666-33-4"
XLINK = "http://www.w3.org/1999/xlink"
E = f"{{{EAC}}}"


def _el(parent, name: str, text: str = "", **attrs):
    el = etree.SubElement(parent, E + name, {k: v for k, v in attrs.items() if v})
    if text:
        el.text = clean_tree(text)[0]
    return el


def _token(text: str) -> str:
    """An NMTOKEN (no spaces) for an attribute: 'usual English' -> 'usual-English'."""
    return re.sub(r"[^\w.:-]+", "-", text).strip("-")


def eac_cpf(agent: models.Agent, base_url: str = "", agents=None) -> bytes:
    """The EAC-CPF document of ``agent``; ``base_url`` ("https://archive.example") makes
    the record's and its documents' links absolute; ``agents``, the records its relations
    may name (the public ones for the public; all when None)."""
    root = etree.Element(E + "eac-cpf", nsmap={None: EAC, "xlink": XLINK})
    control = _el(root, "control")
    _el(control, "recordId", f"chancery-agent-{agent.slug}")
    _el(control, "maintenanceStatus", "derived")
    agency = _el(control, "maintenanceAgency")
    _el(agency, "agencyName", settings.SITE_NAME)
    history = _el(control, "maintenanceHistory")
    event = _el(history, "maintenanceEvent")
    _el(event, "eventType", "derived")
    now = timezone.now().replace(microsecond=0)
    _el(event, "eventDateTime", now.strftime("%Y-%m-%d %H:%M UTC"),
        standardDateTime=now.isoformat())  # fmt: skip
    _el(event, "agentType", "machine")
    _el(event, "agent", "Chancery")
    _el(event, "eventDescription", "Exported from the archive's authority record.")
    if agent.sources:
        sources = _el(control, "sources")
        source = _el(sources, "source")
        _el(source, "sourceEntry", agent.sources)

    description = _el(root, "cpfDescription")
    identity = _el(description, "identity")
    for scheme, _value, url in agent.identifiers():
        _el(identity, "entityId", f"{url}", localType=scheme)
    _el(identity, "entityType",
        "corporateBody" if agent.kind == models.Agent.ORGANISATION else "person")  # fmt: skip
    preferred = _el(identity, "nameEntry", scriptCode="Latn")
    _el(preferred, "part", agent.name)
    _el(preferred, "authorizedForm", "chancery")
    for variant in agent.variants.all():
        entry = _el(identity, "nameEntry", scriptCode=variant.script,
                    transliteration=_token(variant.scheme or variant.note))  # fmt: skip
        _el(entry, "part", variant.name)
        _el(entry, "alternativeForm", "chancery")

    offices = list(agent.offices.all())
    if agent.dates or offices or agent.description:
        about = _el(description, "description")
        if agent.dates:
            _el(_el(about, "existDates"), "date", agent.dates)
        if offices:
            occupations = _el(about, "occupations")
            for office in offices:
                occupation = _el(occupations, "occupation")
                _el(occupation, "term", office.title)
                if office.dates:
                    _el(occupation, "date", office.dates)
                if office.source:
                    _el(occupation, "citation", office.source)
        if agent.description:
            _el(_el(about, "biogHist"), "p", agent.description)

    documents = (
        models.Document.objects.published()
        .filter(Q(people=agent) | Q(creators=agent) | Q(contributors=agent))
        .distinct()
        .order_by("date_earliest", "public_id")
    )
    created = set(agent.created_documents.values_list("pk", flat=True))
    relations = None
    for link in related(agent, agents):  # cpfRelation comes before resourceRelation
        relations = relations if relations is not None else _el(description, "relations")
        relation = _el(relations, "cpfRelation", cpfRelationType=link.relation_type)
        relation.set(f"{{{XLINK}}}type", "simple")
        relation.set(f"{{{XLINK}}}href", base_url + link.other.get_absolute_url())
        _el(relation, "relationEntry", link.other.name)
        if link.dates:
            _el(relation, "date", link.dates)
        source = f"Source: {link.source}" if link.source else ""
        note = "; ".join(t for t in (link.description, source) if t)
        if note:
            _el(_el(relation, "descriptiveNote"), "p", note)
    for document in documents:
        relations = relations if relations is not None else _el(description, "relations")
        kind = "creatorOf" if document.pk in created else "subjectOf"
        relation = _el(relations, "resourceRelation", resourceRelationType=kind)
        relation.set(f"{{{XLINK}}}type", "simple")
        relation.set(f"{{{XLINK}}}href", base_url + document.get_absolute_url())
        _el(relation, "relationEntry", document.title[:500])
        if document.date_display:
            _el(relation, "date", document.date_display)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
