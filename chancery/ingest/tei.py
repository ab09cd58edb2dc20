"""Read a FRUS-style TEI P5 volume as a stream of collections and document records.

``iterparse`` walks the file once; each top-level ``div[@type='document']`` is converted
when it ends (with its enclosures) and then cleared, so memory stays flat however long the
volume. The header gives the volume collection, publisher and rights; the front matter's
list of persons gives full names; chapter ``div``s become nested collections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from chancery.corpus.dates import DateError, parse_date
from chancery.corpus.hierarchy import clean_title
from chancery.corpus.names import compact, is_bare_surname, person_key, surname

from .reconcile import classify_person, gazetteer, person_parts, place_candidates
from .records import AgentRef, CollectionRef, DocumentRecord, PlaceRef, TextRef
from .report import IngestError
from .run import Note
from .tei_dates import CONTEXT_YEARS, check_date
from .tei_html import TEI, XML_ID, Converter, local

#: A heading that says there is none.
UNTITLED = re.compile(r"^\W*(untitled)?\W*$", re.I)
#: A date read from a document's text is believed only this near the year of the volume
#: and the documents around it (a date quoted in the text is often much older).
INFERRED_YEARS = 1
DEFAULT_REPOSITORY = "Office of the Historian, U.S. Department of State"
DEFAULT_RIGHTS = "Public domain"
DEFAULT_RIGHTS_TEXT = "A work of the United States Government, in the public domain."
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WRITTEN_DATE = re.compile(rf"\b({MONTHS})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
WRITTEN_RANGE = re.compile(
    rf"\b({MONTHS})\.?\s+(\d{{1,2}})\s*[–—-]\s*(?:({MONTHS})\.?\s+)?(\d{{1,2}}),?\s+(\d{{4}})\b"
)
WRITTEN_MONTH = re.compile(rf"\b({MONTHS})\s*,?\s+(\d{{4}})\b")
#: (words in the source note or title, type name), first match wins.
TYPES = [
    (("telegram", "cablegram", "cable"), "Telegram"),
    (("memorandum", "aide-mémoire", "aide-memoire"), "Memorandum"),
    (("minutes", "notes of a meeting", "notes of a conversation"), "Minutes"),
    (("circular",), "Circular"),
    (("instruction",), "Instruction"),
    (("despatch", "dispatch"), "Despatch"),
    (("report",), "Report"),
    (("proclamation",), "Proclamation"),
    (("treaty", "convention", "agreement", "protocol"), "Treaty or agreement"),
    (("message",), "Message"),
    (("letter",), "Letter"),
    (("note",), "Note"),
]


@dataclass
class Volume:
    id: str
    title: str
    publisher: str = ""
    #: The printed volume's imprint (its citation): series, editors, place, year.
    series: str = ""
    short_title: str = ""  # "Foreign Relations of the United States, 1901, Appendix: …"
    editors: list[str] = field(default_factory=list)
    pub_place: str = ""
    pub_year: str = ""
    repository: str = DEFAULT_REPOSITORY
    rights: str = DEFAULT_RIGHTS
    rights_text: str = DEFAULT_RIGHTS_TEXT
    persons: dict[str, AgentRef] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Dates changed or doubted (tei_dates), listed before the other notes so they are seen.
    date_notes: list[str] = field(default_factory=list)
    #: Dates read from notes, headings or text when the dateline has none (then listed).
    inferred_dates: list[str] = field(default_factory=list)
    #: The listed persons' keys by full name and by bare surname (made on first use).
    person_index: dict[str, dict[str, set[str]]] | None = None


#: Elements whose edges are word boundaries even when the file has no space there
#: ("Correspondence<lb/>Argentine Republic", "<cell>303</cell><cell>do</cell>").
BOUNDARIES = {
    "lb", "cb", "p", "item", "cell", "row", "head", "l", "lg", "list", "dateline", "closer",
    "opener", "signed", "salute", "address", "addrLine", "label", "table", "div", "postscript",
}  # fmt: skip


def words(el, skip_notes: bool = True) -> str:
    """The text of ``el`` with whitespace collapsed (footnotes left out)."""
    parts: list[str] = []

    def walk(node):
        if node.text:
            parts.append(node.text)
        for child in node:
            name = local(child.tag)
            edge = name in BOUNDARIES and child.get("break") != "no"
            if edge:
                parts.append(" ")
            if not (skip_notes and name == "note"):
                walk(child)
            if edge:
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return " ".join("".join(parts).split())


def own(div, name: str):
    """Elements called ``name`` in this document, not in its nested documents."""
    for el in div.iter(TEI + name):
        parent = el.getparent()
        while parent is not None and parent is not div:
            if local(parent.tag) == "div" and parent.get("type") == "document":
                break
            parent = parent.getparent()
        else:
            yield el


def _in_attachment(el) -> bool:
    """Inside a ``frus:attachment`` (an inclosure printed within the document)."""
    return any(local(a.tag) == "attachment" for a in el.iterancestors())


def _contains(ancestor, el) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def doc_type_for(source: str, title: str) -> str:
    for text in (source.lower(), title.lower()):
        for keywords, name in TYPES:
            if any(re.search(rf"\b{re.escape(k)}\b", text) for k in keywords):
                return name
    lowered = title.lower()
    if re.search(r"^the secretary of state to the (ambassador|minister|chargé|consul)", lowered):
        return "Instruction"
    if re.search(r"to the secretary of state\b", lowered):
        return "Despatch"
    if re.search(r"(embassy|legation) to the department of state", lowered):
        return "Note"
    return ""


def _iso(year: str, month: str, day: str = "") -> str:
    number = MONTHS.split("|").index(month) + 1
    return f"{year}-{number:02d}" + (f"-{int(day):02d}" if day else "")


def written_date(text: str) -> str:
    """An ISO date or range from "January 12, 1919", "April 10–11, 1930",
    "May 20–July 5, 1930" (or a month) written in ``text``; '' if none."""
    found = WRITTEN_RANGE.search(text)
    if found:
        month1, day1, month2, day2, year = found.groups()
        candidate = f"{_iso(year, month1, day1)}/{_iso(year, month2 or month1, day2)}"
        try:
            parse_date(candidate)
            return candidate
        except DateError:
            pass
    found = WRITTEN_DATE.search(text)
    if found:
        month, day, year = found.groups()
        candidate = f"{year}-{MONTHS.split('|').index(month) + 1:02d}-{int(day):02d}"
    else:
        found = WRITTEN_MONTH.search(text)
        if not found:
            return ""
        month, year = found.groups()
        candidate = f"{year}-{MONTHS.split('|').index(month) + 1:02d}"
    try:
        parse_date(candidate)
    except DateError:
        return ""
    return candidate


def date_from_attributes(el) -> str:
    when = el.get("when")
    if when:
        return when[:10]
    start, end = el.get("from") or el.get("notBefore"), el.get("to") or el.get("notAfter")
    if start and end:
        return f"{start[:10]}/{end[:10]}"
    if start:
        return f"{start[:10]}/.."
    if end:
        return f"../{end[:10]}"
    return ""


def leading_lines(div) -> list:
    """The centred or bracketed paragraphs a document opens with, before its text: a heading
    printed as lines ("A PROCLAMATION.") or an editors' note ("[Handed to Mr. Adee …]")."""
    lines: list = []
    for child in div:
        name = local(child.tag)
        if name in ("head", "note", "opener", "dateline", "pb", "lb", "fw"):
            continue
        if name != "p":
            break
        text = words(child)
        if child.get("rend") == "center" or (text.startswith("[") and len(lines) < 3):
            lines.append(child)
        else:
            break
    return lines


