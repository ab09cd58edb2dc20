"""EAD 2002 finding aids, for the consumers that read no EAD3 yet.

:func:`build_ead2002` builds the EAD3 finding aid (:func:`chancery.ingest.ead.build_ead`)
and writes it down in EAD 2002 (namespace ``urn:isbn:1-931666-22-9``, the XSD version with
XLink), element by element: ``control`` becomes ``eadheader``; the names' ``part`` become
their text; ``localtype`` becomes ``type``; a digital object's and a reference's links become
XLink attributes (``dao``, ``extref``); the structured dates, which EAD 2002 lacks, become the
``normal`` attribute of the ``unitdate`` they sit beside. One builder, so both versions say
the same.

The official schema (``ead2002/ead.xsd``) imports the XLink schema from the Library of
Congress by URL; :func:`schema` reads it from beside ``ead.xsd`` instead
(``ead2002/xlink.xsd``, the LoC "METS XLink Schema"), never from the network.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from chancery.corpus import models as m
from chancery.corpus.schemas import schema_file

from .ead import EAD_NS, build_ead

EAD2002_NS = "urn:isbn:1-931666-22-9"
XLINK_NS = "http://www.w3.org/1999/xlink"
SCHEMA_LOCATION = "http://www.loc.gov/ead/ead.xsd"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
N, X, E3 = f"{{{EAD2002_NS}}}", f"{{{XLINK_NS}}}", f"{{{EAD_NS}}}"
SCHEMA = "ead2002/ead.xsd"
XLINK_SCHEMA = "ead2002/xlink.xsd"
#: Where ead.xsd imports the XLink schema from.
XLINK_URL = "http://www.loc.gov/standards/xlink/xlink.xsd"
#: Names whose EAD3 ``part`` children are plain text in EAD 2002.
NAMES = {"persname", "corpname", "famname", "geogname", "subject", "genreform", "name",
         "occupation", "function", "title"}  # fmt: skip
#: A ``normal`` date EAD 2002 accepts (ISO 8601 days, months or years, or a range of them).
_DAY = r"-?[0-2]\d{3}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
NORMAL = re.compile(rf"^{_DAY}(?:/{_DAY})?$")


@functools.cache
def _load_schema(path: Path, xlink: Path) -> etree.XMLSchema:
    tree = etree.parse(str(path))
    for imported in tree.getroot().iterfind("{http://www.w3.org/2001/XMLSchema}import"):
        if imported.get("schemaLocation") == XLINK_URL:
            imported.set("schemaLocation", xlink.resolve().as_uri())
    return etree.XMLSchema(tree)


def schema() -> etree.XMLSchema | None:
    """The official EAD 2002 schema with its XLink schema, or None when not installed."""
    path, xlink = schema_file(SCHEMA), schema_file(XLINK_SCHEMA)
    return _load_schema(path, xlink) if path and xlink else None


def _normal(structured) -> str:
    """The EAD 2002 ``normal`` of an EAD3 ``unitdatestructured``: a day or a range."""
    single = structured.find(f"{E3}datesingle")
    if single is not None:
        return single.get("standarddate", "")
    start, end = (
        structured.find(f"{E3}daterange/{E3}fromdate"),
        structured.find(f"{E3}daterange/{E3}todate"),
    )
    if start is not None and end is not None:
        return f"{start.get('standarddate')}/{end.get('standarddate')}"
    return ""


def _copy(source, parent) -> None:
    """``source`` (an EAD3 element) written down in EAD 2002 under ``parent``."""
    name = etree.QName(source).localname
    if name == "unitdatestructured":
        return  # its dates are the normal of the unitdate before it
    tag = "extref" if name == "ref" else name
    el = etree.SubElement(parent, N + tag)
    for attr, value in source.attrib.items():
        if attr == "localtype":
            el.set("type", value)
        elif name in ("dao", "ref") and attr in ("href", "show", "linktitle"):
            el.set(X + ("title" if attr == "linktitle" else attr), value)
        elif attr == "normal":
            if NORMAL.match(value):
                el.set("normal", value)
        elif attr not in ("daotype",):
            el.set(attr, value)
    if name in ("dao", "ref"):
        el.set(X + "type", "simple")
    if name == "unitdate":
        structured = source.getnext()
        if structured is not None and etree.QName(structured).localname == "unitdatestructured":
            normal = _normal(structured)
            if NORMAL.match(normal):
                el.set("normal", normal)
    if name in NAMES:
        el.text = " ".join("".join(source.itertext()).split())
        return
    el.text = source.text
    for child in source:
        _copy(child, el)
        if child.tail and len(el):
            el[-1].tail = child.tail


def _header(control, root) -> None:
    """EAD3 ``control`` as an EAD 2002 ``eadheader``."""
    header = etree.SubElement(root, N + "eadheader")
    recordid = control.find(f"{E3}recordid")
    eadid = etree.SubElement(header, N + "eadid", {"url": recordid.get("instanceurl", "")})
    eadid.text = recordid.text
    titlestmt = etree.SubElement(etree.SubElement(header, N + "filedesc"), N + "titlestmt")
    etree.SubElement(titlestmt, N + "titleproper").text = control.findtext(
        f"{E3}filedesc/{E3}titlestmt/{E3}titleproper"
    )
    event = control.find(f"{E3}maintenancehistory/{E3}maintenanceevent")
    if event is not None:
        creation = etree.SubElement(etree.SubElement(header, N + "profiledesc"), N + "creation")
        creation.text = f"Derived by {event.findtext(f'{E3}agent')} from its records, "
        when = event.find(f"{E3}eventdatetime")
        date = etree.SubElement(creation, N + "date", {"normal": when.text[:10]})
        date.text = when.text[:10]


def to_ead2002(ead3) -> etree._Element:
    """An EAD3 finding aid (as :func:`build_ead` makes it) written down in EAD 2002."""
    root = etree.Element(N + "ead", nsmap={None: EAD2002_NS, "xlink": XLINK_NS,
                                           "xsi": XSI[1:-1]})  # fmt: skip
    root.set(XSI + "schemaLocation", f"{EAD2002_NS} {SCHEMA_LOCATION}")
    _header(ead3.find(f"{E3}control"), root)
    _copy(ead3.find(f"{E3}archdesc"), root)
    return root


def build_ead2002(
    coll: m.Collection, absolute: Callable[[str], str] = str, *, with_text: bool = True,
    site_name: str = "Chancery",
) -> etree._Element:  # fmt: skip
    """The EAD 2002 finding aid of ``coll`` and everything below it."""
    return to_ead2002(build_ead(coll, absolute, with_text=with_text, site_name=site_name))


def export_ead2002(coll: m.Collection, out: Path, base_url: str = "") -> int:
    """Write the EAD 2002 finding aid of ``coll`` to ``out`` (whole or not at all); the
    number of documents described."""
    from .safefile import atomic_write

    root = build_ead2002(coll, lambda path: base_url.rstrip("/") + path if base_url else path)
    with atomic_write(out, "wb") as handle:
        handle.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))  # fmt: skip
    return sum(1 for _ in root.iterfind(f".//{N}c[@level='item']"))
