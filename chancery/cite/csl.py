"""A document as a CSL-JSON item: what every citation format here is made from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings

from chancery.corpus.models import Agent, Collection, Document, Repository

_DAY = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass
class Record:
    """What a citation needs to know about a document, gathered once by the caller."""

    document: Document
    url: str
    collections: list[Collection] = field(default_factory=list)
    repositories: list[Repository] = field(default_factory=list)
    creators: list[Agent] = field(default_factory=list)
    accessed: dt.date = field(default_factory=dt.date.today)
    site_name: str = field(default_factory=lambda: settings.SITE_NAME)


def _parts(text: str) -> list[int] | None:
    """[1958, 9, 27] for "1958-09-27", [1958, 9] for "1958-09"; None if not plain."""
    m = _DAY.match(text.rstrip("~?%"))
    if not m:
        return None
    parts = [int(m.group(1))]
    if m.group(2):
        if int(m.group(2)) > 12:  # EDTF seasons (21-24) have no CSL month
            return None
        parts.append(int(m.group(2)))
    if m.group(3):
        parts.append(int(m.group(3)))
    return parts


def issued(document: Document) -> dict | None:
    """The CSL date of an EDTF date: parts for plain days, months, years and ranges,
    ``circa`` when approximate, the display form as a literal for anything else."""
    edtf = document.date.strip()
    if not edtf:
        return None
    ends = edtf.split("/") if "/" in edtf else [edtf]
    parts = [_parts(end) for end in ends if end not in ("", "..")]
    if parts and all(parts) and len(parts) <= 2:
        date: dict = {"date-parts": parts}
        if any(end.endswith(("~", "%", "?")) for end in ends):
            date["circa"] = True
        return date
    return {"literal": document.date_display or edtf}


def name(agent: Agent) -> dict:
    """People written "Family, Given" are split; anything else stays as written."""
    if agent.kind == Agent.PERSON and agent.name.count(",") == 1:
        family, given = (p.strip() for p in agent.name.split(","))
        if family and given:
            return {"family": family, "given": given}
    return {"literal": agent.name}


def item(record: Record) -> dict:
    doc = record.document
    data: dict = {
        "id": doc.public_id,
        "type": "manuscript",
        "title": doc.title,
        "URL": record.url,
        "publisher": record.site_name,
        "accessed": {"date-parts": [[record.accessed.year, record.accessed.month,
                                      record.accessed.day]]},
    }  # fmt: skip
    if record.creators:
        data["author"] = [name(a) for a in record.creators]
    if date := issued(doc):
        data["issued"] = date
    if doc.doc_type:
        data["genre"] = doc.doc_type.name
    if doc.summary:
        data["abstract"] = doc.summary
    if record.repositories:
        data["archive"] = "; ".join(r.name for r in record.repositories)
        places = [r.location for r in record.repositories if r.location]
        if places:
            data["archive-place"] = places[0]
    if doc.source:
        data["archive_location"] = doc.source
    if record.collections:
        data["collection-title"] = record.collections[0].title
    languages = list(doc.languages.all())
    if languages:
        data["language"] = languages[0].bcp47
    return data
