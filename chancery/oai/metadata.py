"""The metadata formats a record is disseminated in: ``oai_dc`` and ``mods``.

Why MODS as the richer format (docs/oai.md): Dublin Core flattens what our records know.
MODS keeps persons apart from organisations, creators apart from contributors (MARC
relator roles), the EDTF date with its earliest/latest range and approximation, ISO 639-2/B
language codes as stored, collections as host items, the holding repository and the rights.
It is what library discovery systems and aggregators already ingest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from chancery.corpus.models import Agent, Document
from chancery.corpus.sanitize import html_to_text

from .protocol import datestamp
from .xml import XSI_LOCATION, safe

DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
MODS_NS = "http://www.loc.gov/mods/v3"


@dataclass
class Context:
    """What a record needs beyond the document: absolute URLs and the archive's name."""

    absolute: Callable[[str], str]
    site_name: str


@dataclass(frozen=True)
class Format:
    prefix: str
    schema: str
    namespace: str
    build: Callable[[Document, Context], etree._Element]


def _text(parent, tag: str, value, **attrs) -> None:
    value = safe(str(value)).strip() if value is not None else ""
    if value:
        etree.SubElement(parent, tag, attrs).text = value


def oai_dc(doc: Document, ctx: Context) -> etree._Element:
    dc = f"{{{DC_NS}}}"
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})
    root.set(XSI_LOCATION, f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    _text(root, dc + "title", doc.title)
    for agent in doc.creators.all():
        _text(root, dc + "creator", agent.name)
    for subject in doc.subjects.all():
        _text(root, dc + "subject", subject.name)
    _text(root, dc + "description", html_to_text(doc.summary))
    _text(root, dc + "publisher", ctx.site_name)
    for agent in doc.contributors.all():
        _text(root, dc + "contributor", agent.name)
    _text(root, dc + "date", doc.date)
    _text(root, dc + "type", "Text")
    if doc.doc_type:
        _text(root, dc + "type", doc.doc_type.name)
    _text(root, dc + "identifier", ctx.absolute(doc.get_absolute_url()))
    _text(root, dc + "source", doc.source)
    for repository in doc.repositories.all():
        _text(root, dc + "source", repository.name)
    for language in doc.languages.all():
        _text(root, dc + "language", language.bcp47)
    for membership in doc.membership_set.all():
        _text(root, dc + "relation", membership.collection.title)
    for place in doc.places.all():
        _text(root, dc + "coverage", place.name)
    if doc.rights:
        for value in (doc.rights.name, doc.rights.text, doc.rights.url):
            _text(root, dc + "rights", value)
    return root


def _mods_name(parent, agent: Agent, role: tuple[str, str] | None) -> None:
    m = f"{{{MODS_NS}}}"
    kind = "corporate" if agent.kind == Agent.ORGANISATION else "personal"
    name = etree.SubElement(parent, m + "name", type=kind)
    _text(name, m + "namePart", agent.name)
    if agent.dates and kind == "personal":
        _text(name, m + "namePart", agent.dates, type="date")
    if role:
        role_el = etree.SubElement(name, m + "role")
        _text(role_el, m + "roleTerm", role[0], type="text", authority="marcrelator")
        _text(role_el, m + "roleTerm", role[1], type="code", authority="marcrelator")


def _mods_dates(parent, doc: Document) -> None:
    m = f"{{{MODS_NS}}}"
    origin = etree.SubElement(parent, m + "originInfo")
    _text(origin, m + "dateCreated", doc.date, encoding="edtf", keyDate="yes")
    if doc.date_earliest and doc.date_latest:
        approximate = {"qualifier": "approximate"} if doc.date_approximate else {}
        _text(
            origin, m + "dateCreated", doc.date_earliest.isoformat(),
            encoding="w3cdtf", point="start", **approximate,
        )  # fmt: skip
        _text(
            origin, m + "dateCreated", doc.date_latest.isoformat(),
            encoding="w3cdtf", point="end", **approximate,
        )  # fmt: skip


def mods(doc: Document, ctx: Context) -> etree._Element:
    m = f"{{{MODS_NS}}}"
    url = ctx.absolute(doc.get_absolute_url())
    root = etree.Element(m + "mods", nsmap={"mods": MODS_NS}, version="3.7")
    root.set(XSI_LOCATION, f"{MODS_NS} http://www.loc.gov/standards/mods/v3/mods-3-7.xsd")
    title_info = etree.SubElement(root, m + "titleInfo")
    _text(title_info, m + "title", doc.title)
    for agent in doc.creators.all():
        _mods_name(root, agent, ("creator", "cre"))
    for agent in doc.contributors.all():
        _mods_name(root, agent, ("contributor", "ctb"))
    _text(root, m + "typeOfResource", "text")
    if doc.doc_type:
        _text(root, m + "genre", doc.doc_type.name)
    if doc.date:
        _mods_dates(root, doc)
    for language in doc.languages.all():
        lang = etree.SubElement(root, m + "language")
        _text(lang, m + "languageTerm", language.code, type="code", authority="iso639-2b")
        _text(lang, m + "languageTerm", language.name, type="text")
    _text(root, m + "abstract", html_to_text(doc.summary))
    _text(root, m + "note", doc.source, type="source")
    for subject in doc.subjects.all():
        _text(etree.SubElement(root, m + "subject"), m + "topic", subject.name)
    for place in doc.places.all():
        _text(etree.SubElement(root, m + "subject"), m + "geographic", place.name)
    for agent in doc.people.all():
        _mods_name(etree.SubElement(root, m + "subject"), agent, None)
    for membership in doc.membership_set.all():
        host = etree.SubElement(root, m + "relatedItem", type="host")
        _text(etree.SubElement(host, m + "titleInfo"), m + "title", membership.collection.title)
        location = etree.SubElement(host, m + "location")
        _text(location, m + "url", ctx.absolute(membership.collection.get_absolute_url()))
    _text(root, m + "identifier", url, type="uri")
    _text(root, m + "identifier", doc.public_id, type="local")
    location = etree.SubElement(root, m + "location")
    for repository in doc.repositories.all():
        _text(location, m + "physicalLocation", repository.name)
    _text(location, m + "url", url, usage="primary", access="object in context")
    if doc.rights:
        rights = "\n".join(v for v in (doc.rights.name, doc.rights.text, doc.rights.url) if v)
        _text(root, m + "accessCondition", rights, type="use and reproduction")
    record = etree.SubElement(root, m + "recordInfo")
    _text(record, m + "recordContentSource", ctx.site_name)
    _text(record, m + "recordChangeDate", datestamp(doc.updated_at), encoding="iso8601")
    _text(record, m + "recordIdentifier", doc.public_id)
    return root


FORMATS: dict[str, Format] = {
    "oai_dc": Format("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS, oai_dc),
    "mods": Format("mods", "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd", MODS_NS, mods),
}
