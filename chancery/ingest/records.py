"""What every importer produces: plain records, before anything touches the database.

Parsers (TEI, Wilson-DA JSON, CSV) turn their input into these; :mod:`.writer` alone
writes them. Authorities are referred to by name (and a source key where the source has
one), so parsing needs no database and can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from chancery.corpus.text import clean_tree


@dataclass
class AgentRef:
    name: str
    key: str = ""  # a source key ("frus1919Parisv01#p_HCEM1"); empty: matched by name
    kind: str = "person"
    variants: list[str] = field(default_factory=list)
    description: str = ""
    authoritative: bool = False  # the name comes from a list of persons: it wins over mentions
    offices: list[tuple[str, str]] = field(default_factory=list)  # (office, dates)
    sources: str = ""  # where the name and description come from


@dataclass
class PlaceRef:
    name: str
    key: str = ""
    variants: list[str] = field(default_factory=list)


@dataclass
class TextRef:
    html: str
    language: str = ""
    label: str = ""


@dataclass(kw_only=True)
class ArchivalDescription:
    """A collection's archival description: level, identifier, printed form, … (each the
    corpus.Collection field of the same name, written when the source gives it)."""

    level: str = ""
    identifier: str = ""
    printed_title: str = ""
    dates: str = ""
    extent: str = ""
    scope_content: str = ""
    arrangement: str = ""
    finding_aid_url: str = ""


@dataclass(kw_only=True)
class Imprint:
    """A printed volume's imprint: series title, editors ("Family, Given"), place, publisher
    and year (empty for collections that are not printed volumes)."""

    series: str = ""
    short_title: str = ""  # as a citation names the volume (TEI title parts)
    editors: list[str] = field(default_factory=list)
    pub_place: str = ""
    publisher: str = ""
    pub_year: str = ""


@dataclass
class CollectionRef(ArchivalDescription, Imprint):
    """A collection to create or find, parents first (``parent`` is another ref's key)."""

    key: str
    title: str
    parent: str = ""
    position: int = 0
    short_description: str = ""
    introduction: str = ""
    slug: str = ""


@dataclass
class DocumentRecord:
    public_id: str
    title: str
    where: str = ""  # file and line/element, for messages
    summary: str = ""
    date: str = ""
    source: str = ""
    number: str = ""  # the document number in its printed volume
    page_start: str = ""  # the printed pages it spans
    page_end: str = ""
    doc_type: str = ""
    rights: str = ""
    rights_text: str = ""
    classifications: list[str] = field(default_factory=list)
    donors: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    places: list[PlaceRef] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    creators: list[AgentRef] = field(default_factory=list)
    contributors: list[AgentRef] = field(default_factory=list)
    people: list[AgentRef] = field(default_factory=list)
    repositories: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    collections: list[tuple[str, int]] = field(default_factory=list)  # (collection key, position)
    attached_to: str = ""
    related: list[str] = field(default_factory=list)
    transcripts: list[TextRef] = field(default_factory=list)
    translations: list[TextRef] = field(default_factory=list)
    status: str = "published"


def strip_controls(record: DocumentRecord | CollectionRef) -> str:
    """Remove the characters XML cannot carry from every text of ``record``, in place.

    Returns the code points removed ("U+0000, U+000B"), empty if none: the import report
    names them with the record's place, and the rest of the record is written.
    """
    removed: dict[str, None] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, list) and value and hasattr(value[0], "__dataclass_fields__"):
            for ref in value:  # agents, places, texts
                removed.update(dict.fromkeys(strip_controls(ref).split(", ")))
            continue
        cleaned, chars = clean_tree(value)
        if chars:
            removed.update(dict.fromkeys(chars.split(", ")))
            setattr(record, f.name, cleaned)
    return ", ".join(c for c in removed if c)
