"""A document as a CSL-JSON item: what every citation format here is made from.

There are three kinds of source, each cited as a historian cites it:

* a document **printed in a documentary edition** (a FRUS volume): the volume is the
  publication — its title, series, editors, place, publisher and year — and the document
  is found in it by its number and pages (CSL ``chapter``);
* an **archival document**: creator, title, date, type, the repository holding it, the
  collection path, its identifier there, and the translator of the English text with the
  original language (CSL ``manuscript``);
* a **scan-only item** (no transcribed text): an archival document read as an image.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings

from chancery.corpus.models import Agent, Collection, Document, Repository

_DAY = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")

EDITION, ARCHIVAL, SCAN = "edition", "archival", "scan"


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
    #: The printed volume the document comes from (``Collection.edition()``), if any.
    edition: Collection | None = None
    translators: list[str] = field(default_factory=list)
    has_text: bool = True
    has_scans: bool = False
    #: The collection path, top first, when the caller has it (else read from the first
    #: collection's ancestors).
    path: list[Collection] | None = None

    @property
    def kind(self) -> str:
        if self.edition is not None:
            return EDITION
        if self.has_scans and not self.has_text:
            return SCAN
        return ARCHIVAL


def record_for(
    doc: Document, url: str, collections, repositories, edition=None, path=None
) -> Record:
    """The record of a document whose relations are prefetched (``CITATION_PREFETCH``)."""
    collections = list(collections)
    if edition is None and collections:
        edition = collections[0].edition()
    translations = list(doc.translations.all())
    return Record(
        document=doc,
        url=url,
        collections=collections,
        repositories=list(repositories),
        creators=list(doc.creators.all()),
        edition=edition,
        translators=list(dict.fromkeys(t.translator for t in translations if t.translator)),
        has_text=bool(translations or doc.transcripts.all()),
        has_scans=bool(doc.scans.all()),
        path=path,
    )


#: What :func:`record_for` reads, for ``prefetch_related`` (no query per document).
CITATION_PREFETCH = (
    "creators__variants", "languages", "repositories", "translations", "transcripts", "scans",
)  # fmt: skip


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


def _family_first(agent: Agent) -> bool:
    """A name written family name first (Mao Zedong, Deng Xiaoping): the archive records a
    Chinese, Japanese or Korean form of it, or a Wade-Giles or pinyin romanisation."""
    for variant in agent.variants.all():
        note = variant.note.casefold()
        if "wade-giles" in note or "pinyin" in note or "chinese" in note:
            return True
        if any(unicodedata.name(ch, "").startswith(("CJK", "HANGUL")) for ch in variant.name):
            return True
    return False


def person_name(text: str, family_first: bool = False) -> dict:
    """A person's name in parts: "Family, Given" is split at the comma, "V. M. Molotov" at
    its last word, "Mao Zedong" (family first) at its first; one word stays whole."""
    text = " ".join(text.split())
    if text.count(",") == 1:
        family, given = (p.strip() for p in text.split(","))
        if family and given:
            return {"family": family, "given": given}
    words = text.split(" ")
    if len(words) < 2:
        return {"literal": text}
    if family_first:
        return {"family": words[0], "given": " ".join(words[1:]), "static-ordering": True}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def name(agent: Agent) -> dict:
    """People as persons (family and given names); organisations as written."""
    if agent.kind == Agent.PERSON:
        return person_name(agent.name, _family_first(agent))
    return {"literal": agent.name}


def clean_title(title: str) -> str:
    """The title without the full stop (or colon) a printed heading ends with ("… Hay."), so
    a style's own punctuation is not doubled; "?", "!" and an ellipsis stay."""
    title = " ".join(title.split())
    if title.endswith(("..", "…")):
        return title
    return title.rstrip(".:;, ")


