"""The OAI-PMH response envelope and record headers, built with lxml."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from lxml import etree

from chancery.corpus.text import strip_illegal

from .protocol import datestamp

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_LOCATION = f"{{{XSI_NS}}}schemaLocation"
OAI = f"{{{OAI_NS}}}"


def envelope(base_url: str, verb: str | None, args: dict[str, str]) -> etree._Element:
    """``<OAI-PMH>`` with responseDate and request; ``verb`` None for badVerb/badArgument."""
    root = etree.Element(OAI + "OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(XSI_LOCATION, f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    sub(root, "responseDate", datestamp(timezone.now()))
    request = sub(root, "request", base_url)
    if verb is not None:
        request.set("verb", verb)
        for name, value in args.items():
            request.set(name, safe(value))
    return root


def sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    """A child in the OAI namespace (text and attributes XML-safe: see :func:`safe`)."""
    element = etree.SubElement(parent, OAI + tag, {k: safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = safe(text)
    return element


def safe(text: str) -> str:
    """``text`` without characters XML cannot carry (lxml refuses them: a 500 mid-harvest).

    They are kept out of the database on input; this covers rows stored before that.
    """
    return strip_illegal(text)


def header(parent, identifier: str, item) -> etree._Element:
    attrs = {"status": "deleted"} if item.deleted else {}
    element = sub(parent, "header", **attrs)
    sub(element, "identifier", identifier)
    sub(element, "datestamp", datestamp(item.datestamp))
    for spec in item.sets:
        sub(element, "setSpec", spec)
    return element


def response(root: etree._Element) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
