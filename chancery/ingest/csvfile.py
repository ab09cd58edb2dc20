"""Spreadsheets: one row per document, a documented column set (docs/importing.md).

Several values in one cell are separated by ``|``; a collection path by `` > ``. Every row
is checked before anything is written; a file with a bad row is refused whole, each
problem named by line.
"""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path

from chancery.corpus.dates import DateError, parse_date

from .languages import normalise_code
from .records import AgentRef, CollectionRef, DocumentRecord, PlaceRef, TextRef
from .report import FileFailed, IngestError
from .writer import PEOPLE, normalise_name

#: column -> what it holds (the template and the docs list them in this order).
COLUMNS = {
    "public_id": "Stable identifier, e.g. 'acme/12' (required).",
    "title": "Title (required).",
    "date": "ISO or EDTF-like: 1958, 1958-09, 1958-09-27, 1951-12-24/1952-01-03, 'c. 1958'.",
    "summary": "One-paragraph description.",
    "source": "Archival citation.",
    "type": "Document type (Telegram, Memorandum …).",
    "languages": "ISO 639-2/B codes of the original, e.g. rus|chi.",
    "subjects": "Subject names.",
    "places": "Place names.",
    "creators": "People or organisations who made it.",
    "contributors": "People or organisations who contributed.",
    "people": "People or organisations named in it.",
    "repositories": "Archives holding the original.",
    "publishers": "Publishers.",
    "rights": "Rights statement name.",
    "classifications": "Classifications (Secret …).",
    "donors": "Donors.",
    "collections": "Collections, a path with ' > ' (Parent > Child).",
    "attached_to": "public_id of the document this one is attached to.",
    "related": "public_ids of related documents.",
    "transcript": "Original-language text (HTML or plain text; blank lines = paragraphs).",
    "transcript_language": "ISO 639-2/B code of the transcript.",
    "translation": "English translation (HTML or plain text).",
    "translation_language": "ISO 639-2/B code of the translation (default eng).",
    "status": "published (default) or draft.",
}
EXAMPLE = {
    "public_id": "example/1",
    "title": "Memorandum of Conversation between Mao Zedong and Roshchin",
    "date": "1950-01-01",
    "summary": "Mao explains China's position on recognition by Burma and India.",
    "source": "AVP RF, f. 0100, op. 43, d. 43, p. 302",
    "type": "Memorandum of Conversation",
    "languages": "rus",
    "subjects": "Sino-Soviet relations|Recognition",
    "places": "China|Soviet Union",
    "people": "Mao, Zedong|Roshchin, N. V.",
    "repositories": "Archive of Foreign Policy of the Russian Federation",
    "collections": "Sino-Soviet Relations > 1950",
    "transcript": "По указанию министра…",
    "transcript_language": "rus",
    "translation": "On the instruction of the minister…",
    "status": "published",
}


#: What a spreadsheet program reads as the start of a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text: a formula-like start gets a leading quote.

    Quotes already in front of one get another, so :func:`unneutralise` gives back the
    exact value (``'=x`` is written ``''=x``).
    """
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_START) else cell


def unneutralise(cell: str) -> str:
    """The value :func:`neutralise` wrote; a spreadsheet that saved the file dropped it."""
    guarded = cell.startswith("'") and cell[1:].lstrip("'").startswith(FORMULA_START)
    return cell[1:] if guarded else cell


def template() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerow(EXAMPLE)
    return out.getvalue()


def split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def as_html(text: str) -> str:
    """Plain text (paragraphs by blank lines) as HTML; HTML stays HTML."""
    text = (text or "").strip()
    if not text or ("<" in text and ">" in text):
        return text
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _collections(paths: list[str]) -> tuple[list[CollectionRef], list[str]]:
    refs, keys = [], []
    for path in paths:
        parent = ""
        names = [n.strip() for n in path.split(">") if n.strip()]
        for depth, name in enumerate(names):
            key = "title:" + " > ".join(normalise_name(n) for n in names[: depth + 1])
            refs.append(CollectionRef(key=key, title=name, parent=parent))
            parent = key
        if parent:
            keys.append(parent)
    return refs, keys


def _row(row: dict, where: str) -> tuple[list[CollectionRef], DocumentRecord]:
    problems = []
    get = {k: unneutralise(row.get(k) or "").strip() for k in COLUMNS}
    for column in ("public_id", "title"):
        if not get[column]:
            problems.append(f"column {column!r} is empty")
    if get["date"]:
        try:
            parse_date(get["date"])
        except DateError as exc:
            problems.append(f"column 'date': {exc}")
    for column in ("languages", "transcript_language", "translation_language"):
        for code in split(get[column]):
            try:
                normalise_code(code)
            except ValueError as exc:
                problems.append(f"column {column!r}: {exc}")
    if get["status"] not in ("", "published", "draft"):
        problems.append(f"column 'status': {get['status']!r} is not 'published' or 'draft'")
    if problems:
        raise IngestError(where, "; ".join(problems))
    refs, keys = _collections(split(get["collections"]))
    record = DocumentRecord(
        public_id=get["public_id"], title=get["title"], where=where, summary=get["summary"],
        date=get["date"], source=get["source"], doc_type=get["type"], rights=get["rights"],
        classifications=split(get["classifications"]), donors=split(get["donors"]),
        subjects=split(get["subjects"]), places=[PlaceRef(name=n) for n in split(get["places"])],
        languages=split(get["languages"]), repositories=split(get["repositories"]),
        publishers=split(get["publishers"]), collections=[(k, 0) for k in keys],
        attached_to=get["attached_to"], related=split(get["related"]),
        status=get["status"] or "published",
    )  # fmt: skip
    for relation in PEOPLE:  # the people's columns, one a relation of the registry
        setattr(record, relation, [AgentRef(name=n) for n in split(get[relation])])
    if get["transcript"]:
        record.transcripts = [TextRef(as_html(get["transcript"]), get["transcript_language"])]
    if get["translation"]:
        language = get["translation_language"] or "eng"
        record.translations = [TextRef(as_html(get["translation"]), language)]
    return refs, record


def read_csv(path: Path):
    """The import reader for ``chancery import csv``: every row checked, then written."""
    items: list[CollectionRef | DocumentRecord] = []
    problems: list[IngestError] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in COLUMNS]
        if unknown or "public_id" not in header or "title" not in header:
            reason = (
                f"unknown columns {unknown}" if unknown else "needs public_id and title columns"
            )
            raise IngestError(
                f"{path.name}:1", f"{reason} (chancery import csv --template shows the columns)"
            )
        start = 2
        try:
            for n, row in enumerate(reader, 1):
                where = f"{path.name}:{start} (row {n})"
                start = reader.line_num + 1
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue
                if None in row:
                    problems.append(IngestError(where, "more cells than columns"))
                    continue
                try:
                    refs, record = _row(row, where)
                except IngestError as exc:
                    problems.append(exc)
                    continue
                items += refs
                items.append(record)
        except csv.Error as exc:
            problems.append(IngestError(f"{path.name}:{reader.line_num}", f"malformed CSV: {exc}"))
    if problems:
        raise FileFailed(problems)
    yield from items