def collection_path(record: Record) -> str:
    """The collection and the ones above it: "Cold War History › Sino-Soviet Relations"."""
    if record.path is not None:
        return " › ".join(c.title for c in record.path)
    if not record.collections:
        return ""
    first = record.collections[0]
    return " › ".join(c.title for c in [*first.ancestors(), first])


def _date_parts(day: dt.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def _language(doc: Document) -> tuple[str, str]:
    languages = list(doc.languages.all())
    return (languages[0].bcp47, languages[0].name) if languages else ("", "")


def item(record: Record, page: str = "") -> dict:
    """The CSL-JSON item of the document; of one printed page of it when ``page`` is given
    (a page marker of its text): that page as ``page``, its anchor in the URL."""
    doc = record.document
    data: dict = {
        "id": doc.public_id,
        "type": "chapter" if record.kind == EDITION else "manuscript",
        "title": clean_title(doc.title),
        "URL": record.url + (f"#page-{page}" if page else ""),
        "accessed": _date_parts(record.accessed),
        "source": record.site_name,
    }
    if record.creators:
        data["author"] = [name(a) for a in record.creators]
    if doc.summary:
        data["abstract"] = doc.summary
    language, language_name = _language(doc)
    if language:
        data["language"] = language
    if record.kind == EDITION:
        _edition(data, record)
    else:
        _archival(data, record, language_name)
    if page:
        data["page"] = page
    return data


def printed_pages(doc: Document) -> list[str]:
    """The page markers in the document's texts, in order, each once."""
    pages: dict[str, None] = {}
    for layer in [*doc.transcripts.all(), *doc.translations.all()]:
        pages.update(dict.fromkeys(_PAGE_MARKER.findall(layer.html)))
    return list(pages)


_PAGE_MARKER = re.compile(r'<span class="pb"[^>]*data-page="([^"<>]+)"')


def _edition(data: dict, record: Record) -> None:
    """A document printed in a volume: the volume is the publication."""
    doc, volume = record.document, record.edition
    assert volume is not None
    # the volume's short title as printed on it (series, year, part), else its full title
    data["container-title"] = clean_title(volume.short_title or volume.title)
    if volume.series and volume.series.casefold() not in data["container-title"].casefold():
        data["collection-title"] = volume.series
    if volume.editor_names:
        data["editor"] = [person_name(n) for n in volume.editor_names]
    if volume.publisher:
        data["publisher"] = volume.publisher
    if volume.pub_place:
        data["publisher-place"] = volume.pub_place
    if volume.pub_year.isdigit():
        data["issued"] = {"date-parts": [[int(volume.pub_year)]]}
    if date := issued(doc):
        data["original-date"] = date  # when the document itself was written
    if doc.number:
        data["number"] = doc.number
    if doc.page_start:
        data["page"] = doc.page_start + (
            f"-{doc.page_end}" if doc.page_end and doc.page_end != doc.page_start else ""
        )
    if doc.source:
        data["note"] = doc.source  # the edition's source note (file number, archive)


def _archival(data: dict, record: Record, language_name: str) -> None:
    """A document held by an archive (or only its scan): the repository is the source."""
    doc = record.document
    if date := issued(doc):
        data["issued"] = date
    genre = doc.doc_type.name if doc.doc_type else ""
    if record.translators and language_name:
        genre = ", ".join(filter(None, [genre, f"translated from {language_name}"]))
    if record.kind == SCAN:  # read from the image alone: say so where every style shows it
        data["medium"] = "digitised scan"
        genre = ", ".join(filter(None, [genre, "digitised scan"]))
    if genre:
        data["genre"] = genre
    if record.translators:
        data["translator"] = [person_name(t) for t in record.translators]
    if record.repositories:
        data["archive"] = "; ".join(r.name for r in record.repositories)
        places = [r.location for r in record.repositories if r.location]
        if places:
            data["archive-place"] = places[0]
    if doc.source:
        data["archive_location"] = doc.source
    if path := collection_path(record):
        data["collection-title"] = path
