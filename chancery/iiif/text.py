"""The machine-read text on the images: W3C annotations per line (motivation
"supplementing") for each canvas, and IIIF Content Search 2.0 over a document's words.

Boxes are kept in pixels of the page image the canvas shows (:mod:`chancery.ocr`), so a
box is a canvas fragment as it is: ``<canvas>#xywh=x,y,w,h``.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from chancery.corpus.models import Document, Scan
from chancery.ocr.models import LABEL, MachineText
from chancery.search.analysis import fold

from . import sources

SEARCH_CONTEXT = "http://iiif.io/api/search/2/context.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
#: Words a content search may hold, and the hits it returns (the rest are counted).
MAX_QUERY_WORDS = 12
MAX_HITS = 1000


def canvas_pages(doc: Document) -> Iterator[tuple[int, Scan, sources.Page]]:
    """Every page image of the document's scans, numbered as the manifest's canvases."""
    n = 0
    for scan in doc.scans.all():
        for page in sources.pages(scan):
            n += 1
            yield n, scan, page


def manifest_base(request, doc: Document) -> str:
    url = request.build_absolute_uri(reverse("iiif:manifest", args=[doc.public_id]))
    return url.removesuffix("/manifest.json")


def canvas_id(base: str, n: int) -> str:
    return f"{base}/canvas/{n}"


def text_page_url(request, doc: Document, n: int) -> str:
    return request.build_absolute_uri(reverse("iiif:canvas-text", args=[doc.public_id, n]))


def search_url(request, doc: Document) -> str:
    return request.build_absolute_uri(reverse("iiif:search", args=[doc.public_id]))


def read_pages(doc: Document) -> set[tuple[int, int]]:
    """(scan id, page) of every page that has machine-read text (one query)."""
    return set(MachineText.objects.filter(scan__document=doc).values_list("scan_id", "page"))


def _fragment(target: str, box: list[int]) -> str:
    x, y, w, h = box
    return f"{target}#xywh={x},{y},{w},{h}"


def _body(text: str) -> dict:
    return {"type": "TextualBody", "value": text, "format": "text/plain"}


def line_annotations(text: MachineText, canvas: str) -> list[dict]:
    return [
        {
            "id": f"{canvas}/text/line/{i}",
            "type": "Annotation",
            "motivation": "supplementing",
            "label": {"en": [LABEL]},
            "body": _body(" ".join(w["text"] for w in line["words"])),
            "target": _fragment(canvas, line["box"]),
        }
        for i, line in enumerate(text.lines, start=1)
    ]


def text_page(request, doc: Document, n: int, text: MachineText) -> dict:
    """The AnnotationPage of canvas ``n``'s machine-read lines."""
    canvas = canvas_id(manifest_base(request, doc), n)
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": text_page_url(request, doc, n),
        "type": "AnnotationPage",
        "label": {"en": [f"{LABEL.capitalize()} ({dict(MachineText.SOURCES)[text.source]})"]},
        "items": line_annotations(text, canvas),
    }


def query_words(q: str) -> list[str]:
    """The folded words of a content search (``q``), at most :data:`MAX_QUERY_WORDS`."""
    words = [fold(w.strip(".,;:!?\"'()[]«»“”„")) for w in q.split()]
    return [w for w in dict.fromkeys(words) if w][:MAX_QUERY_WORDS]


def content_search(request, doc: Document, q: str) -> dict:
    """A IIIF Content Search 2.0 answer: each word of the document's machine-read text
    that is one of the query's words (case and accents folded; Chinese: the characters in
    sequence), as an annotation on its canvas."""
    words = query_words(q)
    base = manifest_base(request, doc)
    texts = {(t.scan_id, t.page): t for t in MachineText.objects.filter(scan__document=doc)}
    items: list[dict] = []
    for n, scan, page in canvas_pages(doc):
        text = texts.get((scan.pk, page.number))
        if text is None:
            continue
        canvas = canvas_id(base, n)
        for i, (word, box) in enumerate(_matches(text, words), start=1):
            if len(items) >= MAX_HITS:
                break
            items.append(
                {
                    "id": f"{canvas}/text/hit/{i}",
                    "type": "Annotation",
                    "motivation": "supplementing",
                    "label": {"en": [LABEL]},
                    "body": _body(word),
                    "target": _fragment(canvas, box),
                }
            )
    return {
        "@context": SEARCH_CONTEXT,
        "id": request.build_absolute_uri(),
        "type": "AnnotationPage",
        "items": items,
    }


def _matches(text: MachineText, words: list[str]) -> Iterator[tuple[str, list[int]]]:
    """(word, box) of each run of words on the page that spells a query word: one word, or
    a run of single Chinese characters (Tesseract boxes Chinese by the character). A page an
    editor corrected is searched as corrected (ocr/correction.py)."""
    flat = [(fold(w), w, box) for w, box, _, _ in text.shown_words()]
    wanted = set(words)
    for i, (folded, word, box) in enumerate(flat):
        if folded.strip(".,;:!?\"'()[]«»“”„") in wanted:
            yield word, box
            continue
        for query in words:
            if len(query) > len(folded) and query.startswith(folded):
                run, spelled = [i], folded
                j = i + 1
                while j < len(flat) and len(spelled) < len(query):
                    spelled += flat[j][0]
                    run.append(j)
                    j += 1
                if spelled == query:
                    boxes = [flat[k][2] for k in run]
                    left = min(b[0] for b in boxes)
                    top = min(b[1] for b in boxes)
                    right = max(b[0] + b[2] for b in boxes)
                    bottom = max(b[1] + b[3] for b in boxes)
                    yield "".join(flat[k][1] for k in run), [left, top, right - left, bottom - top]
                    break
