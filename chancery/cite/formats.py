"""BibTeX and RIS made from the CSL-JSON item, for reference managers' import."""

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
    return "{" + _tex(name["literal"]) + "}"  # a corporate or unsplit name, kept whole


def _first_date(item: dict, key: str) -> list[int] | None:
    date = item.get(key) or {}
    parts = date.get("date-parts")
    return parts[0] if parts else None


def _iso(parts: list[int]) -> str:
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


def _notes(item: dict) -> list[str]:
    notes = []
    if item.get("archive_location"):
        notes.append(item["archive_location"])
    if item.get("archive"):
        notes.append(
            item["archive"] + (f", {item['archive-place']}" if item.get("archive-place") else "")
        )
    if item.get("collection-title"):
        notes.append(f"Collection: {item['collection-title']}")
    return notes


def bibtex(item: dict) -> str:
    """One ``@misc`` entry, readable by BibTeX and biblatex (``date``/``urldate`` too)."""
    fields: list[tuple[str, str]] = [("title", _tex(item["title"]))]
    if item.get("author"):
        fields.append(("author", " and ".join(_bib_name(n) for n in item["author"])))
    issued = item.get("issued") or {}
    if parts := _first_date(item, "issued"):
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", _MONTHS[parts[1] - 1]))
        ends = issued["date-parts"]
        fields.append(("date", "/".join(_iso(p) for p in ends)))
    elif issued.get("literal"):
        fields.append(("date", _tex(issued["literal"])))
    if item.get("genre"):
        fields.append(("type", _tex(item["genre"])))
    fields.append(("howpublished", _tex(item["publisher"])))
    fields.append(("publisher", _tex(item["publisher"])))
    if notes := _notes(item):
        fields.append(("note", _tex(". ".join(notes))))
    if item.get("abstract"):
        fields.append(("abstract", _tex(item["abstract"])))
    if item.get("language"):
        fields.append(("language", _tex(item["language"])))
    fields.append(("url", item["URL"]))
    if accessed := _first_date(item, "accessed"):
        fields.append(("urldate", _iso(accessed)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(item)},\n{body}\n}}\n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def _ris_name(name: dict) -> str:
    return f"{name['family']}, {name['given']}" if "family" in name else name["literal"]


#: Optional CSL-JSON variables and their RIS tags, in the order they are written.
RIS_OPTIONAL = [
    ("genre", "M3"),
    ("abstract", "AB"),
    ("archive_location", "AN"),
    ("archive", "DP"),
    ("archive-place", "CY"),
    ("collection-title", "T3"),
]


def ris(item: dict) -> str:
    """One RIS record of type MANSCPT (manuscript), CRLF line ends as the format asks."""
    lines = [_ris_line("TY", "MANSCPT"), _ris_line("ID", item["id"])]
    lines.append(_ris_line("TI", item["title"]))
    for name in item.get("author", []):
        lines.append(_ris_line("AU", _ris_name(name)))
    issued = item.get("issued") or {}
    if parts := _first_date(item, "issued"):
        lines.append(_ris_line("PY", f"{parts[0]:04d}"))
        padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]
        lines.append(_ris_line("DA", "/".join(padded + [""] * (3 - len(parts))) + "/"))
    elif issued.get("literal"):
        lines.append(_ris_line("DA", issued["literal"]))
    lines += [_ris_line(tag, item[var]) for var, tag in RIS_OPTIONAL if item.get(var)]
    lines.append(_ris_line("DB", item["publisher"]))
    lines.append(_ris_line("PB", item["publisher"]))
    if item.get("language"):
        lines.append(_ris_line("LA", item["language"]))
    for note in _notes(item):
        lines.append(_ris_line("N1", note))
    lines.append(_ris_line("UR", item["URL"]))
    if accessed := _first_date(item, "accessed"):
        lines.append(_ris_line("Y2", "/".join(f"{p:02d}" for p in accessed)))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