def printed_heading(div) -> str:
    """A heading printed as centred lines at the top, not as a ``head``."""
    parts = []
    for p in leading_lines(div):
        text = words(p)
        if p.get("rend") != "center":
            continue
        cleaned = clean_title(text)[0].strip("[] ")
        if cleaned:
            parts.append(cleaned[0].upper() + cleaned[1:])
    title = ". ".join(parts)
    return title[:200] + ("…" if len(title) > 200 else "")


def place_name(el) -> str:
    """The place a dateline names: its last comma-separated part ("…, Washington")."""
    text = words(el).strip(" ,.;:")
    parts = [p.strip(" ,.;:") for p in text.split(",") if p.strip(" ,.;:")]
    while len(parts) > 1 and len(parts[-1].replace(".", "").replace(" ", "")) <= 3:
        parts.pop()  # "Cape May, N. J." is Cape May
    return parts[-1] if parts else ""


def natural_order(name: str) -> str:
    """'House, Colonel Edward M.' -> 'Colonel Edward M. House'."""
    if name.count(",") != 1:
        return ""
    surname, forenames = (p.strip() for p in name.split(","))
    return f"{forenames} {surname}" if forenames and surname else ""


def read_persons(div, volume_id: str, title: str = "") -> dict[str, AgentRef]:
    """The volume's list of persons: full name, offices, and the other forms given there."""
    found = re.search(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)", volume_id)
    year = found.group() if found else ""
    persons = {}
    for pers in div.iter(TEI + "persName"):
        xml_id = pers.get(XML_ID)
        if not xml_id:
            continue
        full = words(pers)
        variants = re.findall(r"\(([^)]+)\)", full)
        name = " ".join(re.sub(r"\([^)]*\)", "", full).split()).strip(" ,")
        variants += [v for v in [natural_order(name)] if v]
        item = pers.getparent()
        role = ""
        if item is not None and local(item.tag) == "item":
            role = words(item)[len(words(pers)) :].strip(" ,;.")
        persons[f"{volume_id}#{xml_id}"] = AgentRef(
            name=name, key=f"{volume_id}#{xml_id}", variants=variants,
            description=role[:1000], authoritative=True, offices=offices(role, year),
            sources=f"{title}, list of persons" if title else "",
        )  # fmt: skip
    return persons


