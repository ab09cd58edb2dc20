"""BibTeX and RIS made from the CSL-JSON item, for reference managers' import.

Both carry what the item carries: a document printed in an edition is a chapter of a
book (BibTeX ``@incollection``, RIS ``CHAP``) with its volume, series, editors, place,
publisher, year, document number and pages; an archival document is a manuscript
(``@unpublished``, RIS ``MANSCPT``) with its repository, collection, identifier and
translator. People are people (``Family, Given``); only organisations are kept whole.
"""

from __future__ import annotations

import re

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _tex(text: str) -> str:
    text = " ".join(str(text).split())
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)


def citation_key(item: dict) -> str:
    """The public id with anything but letters, digits and - : . turned into _."""
    return re.sub(r"[^A-Za-z0-9:.-]+", "_", item["id"]).strip("_") or "document"


def _bib_name(name: dict) -> str:
    if "family" in name:
        return f"{_tex(name['family'])}, {_tex(name['given'])}"
    return "{" + _tex(name["literal"]) + "}"  # an organisation, kept whole


def _first_date(item: dict, key: str) -> list[int] | None:
    date = item.get(key) or {}
    parts = date.get("date-parts")
    return parts[0] if parts else None


def _iso(parts: list[int]) -> str:
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


def _date(item: dict, key: str) -> str:
    date = item.get(key) or {}
    if date.get("date-parts"):
        return "/".join(_iso(p) for p in date["date-parts"])
    return date.get("literal", "")


def _archive_note(item: dict) -> str:
    parts = [item.get("archive_location", "")]
    if item.get("archive"):
        parts.append(
            item["archive"] + (f", {item['archive-place']}" if item.get("archive-place") else "")
        )
    return ". ".join(p for p in parts if p)


def _pages(item: dict) -> tuple[str, str]:
    first, _, last = item.get("page", "").partition("-")
    return first, last or first


def bibtex(item: dict) -> str:
    """One entry, readable by BibTeX and biblatex (``date``, ``origdate``, ``urldate``,
    ``translator``, ``language`` for biblatex)."""
    edition = item["type"] == "chapter"
    fields: list[tuple[str, str]] = [("title", _tex(item["title"]))]
    for role, key in (("author", "author"), ("editor", "editor"), ("translator", "translator")):
        if item.get(role):
            fields.append((key, " and ".join(_bib_name(n) for n in item[role])))
    if edition:
        fields.append(("booktitle", _tex(item["container-title"])))
        if item.get("collection-title"):
            fields.append(("series", _tex(item["collection-title"])))
        if item.get("number"):
            fields.append(("number", _tex(item["number"])))
        if item.get("page"):
            first, last = _pages(item)
            fields.append(("pages", first if first == last else f"{first}--{last}"))
        if item.get("publisher"):
            fields.append(("publisher", _tex(item["publisher"])))
        if item.get("publisher-place"):
            fields.append(("address", _tex(item["publisher-place"])))
    if parts := _first_date(item, "issued"):
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", _MONTHS[parts[1] - 1]))
    if date := _date(item, "issued"):
        fields.append(("date", _tex(date)))
    if origdate := _date(item, "original-date"):
        fields.append(("origdate", _tex(origdate)))
    if item.get("genre"):
        fields.append(("type", _tex(item["genre"])))
    if not edition:
        if note := _archive_note(item):
            fields.append(("howpublished", _tex(note)))
        if item.get("collection-title"):
            fields.append(("note", _tex(f"Collection: {item['collection-title']}")))
    elif item.get("note"):
        fields.append(("note", _tex(item["note"])))
    if item.get("abstract"):
        fields.append(("abstract", _tex(item["abstract"])))
    if item.get("language"):
        fields.append(("language", _tex(item["language"])))
    fields.append(("url", item["URL"]))
    if accessed := _first_date(item, "accessed"):
        fields.append(("urldate", _iso(accessed)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    kind = "incollection" if edition else "unpublished"
    return f"@{kind}{{{citation_key(item)},\n{body}\n}}\n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def _ris_name(name: dict) -> str:
    return f"{name['family']}, {name['given']}" if "family" in name else name["literal"]


#: Optional CSL-JSON variables and their RIS tags, in the order they are written.
RIS_OPTIONAL = [
    ("container-title", "T2"),
    ("collection-title", "T3"),
    ("number", "IS"),
    ("genre", "M3"),
    ("abstract", "AB"),
    ("archive_location", "AN"),
    ("archive", "DP"),
    ("publisher", "PB"),
    ("publisher-place", "CY"),
    ("source", "DB"),
    ("language", "LA"),
    ("note", "N1"),
]


def ris(item: dict) -> str:
    """One RIS record, ``CHAP`` (in an edition) or ``MANSCPT``; CRLF line ends."""
    kind = "CHAP" if item["type"] == "chapter" else "MANSCPT"
    lines = [_ris_line("TY", kind), _ris_line("ID", item["id"])]
    lines.append(_ris_line("TI", item["title"]))
    for tag, role in (("AU", "author"), ("A2", "editor"), ("A4", "translator")):
        lines += [_ris_line(tag, _ris_name(n)) for n in item.get(role, [])]
    issued = item.get("issued") or {}
    if parts := _first_date(item, "issued"):
        lines.append(_ris_line("PY", f"{parts[0]:04d}"))
        padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]
        lines.append(_ris_line("DA", "/".join(padded + [""] * (3 - len(parts))) + "/"))
    elif issued.get("literal"):
        lines.append(_ris_line("DA", issued["literal"]))
    if origdate := _date(item, "original-date"):
        lines.append(_ris_line("OP", origdate))  # "original publication": when written
    if item.get("page"):
        first, last = _pages(item)
        lines += [_ris_line("SP", first), _ris_line("EP", last)]
    lines += [_ris_line(tag, item[var]) for var, tag in RIS_OPTIONAL if item.get(var)]
    lines.append(_ris_line("UR", item["URL"]))
    if accessed := _first_date(item, "accessed"):
        lines.append(_ris_line("Y2", "/".join(f"{p:02d}" for p in accessed)))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
