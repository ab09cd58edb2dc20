"""Wilson Center Digital Archive JSON: records, collections and assets as its API gives them.

A file may hold one object, a list, or a search answer (``{"list": [...]}``). Records keep
their numeric id as public id; authorities are matched by their DA id (a source key) or
name. Word-generated HTML (inline ``<style>``, ``cs…`` classes, nested spans) is reduced to
plain paragraphs and emphasis before the corpus sanitiser sees it.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from chancery.corpus import models as corpus
from chancery.corpus.dates import DateError, parse_date
from chancery.corpus.sanitize import clean_html, html_to_text
from chancery.corpus.text import clean_tree

from .records import AgentRef, CollectionRef, DocumentRecord, PlaceRef, TextRef
from .report import IngestError
from .run import Skip

DROP = {"style", "script", "head", "title", "meta", "link", "xml"}


def plain_html(raw: str) -> str:
    """Word/Office HTML as plain, safe markup: no styles, classes or empty wrappers."""
    if not raw or not raw.strip():
        return ""
    try:
        root = lxml_html.fromstring(f"<div>{raw}</div>")
    except (etree.ParserError, ValueError):
        return clean_html(raw)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            el.drop_tree()
            continue
        if el.tag.split("}")[-1] in DROP:
            el.drop_tree()
            continue
        for attr in list(el.attrib):
            if attr in ("class", "style", "align", "lang", "xml:lang") or attr.startswith("on"):
                del el.attrib[attr]
    for el in list(root.iter("span", "font", "body", "html")):
        if el is not root and not el.attrib:
            el.drop_tag()
    for el in list(root.iter("p")):  # Word nests <p> inside <p>; drop empty ones
        if not el.text_content().strip() and not len(el):
            el.drop_tree()
    inner = (root.text or "") + "".join(
        etree.tostring(c, encoding="unicode", method="html") for c in root
    )
    return clean_html(inner)


def _names(items) -> list[str]:
    if not items:
        return []
    if isinstance(items, dict):
        items = [items]
    return [
        str(i.get("name") or i.get("title") or "").strip() for i in items if isinstance(i, dict)
    ] or [str(i) for i in items if isinstance(i, str)]


def _date(obj: dict) -> str:
    shown = (obj.get("frontend_doc_date") or "").strip()
    if shown:
        try:
            return parse_date(shown).edtf
        except DateError:
            pass
    raw = str(obj.get("doc_date") or "").strip()
    if len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return shown or raw


def _agents(items, kind: str) -> list[AgentRef]:
    refs = []
    for item in items or []:
        if isinstance(item, dict) and item.get("name"):
            key = f"da:{kind}:{item['id']}" if item.get("id") else ""
            refs.append(AgentRef(name=item["name"], key=key))
    return refs


def _asset_html(asset: dict) -> str:
    return plain_html(asset.get("html") or asset.get("raw") or "")


def _places(items) -> list[PlaceRef]:
    return [
        PlaceRef(name=c["name"], key=f"da:coverage:{c['id']}" if c.get("id") else "")
        for c in items or []
        if isinstance(c, dict) and c.get("name")
    ]


def _text(asset: dict, language: str, label: str) -> TextRef:
    given = asset.get("language")
    if isinstance(given, dict):
        given = given.get("id")
    return TextRef(_asset_html(asset), str(given or language or ""), label)


def _kind(obj: dict) -> str:
    if "title" in obj:
        return "record"
    if "name" in obj and any(k in obj for k in ("slug", "short_description", "no_of_documents")):
        return "collection"
    if any(k in obj for k in ("content_type", "filename", "asset_id")):
        return "asset"
    return ""


def _collection(obj: dict) -> CollectionRef:
    parent = obj.get("parent")
    parent_key = (
        f"da:collection:{parent['id']}" if isinstance(parent, dict) and parent.get("id") else ""
    )
    return CollectionRef(
        key=f"da:collection:{obj.get('id') or obj.get('slug')}", title=obj["name"],
        parent=parent_key, short_description=obj.get("short_description") or "",
        introduction=obj.get("description") or "", slug=obj.get("slug") or "",
    )  # fmt: skip


def _records(obj: dict, where: str, attached_to: str = ""):
    """A record (and its collections and attachments) as import items, parents first."""
    public_id = str(obj.get("id") or "").strip()
    if not public_id:
        raise IngestError(where, "a record needs an id")
    where = f"{where} (record {public_id})"
    collections = [c for c in obj.get("collections") or [] if isinstance(c, dict) and c.get("name")]
    for c in collections:
        if isinstance(c.get("parent"), dict) and c["parent"].get("name"):
            yield _collection(c["parent"])
        yield _collection(c)
    codes = [
        lang.get("id") if isinstance(lang, dict) else lang for lang in obj.get("languages") or []
    ]
    languages = [str(code) for code in codes if code]
    original = languages[0] if languages else ""
    rights = obj.get("rights") or []
    rights = rights[0] if isinstance(rights, list) and rights else rights
    record = DocumentRecord(
        public_id=public_id, title=str(obj.get("title") or "").strip(), where=where,
        summary=html_to_text(clean_html(obj.get("description") or "")), date=_date(obj),
        source=html_to_text(clean_html(obj.get("source") or "")),
        doc_type=(_names(obj.get("type")) or [""])[0],
        rights=(rights.get("name") or "") if isinstance(rights, dict) else str(rights or ""),
        rights_text=html_to_text(rights.get("rights") or "") if isinstance(rights, dict) else "",
        classifications=_names(obj.get("classifications")), donors=_names(obj.get("donors")),
        subjects=_names(obj.get("subjects")), repositories=_names(obj.get("repositories")),
        publishers=_names(obj.get("publishers")), languages=languages,
        places=_places(obj.get("original_coverages")),
        creators=_agents(obj.get("creators"), "contributor"),
        contributors=_agents(obj.get("contributors"), "contributor"),
        collections=[(_collection(c).key, 0) for c in collections], attached_to=attached_to,
        related=[str(x.get("id") if isinstance(x, dict) else x) for x in obj.get("links") or []],
        transcripts=[_text(a, original, "Transcript") for a in obj.get("transcripts") or []],
        translations=[_text(a, "eng", "Translation") for a in obj.get("translations") or []],
    )  # fmt: skip
    yield record
    for child in obj.get("attachments") or []:
        if isinstance(child, dict) and child.get("title"):
            yield from _records(child, where, attached_to=public_id)


def _attach_asset(asset: dict, where: str, public_id: str, language: str):
    """A lone transcript asset, added to (or updated on) an existing document."""
    asset, removed = clean_tree(asset)  # as records are cleaned in run.write_items

    def write(writer):
        if removed:
            writer.report.warnings.append(
                f"{where}: removed control characters XML cannot carry ({removed})"
            )
        doc = corpus.Document.objects.filter(public_id=public_id).first()
        if doc is None:
            raise IngestError(where, f"--document {public_id!r}: no such document")
        label = str(asset.get("filename") or f"Transcript {asset.get('id', '')}").strip()
        html = _asset_html(asset)
        code = language or (doc.languages.values_list("code", flat=True).first() or "")
        lang = writer.language(code, where) if code else None
        transcript = corpus.Transcript.objects.filter(document=doc, label=label).first()
        if transcript and (clean_html(html), lang) == (transcript.html, transcript.language):
            writer.outcomes.setdefault(doc.pk, "unchanged")
            return
        transcript = transcript or corpus.Transcript(
            document=doc, label=label, position=doc.transcripts.count()
        )
        transcript.html, transcript.language = html, lang
        transcript.save()
        writer.outcomes[doc.pk] = "updated"

    return write


def read_da_json(path: Path, document: str = "", language: str = ""):
    """The import reader for ``chancery import da-json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IngestError(f"{path.name}:{exc.lineno}", f"malformed JSON: {exc.msg}") from None
    objects = data.get("list", [data]) if isinstance(data, dict) else data
    if not isinstance(objects, list):
        raise IngestError(path.name, "expected a record, a collection, a list or {'list': [...]}")
    for n, obj in enumerate(objects, 1):
        where = f"{path.name}, item {n}"
        kind = _kind(obj) if isinstance(obj, dict) else ""
        if kind == "record":
            yield from _records(obj, where)
        elif kind == "collection":
            yield _collection(obj)
        elif kind == "asset":
            if not document:
                raise IngestError(where, "a lone asset needs --document PUBLIC_ID to attach it to")
            yield _attach_asset(obj, where, document, language)
        else:
            yield Skip(where, "neither a record, a collection nor an asset")