def offices(role: str, year: str) -> list[tuple[str, str]]:
    """'Secretary of War; plenipotentiary at …' -> [('Secretary of War', '1919'), …]: each
    office a list of persons gives, dated by the volume it describes."""
    found = []
    for part in re.split(r";\s*", role):
        part = " ".join(part.split()).strip(" ,.;")
        if part and len(part) <= 500:
            found.append((part[:1].upper() + part[1:], year))
    return found


#: Where a volume's title turns into a description of its contents ("…, Affairs in China,
#: Report of William W. Rockhill, Late Commissioner …"): a citation leaves that out.
_DESCRIPTION = re.compile(
    r",\s+(?=(?:Report|Message|Transmitted|Accompanying|[Ww]ith Accompanying)\b)"
)


def short_title(series: str, volume: str, number: str) -> str:
    """A printed volume's title as a historian cites it, from the TEI title parts: series
    (with its year), volume title without its description, volume number.

    "Foreign Relations of the United States, 1901" + "Appendix, Affairs in China, Report of
    William W. Rockhill, …" -> "Foreign Relations of the United States, 1901, Appendix:
    Affairs in China". Empty without a series (then the full title is cited).
    """
    if not series:
        return ""
    volume = _DESCRIPTION.split(volume, maxsplit=1)[0].strip(" ,")
    volume = re.sub(r"^(Appendix),\s+", r"\1: ", volume)
    year = re.search(r",\s*(\d{4})$", volume)
    if year and series.endswith(f", {year.group(1)}"):  # "…, The Paris Peace Conference, 1919"
        series = series[: -len(f", {year.group(1)}")]
    return ", ".join(p for p in (series, volume, number) if p)


def read_header(header, path: Path) -> Volume:
    def first(xpath: str) -> str:
        found = header.xpath(xpath, namespaces={"t": TEI[1:-1]})
        return words(found[0]) if found else ""

    volume_id = first(".//t:publicationStmt/t:idno[@type='frus']") or header.getparent().get(
        XML_ID, path.stem
    )
    title = first(".//t:titleStmt/t:title[@type='complete']") or first(".//t:titleStmt/t:title")
    volume = Volume(id=volume_id, title=title or volume_id)
    volume.publisher = first(".//t:publicationStmt/t:publisher")
    volume.pub_place = first(".//t:publicationStmt/t:pubPlace")
    year = re.search(r"\d{4}", first(".//t:publicationStmt/t:date"))
    volume.pub_year = year.group() if year else ""
    series = first(".//t:titleStmt/t:title[@type='series']")
    sub = first(".//t:titleStmt/t:title[@type='subseries' or @type='sub-series']")
    if series and sub and sub not in series:
        series = f"{series}, {sub}"  # "Foreign Relations … Diplomatic Papers, 1934"
    volume.series = series
    volume.short_title = short_title(
        series,
        first(".//t:titleStmt/t:title[@type='volume']"),
        first(".//t:titleStmt/t:title[@type='volumenumber' or @type='volume-number']"),
    )
    volume.editors = [
        words(e)
        for e in header.xpath(".//t:titleStmt/t:editor", namespaces={"t": TEI[1:-1]})
        if words(e)
    ]
    volume.repository = first(".//t:publicationStmt/t:authority") or DEFAULT_REPOSITORY
    licence = first(".//t:publicationStmt/t:availability")
    if licence:
        volume.rights, volume.rights_text = licence[:300], licence
    return volume


