"""EAD3 finding aids: a collection and its subtree out, and in again.

Export (:func:`build_ead`, ``chancery export ead COLLECTION OUT``, the OAI ``ead`` format):
the collection is the ``archdesc``, each collection below it a ``c`` component with its level
of description, and each published document an item-level ``c`` with its identifier, title,
dates, origination, languages, repository, access points (people, places, subjects, type),
summary, source note, rights, a link to its record and, in a file export, its text.

Import (:func:`read_ead`, ``chancery import ead FILE``): the file is validated against the
official EAD3 schema first when it is installed (``CHANCERY_SCHEMAS_DIR``,
:mod:`chancery.corpus.schemas`; otherwise only the structure read here is checked), so a
broken file is refused whole, naming the file, line and element, before anything is written;
components become collections and item-level components with text become documents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from lxml import etree
from lxml import html as lxml_html

from chancery.corpus import models
from chancery.corpus.dates import DateError, parse_date
from chancery.corpus.schemas import schema_file
from chancery.corpus.text import strip_illegal
from chancery.corpus.visibility import public

from .records import AgentRef, CollectionRef, DocumentRecord, PlaceRef, TextRef
from .report import IngestError

EAD_NS = "http://ead3.archivists.org/schema/"
E = f"{{{EAD_NS}}}"
SCHEMA_LOCATION = "https://www.loc.gov/ead/ead3.xsd"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
#: Our levels of description that EAD3's @level names; the rest are ``otherlevel``.
EAD_LEVELS = {"collection", "fonds", "subfonds", "series", "subseries", "file", "item"}
#: Blocks whose text is one paragraph of an item's transcript.
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "tr", "blockquote",
          "figcaption", "pre"}  # fmt: skip


SCHEMA = "ead3/ead3.xsd"


@functools.cache
def _load_schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def schema() -> etree.XMLSchema | None:
    """The official EAD3 schema, or None when it is not installed."""
    path = schema_file(SCHEMA)
    return _load_schema(path) if path else None


def find_collection(key: str) -> models.Collection | None:
    """A collection by slug, identifier or former slug."""
    found = models.Collection.objects.filter(slug=key).first()
    found = found or models.Collection.objects.filter(identifier=key).order_by("pk").first()
    if found is None:
        old = models.CollectionSlug.objects.filter(slug=key).select_related("collection").first()
        found = old.collection if old else None
    return found


# -- export --------------------------------------------------------------------------------
def _el(parent, tag: str, text=None, **attrs):
    el = etree.SubElement(parent, E + tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = strip_illegal(str(text))
    return el


def _paragraphs(parent, tag: str, texts: list[str], head: str = "", **attrs) -> None:
    texts = [t for t in (" ".join(x.split()) for x in texts) if t]
    if not texts:
        return
    block = _el(parent, tag, **attrs)
    if head:
        _el(block, "head", head)
    for text in texts:
        _el(block, "p", text)


#: Elements that only hold blocks: their children are read one by one.
CONTAINERS = {"div", "section", "ol", "ul", "dl", "table", "thead", "tbody", "tfoot", "figure",
              "article", "aside", "header", "footer", "nav"}  # fmt: skip


def html_paragraphs(html: str) -> list[str]:
    """Every word of an HTML fragment, one string per block (paragraph, heading, list item),
    the words between blocks (a page marker, say) a paragraph of their own."""
    if not html.strip():
        return []
    try:
        root = lxml_html.fromstring(f"<div>{html}</div>")
    except (etree.ParserError, ValueError):
        return [" ".join(html.split())]
    out: list[str] = []
    current: list[str] = []

    def flush():
        text = " ".join("".join(current).split())
        if text:
            out.append(text)
        current.clear()

    def has_blocks(el) -> bool:
        return any(
            isinstance(d.tag, str) and d.tag in BLOCKS | CONTAINERS for d in el.iterdescendants()
        )

    def walk(node):
        current.append(node.text or "")
        for child in node:
            if not isinstance(child.tag, str):
                current.append(child.tail or "")
                continue
            if child.tag in CONTAINERS or (child.tag in BLOCKS and has_blocks(child)):
                flush()
                walk(child)
                flush()
            elif child.tag in BLOCKS:
                flush()
                current.append(child.text_content())
                flush()
            else:
                current.append(child.text_content())
            current.append(child.tail or "")

    walk(root)
    flush()
    return out


def _level(el, level: str, archdesc: bool = False) -> None:
    if level in EAD_LEVELS:
        el.set("level", level)
    elif level:
        el.set("level", "otherlevel")
        el.set("otherlevel", level)
    elif archdesc:
        el.set("level", "collection")


def _date(did, doc: models.Document) -> None:
    if not doc.date_earliest or not doc.date_latest:  # both set, or neither
        return
    _el(did, "unitdate", doc.date_display or doc.date, normal=_normal(doc))
    structured = _el(did, "unitdatestructured")
    certainty = "approximate" if doc.date_approximate else None
    if doc.date_earliest == doc.date_latest:
        _el(structured, "datesingle", doc.date_display, certainty=certainty,
            standarddate=doc.date_earliest.isoformat())  # fmt: skip
    else:
        rng = _el(structured, "daterange", certainty=certainty)
        _el(rng, "fromdate", doc.date_earliest.isoformat(),
            standarddate=doc.date_earliest.isoformat())  # fmt: skip
        _el(rng, "todate", doc.date_latest.isoformat(), standarddate=doc.date_latest.isoformat())


def _normal(doc: models.Document) -> str:
    """The date as stored (EDTF: "1861-06", "1958-09~"), which an import reads back as is."""
    return doc.date


def _name(parent, agent: models.Agent, **attrs) -> None:
    tag = "corpname" if agent.kind == models.Agent.ORGANISATION else "persname"
    _el(_el(parent, tag, **attrs), "part", agent.name)


def _collection_did(parent, coll: models.Collection, dates: tuple | None):
    did = _el(parent, "did")
    _el(did, "unitid", coll.identifier or coll.slug)
    _el(did, "unittitle", coll.title)
    if coll.printed_title:
        _el(did, "unittitle", coll.printed_title, localtype="printed")
    if coll.dates:
        _el(did, "unitdate", coll.dates)
    elif dates and dates[0]:
        start, end = dates
        normal = start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"
        text = str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
        _el(did, "unitdate", text, normal=normal)
    if coll.extent:
        _el(did, "physdesc", coll.extent)
    if coll.short_description:
        _el(did, "abstract", coll.short_description)
    return did


def _collection_notes(parent, coll: models.Collection) -> None:
    _paragraphs(parent, "scopecontent", coll.scope_content.split("\n\n"))
    _paragraphs(parent, "arrangement", [coll.arrangement])
    if coll.introduction:
        _paragraphs(parent, "odd", html_paragraphs(coll.introduction), localtype="introduction")
    if coll.finding_aid_url:
        note = _el(_el(parent, "otherfindaid"), "p")
        _el(note, "ref", coll.finding_aid_url, href=coll.finding_aid_url)


class Exporter:
    """Builds one finding aid. The documents of every collection in it are read at once,
    their relations prefetched, so the query count is the same however many collections
    and documents the finding aid holds."""

    def __init__(self, absolute: Callable[[str], str], with_text: bool, collections: Iterable[int]):
        self.absolute = absolute
        self.with_text = with_text
        self.documents = 0
        self.contents: dict[int, list[models.Document]] = {}
        rows = (
            models.Document.objects.published()
            .filter(membership__collection__in=list(collections))
            .annotate(within=F("membership__collection"))
            .order_by("membership__position", "public_id")
            .with_descriptions()
            .prefetch_related(*(["transcripts", "translations"] if with_text else []))
        )
        for doc in rows:  # a document in two of the collections stands in both
            self.contents.setdefault(doc.within, []).append(doc)

    def _documents(self, coll: models.Collection) -> list[models.Document]:
        return self.contents.get(coll.pk, [])

    def item(self, parent, doc: models.Document) -> None:
        self.documents += 1
        c = _el(parent, "c", level="item")
        did = _el(c, "did")
        for repository in doc.repositories.all():
            _el(_el(_el(did, "repository"), "corpname"), "part", repository.name)
        creators = list(doc.creators.all())
        if creators:
            origination = _el(did, "origination")
            for agent in creators:
                _name(origination, agent)
        _el(did, "unitid", doc.public_id)
        _el(did, "unittitle", doc.title)
        _date(did, doc)
        languages = list(doc.languages.all())
        if languages:
            material = _el(did, "langmaterial")
            for language in languages:
                _el(material, "language", language.name, langcode=language.code)
        dao = _el(did, "dao", daotype="derived", linktitle=doc.title[:200],
                  href=self.absolute(doc.get_absolute_url()))  # fmt: skip
        dao.set("show", "new")
        if doc.summary:
            _paragraphs(c, "scopecontent", [doc.summary])
        access = [
            *(("persname", a) for a in doc.people.all()),
            *(("geogname", p.name) for p in doc.places.all()),
            *(("subject", s.name) for s in doc.subjects.all()),
            *([("genreform", doc.doc_type.name)] if doc.doc_type else []),
        ]
        if access:
            controlaccess = _el(c, "controlaccess")
            for tag, value in access:
                if isinstance(value, models.Agent):
                    _name(controlaccess, value)
                else:
                    _el(_el(controlaccess, tag), "part", value)
        if doc.source:
            _paragraphs(c, "odd", [doc.source], head="Source", localtype="source")
        if doc.rights:
            _paragraphs(c, "userestrict", [doc.rights.name, doc.rights.text])
        if self.with_text:
            for kind, assets in (("transcript", doc.transcripts.all()),
                                 ("translation", doc.translations.all())):  # fmt: skip
                for asset in assets:
                    code = asset.language_id or ""
                    _paragraphs(c, "odd", html_paragraphs(asset.html), head=asset.label,
                                localtype=f"{kind}:{code}" if code else kind)  # fmt: skip

    def component(self, parent, coll: models.Collection, children: dict, dates: dict) -> None:
        c = _el(parent, "c", id=f"c-{coll.slug}")
        _level(c, coll.level)
        _collection_did(c, coll, dates.get(coll.pk))
        _collection_notes(c, coll)
        self._contents(c, coll, children, dates)

    def _contents(self, parent, coll, children: dict, dates: dict) -> None:
        for doc in self._documents(coll):
            self.item(parent, doc)
        for child in children.get(coll.pk, []):
            self.component(parent, child, children, dates)


def _subtree(coll: models.Collection) -> tuple[dict, dict]:
    """Children by parent, and each collection's span of dates (whole subtree), by pk."""
    rows = list(
        public(models.Collection)
        .filter(path__startswith=coll.path)
        .order_by(*models.Collection._meta.ordering or ())
    )
    children: dict[int, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    spans: dict[int, tuple] = {}
    memberships = (
        models.Membership.objects.filter(
            collection__in=rows, document__status=models.Document.PUBLISHED
        )
        .exclude(document__date_earliest=None)
        .values_list("collection__path", "document__date_earliest", "document__date_latest")
    )
    for path, start, end in memberships:
        for pk in (int(p) for p in path.strip("/").split("/")):
            low, high = spans.get(pk, (start, end))
            spans[pk] = (min(low, start), max(high, end))
    return children, spans


def build_ead(coll: models.Collection, absolute: Callable[[str], str] = str, *,
              with_text: bool = True, site_name: str = "Chancery") -> etree._Element:  # fmt: skip
    """The EAD3 finding aid of ``coll`` and everything below it."""
    children, spans = _subtree(coll)
    root = etree.Element(E + "ead", nsmap={None: EAD_NS, "xsi": XSI[1:-1]})
    root.set(XSI + "schemaLocation", f"{EAD_NS} {SCHEMA_LOCATION}")
    control = _el(root, "control")
    _el(control, "recordid", coll.identifier or coll.slug,
        instanceurl=absolute(coll.get_absolute_url()))  # fmt: skip
    titlestmt = _el(_el(control, "filedesc"), "titlestmt")
    _el(titlestmt, "titleproper", coll.title)
    _el(control, "maintenancestatus", value="derived")
    _el(_el(control, "maintenanceagency"), "agencyname", site_name)
    event = _el(_el(control, "maintenancehistory"), "maintenanceevent")
    _el(event, "eventtype", value="derived")
    now = timezone.now().replace(microsecond=0)
    _el(event, "eventdatetime", now.isoformat(), standarddatetime=now.isoformat())
    _el(event, "agenttype", value="machine")
    _el(event, "agent", site_name)
    archdesc = _el(root, "archdesc")
    _level(archdesc, coll.level, archdesc=True)
    _collection_did(archdesc, coll, spans.get(coll.pk))
    _collection_notes(archdesc, coll)
    collections = [coll.pk, *(c.pk for within in children.values() for c in within)]
    exporter = Exporter(absolute, with_text, collections)
    dsc = _el(archdesc, "dsc")
    exporter._contents(dsc, coll, children, spans)
    if not len(dsc):
        archdesc.remove(dsc)
    return root


def export_ead(coll: models.Collection, out: Path, base_url: str = "") -> int:
    """Write the finding aid of ``coll`` to ``out`` (whole or not at all); the number of
    documents described."""
    from .safefile import atomic_write

    root = build_ead(coll, lambda path: base_url.rstrip("/") + path if base_url else path)
    with atomic_write(out, "wb") as handle:
        handle.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))  # fmt: skip
    return sum(1 for _ in root.iterfind(f".//{E}c[@level='item']"))


