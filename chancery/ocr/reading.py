"""Reading a page: a PDF's own text layer when it has one, Tesseract otherwise.

Both give the same layout (lines of words with boxes, in pixels of the page image that the
IIIF canvas shows), so the manifests, content search and highlighting need not know which.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract
from PIL import Image

from chancery.corpus.models import Scan
from chancery.iiif import sources

#: ISO 639-2/B codes (Language.code) -> Tesseract's trained data; several are alternatives
#: (Chinese in simplified or traditional script: the page is read with the first, and with
#: the next when Tesseract is unsure, keeping the surer reading).
TESSERACT_LANGS: dict[str, tuple[str, ...]] = {
    "eng": ("eng",),
    "rus": ("rus",),
    "chi": ("chi_sim", "chi_tra"),
    "ger": ("deu",),
    "fre": ("fra",),
    "spa": ("spa",),
    "ita": ("ita",),
    "ukr": ("ukr",),
    "pol": ("pol",),
    "jpn": ("jpn",),
    "kor": ("kor",),
}
DEFAULT_LANGS = ("eng",)
#: A PDF page with at least this many letters or digits in its text layer is not OCRed.
MIN_TEXT_LAYER_CHARS = 10
#: A reading less sure than this (mean word confidence) is tried with the alternatives.
SURE = 85.0
#: Words Tesseract is less sure of than this (0–100) are dropped as noise.
MIN_CONFIDENCE = 10


@dataclass
class PageText:
    source: str
    languages: str
    width: int
    height: int
    lines: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(join_words([w["text"] for w in line["words"]]) for line in self.lines)

    @property
    def confidence(self) -> float | None:
        scores = [w["conf"] for line in self.lines for w in line["words"] if w["conf"] is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


def _cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "") or "\u3000" <= ch <= "\u30ff"


def join_words(words: list[str]) -> str:
    """Words of a line as text: no space between two Chinese/Japanese words."""
    out = ""
    for word in words:
        if out and not (_cjk(out[-1]) and _cjk(word[0])):
            out += " "
        out += word
    return out


@cache
def installed_languages() -> frozenset[str]:
    return frozenset(pytesseract.get_languages(config=""))


def tesseract_languages(codes: list[str]) -> list[str]:
    """The Tesseract language strings to read a document's pages with (installed data
    only), best guess first: ``["chi_sim+eng", "chi_tra+eng"]`` for Chinese."""
    readings: list[list[str]] = [[]]
    for code in codes:
        options = [t for t in TESSERACT_LANGS.get(code, (code,)) if t in installed_languages()]
        if options:
            readings = [r + [t] for t in options for r in readings[:1]] + readings[1:]
    # English is always read too (after the document's own): archival pages in other
    # languages carry English headings, names and stamps, and a document whose languages
    # are wrong or unset is then still read.
    default = [t for t in DEFAULT_LANGS if t in installed_languages()] or ["eng"]
    return ["+".join(dict.fromkeys([*r, *default])) for r in readings]


def _box(left: float, top: float, right: float, bottom: float) -> list[int]:
    return [round(left), round(top), max(1, round(right - left)), max(1, round(bottom - top))]


def _union(boxes: list[list[int]]) -> list[int]:
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return [left, top, right - left, bottom - top]


def ocr_image(path: Path, languages: str) -> PageText:
    """Tesseract's words and lines on one page image."""
    with Image.open(path) as image:
        image.load()
        width, height = image.size
        data = pytesseract.image_to_data(
            image.convert("RGB"), lang=languages, output_type=pytesseract.Output.DICT
        )
    lines: dict[tuple[int, int, int], list[dict]] = {}
    for i, text in enumerate(data["text"]):
        text = text.strip()
        conf = float(data["conf"][i])
        if not text or conf < MIN_CONFIDENCE:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        left, top = data["left"][i], data["top"][i]
        box = _box(left, top, left + data["width"][i], top + data["height"][i])
        lines.setdefault(key, []).append({"text": text, "box": box, "conf": round(conf)})
    page = PageText("ocr", languages, width, height)
    page.lines = [
        {"box": _union([w["box"] for w in words]), "words": words} for words in lines.values()
    ]
    return page


def pdf_text_layer(path: Path, number: int, width: int, height: int) -> PageText | None:
    """The words of a PDF page's own text layer scaled to the page image (None: none)."""
    with sources._pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[number - 1]
            page_w, page_h = page.get_size()
            textpage = page.get_textpage()
            sx, sy = width / page_w, height / page_h
            lines: list[list[dict]] = [[]]
            word: list[tuple[str, tuple[float, float, float, float]]] = []

            def end_word() -> None:
                if word:
                    text = "".join(ch for ch, _ in word)
                    # pdfium's boxes: left, bottom, right, top, from the bottom left.
                    left = min(b[0] for _, b in word)
                    bottom = min(b[1] for _, b in word)
                    right = max(b[2] for _, b in word)
                    top = max(b[3] for _, b in word)
                    box = _box(left * sx, (page_h - top) * sy, right * sx, (page_h - bottom) * sy)
                    lines[-1].append({"text": text, "box": box, "conf": None})
                    word.clear()

            for i in range(textpage.count_chars()):
                ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
                if ch in "\r\n":
                    end_word()
                    if lines[-1]:
                        lines.append([])
                elif ch.isspace() or ch == "\x00":
                    end_word()
                elif _cjk(ch):
                    end_word()
                    word.append((ch, textpage.get_charbox(i)))
                    end_word()
                else:
                    word.append((ch, textpage.get_charbox(i)))
            end_word()
            textpage.close()
            page.close()
        finally:
            pdf.close()
    found = [line for line in lines if line]
    letters = sum(ch.isalnum() for line in found for w in line for ch in w["text"])
    if letters < MIN_TEXT_LAYER_CHARS:
        return None
    result = PageText("pdf", "", width, height)
    result.lines = [{"box": _union([w["box"] for w in ws]), "words": ws} for ws in found]
    return result


def read_page(scan: Scan, page: sources.Page, languages: list[str]) -> PageText:
    """One page's text: the PDF's own layer if it has one, else OCR of the page image (with
    each alternative reading in turn until one is sure; the surest is kept)."""
    if sources.is_pdf(scan):
        layer = pdf_text_layer(Path(scan.file.path), page.number, page.width, page.height)
        if layer is not None:
            return layer
    image = sources.page_image_path(scan, page.number)
    best: PageText | None = None
    for option in languages:
        found = ocr_image(image, option)
        if best is None or (found.confidence or 0) > (best.confidence or 0):
            best = found
        if (best.confidence or 0) >= SURE:
            break
    assert best is not None
    return best