@dataclass
class _Chapter:
    key: str
    element: object
    parent: str
    position: int
    title: str = ""
    emitted: bool = False


class VolumeReader:
    """Iterate a volume: yields :class:`CollectionRef` and :class:`DocumentRecord` items."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = self.path.name
        self.volume: Volume | None = None
        self.page = ""
        self.count = 0
        #: The year of the last dated top-level document (see :meth:`context_year`).
        self.last_year: int | None = None

    @property
    def header(self) -> Volume:
        """The volume's header, which a TEI file gives before any document."""
        if self.volume is None:
            raise IngestError(self.name, "a document before the teiHeader")
        return self.volume

    def where(self, el) -> str:
        xml_id = el.get(XML_ID)
        element = f"{local(el.tag)}" + (f" xml:id={xml_id}" if xml_id else "")
        return f"{self.name}:{el.sourceline} ({element})"

    def __iter__(self) -> Iterator[CollectionRef | DocumentRecord]:
        try:
            yield from self._read()
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or (exc.position[0] if exc.position else "?")
            raise IngestError(f"{self.name}:{line}", f"malformed XML: {exc.msg}") from None

    def _read(self):
        chapters: list[_Chapter] = []
        siblings: list[int] = [0]
        in_doc = 0
        context = etree.iterparse(
            str(self.path), events=("start", "end"), remove_comments=True, huge_tree=True
        )
        for event, el in context:
            name = local(el.tag)
            if event == "start":
                if name == "div" and el.get("type") == "document":
                    in_doc += 1
                    if in_doc == 1:
                        yield from self._emit_chapters(chapters)
                elif name == "div" and not in_doc and self.volume and self._in_body(el):
                    siblings[-1] += 1
                    parent = chapters[-1].key if chapters else self.volume.id
                    key = f"{self.volume.id}#{el.get(XML_ID) or el.sourceline}"
                    chapters.append(_Chapter(key, el, parent, siblings[-1]))
                    siblings.append(0)
                continue
            if name == "teiHeader":
                self.volume = read_header(el, self.path)
                title, printed = clean_title(self.volume.title)
                yield CollectionRef(
                    key=self.volume.id, title=title, printed_title=printed, level="volume",
                    identifier=self.volume.id, series=self.volume.series,
                    short_title=self.volume.short_title,
                    editors=self.volume.editors, pub_place=self.volume.pub_place,
                    publisher=self.volume.publisher, pub_year=self.volume.pub_year,
                )  # fmt: skip
                el.clear()
            elif name == "div" and el.get(XML_ID) == "persons" and self.volume:
                self.volume.persons = read_persons(el, self.volume.id, self.volume.title)
            elif name == "head" and chapters and el.getparent() is chapters[-1].element:
                chapters[-1].title = chapters[-1].title or words(el)
            elif name == "pb" and not in_doc:
                self.page = el.get("n", self.page)
            elif name == "div" and el.get("type") == "document":
                in_doc -= 1
                if not in_doc:
                    start = self.page
                    yield from self._documents(el, chapters[-1].key if chapters else "")
                    self.page = next(
                        (pb.get("n") for pb in reversed(list(el.iter(TEI + "pb"))) if pb.get("n")),
                        start,
                    )
                    self._release(el)
            elif name == "div" and not in_doc and chapters and chapters[-1].element is el:
                yield from self._emit_chapters(chapters)
                chapters.pop()
                siblings.pop()
                self._release(el)
        if self.volume is None:
            raise IngestError(self.name, "no teiHeader: not a TEI volume")

    @staticmethod
    def _in_body(el) -> bool:
        return any(local(a.tag) == "body" for a in el.iterancestors())

    @staticmethod
    def _release(el) -> None:
        el.clear(keep_tail=True)
        parent = el.getparent()
        while el.getprevious() is not None and parent is not None:
            del parent[0]

    def _emit_chapters(self, chapters: list[_Chapter]):
        for chapter in chapters:
            if not chapter.emitted:
                chapter.emitted = True
                title, printed = clean_title(chapter.title or f"Part {chapter.position}")
                yield CollectionRef(
                    key=chapter.key, title=title, printed_title=printed, level="chapter",
                    parent=chapter.parent, position=chapter.position,
                )  # fmt: skip

    # -- documents -----------------------------------------------------------------------
    def _public_id(self, div) -> str:
        """``<volume>/<xml:id>``; an enclosure without one is ``<parent id>.<k>``."""
        if div.get(XML_ID):
            return f"{self.header.id}/{div.get(XML_ID)}"
        parent = self._parent_doc(div)
        if parent is None:
            return f"{self.header.id}/n{div.get('n') or div.sourceline}"
        return f"{self._public_id(parent)}.{self._nested(parent).index(div) + 1}"

    def _nested(self, div) -> list:
        """The documents directly inside ``div`` (not inside those)."""
        return [
            d for d in div.iter(TEI + "div")
            if d is not div and d.get("type") == "document" and self._parent_doc(d) is div
        ]  # fmt: skip

    def _head(self, div) -> str:
        """The document's own heading, if it has a real one ("[Untitled]" is not)."""
        head = next(own(div, "head"), None)
        title = words(head) if head is not None else ""
        return "" if UNTITLED.match(title) else title

    def _title(self, div) -> str:
        """The heading; else the heading printed as centred lines ("A PROCLAMATION."); else,
        for an enclosure, "Enclosure 2 to <its document>"; else its number and first words."""
        title = self._head(div) or printed_heading(div)
        if title:
            return title
        parent = self._parent_doc(div)
        if parent is not None:
            return f"Enclosure {self._nested(parent).index(div) + 1} to {self._title(parent)}"
        first = next((words(p) for p in own(div, "p") if words(p)), "")
        first = first[:120] + ("…" if len(first) > 120 else "") if first else ""
        number = div.get("n") or "".join(re.findall(r"\d+", div.get(XML_ID) or ""))
        label = f"Document {number}" if number else ""
        return f"{label}: {first}" if label and first else (label or first or "Untitled document")

    def _documents(self, top, chapter: str):
        pages = self._page_spans(top, self.page)
        stack = [(top, "")]
        while stack:
            div, parent_id = stack.pop(0)
            record = self._record(div, chapter, parent_id)
            record.page_start, record.page_end = pages.get(div, ("", ""))
            yield record
            stack[0:0] = [(d, self._public_id(div)) for d in self._nested(div)]

    @staticmethod
    def _page_spans(top, start: str) -> dict:
        """The printed pages each document in ``top`` spans: (first, last), from the page
        breaks (``pb/@n``, brackets dropped); a break before a document's first words
        starts it on the new page."""
        spans: dict = {}
        page = start
        open_docs: list = []  # documents with no words yet
        for el in top.iter():
            name = local(el.tag)
            if name == "div" and el.get("type") == "document":
                spans[el] = [page, page]
                open_docs.append(el)
            elif name == "pb" and el.get("n"):
                page = el.get("n")
                for div in open_docs:
                    spans[div][0] = page
                for div in spans:
                    if _contains(div, el):
                        spans[div][1] = page
            if name != "pb" and name != "div" and (el.text or "").strip():
                open_docs = []
            if (el.tail or "").strip():
                open_docs = []
        return {div: tuple(p.strip("[]") for p in span) for div, span in spans.items()}

    @staticmethod
    def _parent_doc(div):
        for a in div.iterancestors(TEI + "div"):
            if a.get("type") == "document":
                return a
        return None

    def _record(self, div, chapter: str, parent_id: str) -> DocumentRecord:
        volume = self.header
        self.count += 1
        public_id = self._public_id(div)
        title = self._title(div)
        sources = [
            words(n) for n in own(div, "note")
            if n.get("type") == "source" and not _in_attachment(n)
        ]  # fmt: skip
        source = " ".join(dict.fromkeys(sources))
        converter = Converter(public_id, self._public_id, self._title)
        html = converter.convert(div, start_page=self.page)
        self.page = converter.last_page or self.page
        record = DocumentRecord(
            public_id=public_id, title=title, where=self.where(div), number=div.get("n", ""),
            date=self._date(div, title, public_id), source=source,
            doc_type=doc_type_for(source, title), rights=volume.rights,
            rights_text=volume.rights_text, languages=["eng"],
            repositories=[volume.repository] if volume.repository else [],
            publishers=[volume.publisher] if volume.publisher else [],
            collections=[(chapter or volume.id, self.count)], attached_to=parent_id,
            transcripts=[TextRef(html=html, language="eng", label="Full text")],
        )  # fmt: skip
        if record.date and not parent_id:
            self.last_year = parse_date(record.date).earliest.year
        record.people = self._people(div)
        record.creators = self._senders(div, record.people)
        record.places = self._places(div)
        return record

    def context_year(self) -> int | None:
        """The year a document's date is judged against: the documents before it (they run
        in order), unless that is far from the volume's own year ("frus1870"), as after an
        old paper or a misprint."""
        found = re.search(r"(?<!\d)\d{4}(?!\d)", self.header.id) or re.search(
            r"(?<!\d)\d{4}(?!\d)", self.header.title
        )
        volume_year = int(found.group()) if found else None
        if self.last_year is None or (
            volume_year is not None and abs(self.last_year - volume_year) > CONTEXT_YEARS
        ):
            return volume_year
        return self.last_year

    def _date(self, div, title: str, public_id: str) -> str:
        dateline_dates = [d for dl in own(div, "dateline") for d in dl.iter(TEI + "date")]
        for el in dateline_dates:
            value = date_from_attributes(el)
            if value:
                try:
                    value = parse_date(value).edtf
                except DateError:
                    self.header.warnings.append(f"{self.where(el)}: unreadable date {value!r}")
                    continue
                checked = check_date(value, words(el), self.context_year())
                if checked.note:
                    self.header.date_notes.append(f"{self.where(el)}: {public_id}: {checked.note}")
                return checked.date
        texts = [words(el) for el in dateline_dates] + [words(dl) for dl in own(div, "dateline")]
        for text in texts:
            found = written_date(text)
            if found:
                return found
        # no dateline date: the editors' notes, the heading and the endorsement, in that order,
        # each only if it agrees with the volume and the documents around it
        rejected = ""
        for kind, text in self._date_sources(div):
            found = written_date(text)
            if not found:
                continue
            year, context = parse_date(found).earliest.year, self.context_year()
            far = context is not None and abs(year - context) > INFERRED_YEARS
            if far and kind == "text":  # the editors' words are trusted, a quotation is not
                rejected = rejected or f"{found} in the {kind} {text[:80]!r}"
                continue
            self.header.inferred_dates.append(
                f"{self.where(div)}: {public_id}: date {found} read from the {kind} "
                f"{text[:100]!r}: the dateline has none"
            )
            return found
        if rejected:
            self.header.inferred_dates.append(
                f"{self.where(div)}: {public_id}: left undated: the only date, {rejected}, "
                f"is far from the year of the volume and the documents around it "
                f"({self.context_year()})"
            )
        else:
            self.header.warnings.append(f"{self.where(div)}: no date for {public_id}")
        return ""

    def _date_sources(self, div) -> Iterator[tuple[str, str]]:
        """(kind, words) of the places a date stands when the dateline has none."""
        for p in leading_lines(div):
            yield "note", words(p)
        for note in own(div, "note"):
            if note.get("type") == "source" and not _in_attachment(note):
                yield "source note", words(note)
        head = self._head(div)
        if head:
            yield "heading", head
        for el in own(div, "postscript"):
            yield "endorsement", words(el)
        for el in own(div, "closer"):
            yield "closing", words(el)
        first = next((words(p) for p in own(div, "p") if words(p)), "")
        if first:  # last: a date quoted in the text is often an older one
            yield "text", first

    def _people(self, div) -> list[AgentRef]:
        people: dict[str, AgentRef] = {}
        for pers in own(div, "persName"):
            mention = words(pers).strip(" ,.;:")
            if not mention:
                continue
            corresp = (pers.get("corresp") or "").strip()
            if corresp:
                key = corresp if not corresp.startswith("#") else f"{self.header.id}{corresp}"
                listed = self.header.persons.get(key)
                ref = people.get(key) or (
                    self._listed_copy(listed, key)
                    if listed else AgentRef(name=mention, key=key)
                )  # fmt: skip
                if mention != ref.name and mention not in ref.variants:
                    ref.variants.append(mention)
                people[key] = ref
                continue
            for key, ref in self._mention_refs(mention):
                if key in people:
                    known = people[key]
                    if ref.name != known.name and ref.name not in known.variants:
                        known.variants.append(ref.name)
                    for variant in ref.variants:
                        if variant != known.name and variant not in known.variants:
                            known.variants.append(variant)
                else:
                    people[key] = ref
        return list(people.values())

    @staticmethod
    def _listed_copy(listed: AgentRef, key: str) -> AgentRef:
        return AgentRef(
            name=listed.name, key=key, variants=list(listed.variants),
            description=listed.description, authoritative=True,
            offices=list(listed.offices), sources=listed.sources,
        )  # fmt: skip

    def _mention_refs(self, mention: str) -> list[tuple[str, AgentRef]]:
        """The people (or bodies) a mention without a ``corresp`` names, each with its key
        in this document: 'Ching and Li Hung-chang' is two; 'the Secretary of State' none;
        a name the volume's list of persons holds (in full, or a surname only one person
        there bears) is that person."""
        refs = []
        for part in person_parts(mention):
            kind = classify_person(part)
            if not kind:
                continue
            if kind == "organisation":
                name = re.sub(r"(?i)^the\s+", "", part)
                refs.append(("org:" + name.casefold(), AgentRef(name=name, kind=kind)))
                continue
            if is_bare_surname(part) and compact(part) in gazetteer():
                continue  # "Berne", "Washington" alone: the place or its government
            listed = self._listed(part)
            if listed:
                ref = self._listed_copy(self.header.persons[listed], listed)
                if part != ref.name:
                    ref.variants.append(part)
                refs.append((listed, ref))
                continue
            name = re.sub(r"^(?:Mr|Mrs|Messrs|M|Mm|Señor|Senor|Monsieur)\.?\s+", "", part)
            name = name if person_key(name) else part
            ref = AgentRef(name=name, variants=[part] if part != name else [])
            refs.append(("name:" + person_key(part), ref))
        return refs

    def _listed(self, name: str) -> str:
        """The key of the one listed person this name (or bare surname) is, or ''."""
        persons = self.header.persons
        if not persons:
            return ""
        index = self.header.person_index
        if index is None:
            index = {"full": {}, "surname": {}}
            for key, ref in persons.items():
                for form in [ref.name, *ref.variants]:
                    index["full"].setdefault(person_key(form), set()).add(key)
                index["surname"].setdefault(surname(ref.name), set()).add(key)
            self.header.person_index = index
        found = index["full"].get(person_key(name), set())
        if not found and is_bare_surname(name):
            found = index["surname"].get(person_key(name), set())
        return next(iter(found)) if len(found) == 1 else ""

    def _senders(self, div, people: list[AgentRef]) -> list[AgentRef]:
        """The heading's ``persName[@type='from']``: who wrote it ("Mr. Conger to Mr. Hay")."""
        head = next(own(div, "head"), None)
        if head is None:
            return []
        by_key = {(p.key or "name:" + person_key(p.name)): p for p in people}
        senders = []
        for pers in head.iter(TEI + "persName"):
            if pers.get("type") != "from":
                continue
            corresp = (pers.get("corresp") or "").strip()
            if corresp:
                key = corresp if not corresp.startswith("#") else f"{self.header.id}{corresp}"
                keys = [key]
            else:
                keys = [k for k, _ in self._mention_refs(words(pers).strip(" ,.;:"))]
            for key in keys:
                ref = by_key.get(key)
                if ref is None and key.startswith("name:"):
                    ref = next((p for p in people if "name:" + person_key(p.name) == key), None)
                if ref is not None and ref not in senders:
                    senders.append(ref)
        return senders

    def _places(self, div) -> list[PlaceRef]:
        places: dict[str, PlaceRef] = {}
        for el in own(div, "placeName"):
            for name in place_candidates(place_name(el)) or place_candidates(words(el)):
                places.setdefault(name.casefold(), PlaceRef(name=name))
        return list(places.values())


def read_tei(path: Path):
    """The import reader for ``chancery import tei``."""
    reader = VolumeReader(path)
    yield from reader
    volume = reader.header  # read, or the reader stopped saying it has none
    for warning in volume.date_notes + volume.inferred_dates + volume.warnings:
        yield Note(warning)