# -- import --------------------------------------------------------------------------------
def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _where(name: str, el) -> str:
    return f"{name}:{el.sourceline} ({etree.QName(el).localname})"


def _edtf(did) -> str:
    """A date from ``unitdate/@normal`` if it reads as a date, else ``unitdatestructured``."""
    unitdate = did.find(f"{E}unitdate")
    normal = unitdate.get("normal", "") if unitdate is not None else ""
    if normal:
        try:
            return parse_date(normal).edtf
        except DateError:
            pass
    single = did.find(f"{E}unitdatestructured/{E}datesingle")
    rng = did.find(f"{E}unitdatestructured/{E}daterange")
    value, approximate = "", False
    if single is not None and single.get("standarddate"):
        value, approximate = single.get("standarddate"), single.get("certainty") == "approximate"
    elif rng is not None:
        start = rng.find(f"{E}fromdate")
        end = rng.find(f"{E}todate")
        start = start.get("standarddate", "") if start is not None else ""
        end = end.get("standarddate", "") if end is not None else ""
        value = f"{start or '..'}/{end or '..'}"
        approximate = rng.get("certainty") == "approximate"
    else:
        unitdate = did.find(f"{E}unitdate")
        value = unitdate.get("normal", "") if unitdate is not None else ""
    if approximate and value and "/" not in value:
        value += "~"
    return value


def _level_of(el) -> str:
    level = el.get("level", "")
    return el.get("otherlevel", "") if level == "otherlevel" else level


def _names(parent, tags: tuple[str, ...]) -> list:
    found = []
    for tag in tags:
        for el in parent.iterfind(f"{E}{tag}") if parent is not None else []:
            name = " ".join(_text(p) for p in el.iterfind(f"{E}part")) or _text(el)
            if name:
                found.append((tag, name))
    return found


def _check_structure(name: str, root) -> None:
    """Without the schema: what this reader relies on (a description with a ``did``, and a
    ``did`` in every component)."""
    archdesc = root.find(f"{E}archdesc")
    if archdesc is None:
        raise IngestError(_where(name, root), "not valid EAD3: no archdesc")
    for el in [archdesc, *archdesc.iter(f"{E}c")]:
        if el.find(f"{E}did") is None:
            tag = el.tag.split("}")[-1]
            raise IngestError(
                f"{name}:{el.sourceline} ({tag})", f"not valid EAD3: {tag} has no did"
            )


class EadReader:
    """Iterate one EAD3 file as collections (parents first) and documents."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = self.path.name
        self.count = 0

    def _parse(self):
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            tree = etree.parse(str(self.path), parser)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or (exc.position[0] if exc.position else "?")
            raise IngestError(f"{self.name}:{line}", f"malformed XML: {exc.msg}") from None
        root = tree.getroot()
        if root.tag != E + "ead":
            raise IngestError(_where(self.name, root), f"not an EAD3 finding aid (root {root.tag})")
        checker = schema()
        if checker is None:
            _check_structure(self.name, root)
        elif not checker.validate(tree):
            error = checker.error_log[0]
            element = re.search(r"Element '([^']+)'", error.message)
            what = element.group(1).split("}")[-1] if element else "document"
            raise IngestError(f"{self.name}:{error.line} ({what})",
                              f"not valid EAD3: {error.message}")  # fmt: skip
        return root

    def __iter__(self) -> Iterator:
        root = self._parse()
        record = _text(root.find(f"{E}control/{E}recordid")) or self.path.stem
        archdesc = root.find(f"{E}archdesc")
        yield from self._collection(archdesc, record, "", 0, record)

    def _collection(self, el, record: str, parent: str, position: int, key: str):
        did = el.find(f"{E}did")
        titles = did.findall(f"{E}unittitle")
        title = next((_text(t) for t in titles if t.get("localtype") != "printed"), "")
        printed = next((_text(t) for t in titles if t.get("localtype") == "printed"), "")
        unitid = _text(did.find(f"{E}unitid"))
        unitdate = did.find(f"{E}unitdate")
        ref = CollectionRef(
            key=f"ead:{key}", title=title or unitid or "Untitled", parent=parent,
            position=position, level=_level_of(el), printed_title=printed,
            identifier=unitid if not parent else "",
            # a component exported from here names its collection ("c-<slug>"), the finding
            # aid its identifier: imported again, they update those collections in place
            slug=(el.get("id") or "").removeprefix("c-")[:100] if parent else slugify(unitid)[:100],
            dates=_text(unitdate) if unitdate is not None and not unitdate.get("normal") else "",
            extent=_text(did.find(f"{E}physdesc")),
            short_description=_text(did.find(f"{E}abstract")),
            scope_content="\n\n".join(_text(p) for p in el.iterfind(f"{E}scopecontent/{E}p")),
            arrangement="\n\n".join(_text(p) for p in el.iterfind(f"{E}arrangement/{E}p")),
            finding_aid_url=next(
                (r.get("href", "") for r in el.iterfind(f"{E}otherfindaid//{E}ref")), ""
            ),
            introduction="".join(
                f"<p>{_escape(_text(p))}</p>"
                for p in el.iterfind(f"{E}odd[@localtype='introduction']/{E}p")
            ),
        )  # fmt: skip
        yield ref
        container = el.find(f"{E}dsc") if el.tag == E + "archdesc" else el
        if container is None:
            return
        n = 0
        for child in container.iterfind(f"{E}c"):
            n += 1
            if child.get("level") == "item" and not child.findall(f"{E}c"):
                found = self._document(child, ref.key)
                if isinstance(found, DocumentRecord):
                    yield found
                else:
                    from .run import Skip

                    yield Skip(_where(self.name, child), found)
                continue
            child_key = f"{key}/{child.get('id') or _text(child.find(f'{E}did/{E}unitid')) or n}"
            yield from self._collection(child, record, ref.key, n, child_key)

    def _document(self, c, collection_key: str) -> DocumentRecord | str:
        did = c.find(f"{E}did")
        public_id = _text(did.find(f"{E}unitid"))
        title = _text(did.find(f"{E}unittitle"))
        texts: dict[str, list[TextRef]] = {"transcript": [], "translation": []}
        for odd in c.iterfind(f"{E}odd"):
            kind, _, code = (odd.get("localtype") or "").partition(":")
            if kind not in texts:
                continue
            html = "".join(f"<p>{_escape(_text(p))}</p>" for p in odd.iterfind(f"{E}p"))
            if html:
                texts[kind].append(
                    TextRef(html=html, language=code, label=_text(odd.find(f"{E}head")))
                )
        summary = "\n\n".join(_text(p) for p in c.iterfind(f"{E}scopecontent/{E}p"))
        if not (texts["transcript"] or texts["translation"] or summary):
            return f"item {public_id or title!r}: no transcript, translation or scope note"
        if not public_id or not title:
            return "an item needs a unitid and a unittitle"
        date = _edtf(did)
        if date:
            try:
                date = parse_date(date).edtf
            except DateError:
                raise IngestError(_where(self.name, did), f"unreadable date {date!r}") from None
        self.count += 1
        controlaccess = c.find(f"{E}controlaccess")
        access = _names(controlaccess, ("persname", "corpname", "geogname", "subject", "genreform"))
        origination = _names(did.find(f"{E}origination"), ("persname", "corpname"))
        rights = [_text(p) for p in c.iterfind(f"{E}userestrict/{E}p")]
        return DocumentRecord(
            public_id=public_id, title=title, where=_where(self.name, c), date=date,
            summary=summary,
            source=" ".join(_text(p) for p in c.iterfind(f"{E}odd[@localtype='source']/{E}p")),
            doc_type=next((n for t, n in access if t == "genreform"), ""),
            rights=rights[0] if rights else "", rights_text=rights[1] if len(rights) > 1 else "",
            subjects=[n for t, n in access if t == "subject"],
            places=[PlaceRef(name=n) for t, n in access if t == "geogname"],
            people=[AgentRef(name=n, kind=_kind(t)) for t, n in access if t != "geogname"
                    and t in ("persname", "corpname")],
            creators=[AgentRef(name=n, kind=_kind(t)) for t, n in origination],
            languages=[el.get("langcode") for el in did.iterfind(f"{E}langmaterial/{E}language")
                       if el.get("langcode")],
            repositories=[_text(r) for r in did.iterfind(f"{E}repository")],
            collections=[(collection_key, self.count)],
            transcripts=texts["transcript"], translations=texts["translation"],
        )  # fmt: skip


def _kind(tag: str) -> str:
    return models.Agent.ORGANISATION if tag == "corpname" else models.Agent.PERSON


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


def read_ead(path: Path):
    """The import reader for ``chancery import ead``."""
    return EadReader(path)
