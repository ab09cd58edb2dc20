"""Scans are read in a background job: pages drawn from known text in English, Russian and
Chinese are OCRed through the queue (`chancery worker --burst`) into a machine-read layer
whose words sit where they were drawn; a PDF with its own text layer is not OCRed."""

from __future__ import annotations

import io

import pytesseract
import pytest
from django.core.management import call_command
from PIL import Image

from chancery.corpus.models import Language
from chancery.ocr.models import MachineText

from ..factories import DocumentFactory
from ..iiif.scans import add_scan
from .pages import draw_page, near

pytestmark = pytest.mark.django_db

ENGLISH = ["The ambassador telegraphed Moscow", "about the treaty negotiations"]
RUSSIAN = ["Посол сообщил из Москвы", "о переговорах по договору"]
CHINESE = ["外交部 条约 会议", "大使 电报 北京"]
CHINESE_TRADITIONAL = ["外交部 條約 會議", "大使 電報 北京"]


def scanned(django_capture_on_commit_callbacks, lines, face, lang, name="page.png", **kw):
    data, boxes = draw_page(lines, face, **kw)
    doc = DocumentFactory()
    if lang:
        language = Language.objects.get_or_create(code=lang, defaults={"name": lang})[0]
        doc.languages.set([language])
    with django_capture_on_commit_callbacks(execute=True):
        scan = add_scan(doc, name, data)
    call_command("worker", "--burst", verbosity=0)
    return doc, scan, boxes


def located(scan, boxes) -> dict[str, bool]:
    text = MachineText.objects.get(scan=scan, page=1)
    found = {word: box for word, box, _, _ in text.words()}
    return {word: word in found and near(found[word], box) for word, box in boxes.items()}


@pytest.mark.parametrize(
    ("lines", "face", "lang", "languages"),
    [
        (ENGLISH, "serif", "eng", "eng"),
        (ENGLISH, "sans", None, "eng"),
        (RUSSIAN, "cyrillic", "rus", "rus+eng"),
    ],
)
def test_a_scan_is_read_into_words_where_they_were_drawn(
    django_capture_on_commit_callbacks, lines, face, lang, languages
):
    doc, scan, boxes = scanned(django_capture_on_commit_callbacks, lines, face, lang)
    text = MachineText.objects.get(scan=scan, page=1)
    assert text.source == MachineText.OCR
    assert text.languages == languages
    assert text.text.splitlines() == lines
    assert all(located(scan, boxes).values()), located(scan, boxes)
    assert text.confidence > 80
    assert len(text.lines) == 2


@pytest.mark.parametrize(
    ("lines", "script"), [(CHINESE, "chi_sim+eng"), (CHINESE_TRADITIONAL, "chi_tra+eng")]
)
def test_chinese_is_read_in_its_script(django_capture_on_commit_callbacks, lines, script):
    doc, scan, boxes = scanned(django_capture_on_commit_callbacks, lines, "chinese", "chi", size=56)
    text = MachineText.objects.get(scan=scan, page=1)
    assert text.languages == script
    assert text.text.replace(" ", "").splitlines() == [line.replace(" ", "") for line in lines]
    # Tesseract boxes Chinese by the character: the characters centred in each drawn word
    # are that word.
    chars = [(w, box) for w, box, _, _ in text.words()]
    for word, (x, y, w, h) in boxes.items():
        inside = [c for c, (cx, cy, cw, ch) in chars
                  if x <= cx + cw / 2 <= x + w and y <= cy + ch / 2 <= y + h]  # fmt: skip
        assert "".join(inside) == word, (word, (x, y, w, h), chars)


def test_a_pdf_with_a_text_layer_is_not_ocred(django_capture_on_commit_callbacks, monkeypatch):
    data, boxes = draw_page(ENGLISH, "serif")
    # A "scanned" PDF that carries its own invisible text layer, as scanners make them.
    pdf = pytesseract.image_to_pdf_or_hocr(Image.open(io.BytesIO(data)), extension="pdf")
    doc = DocumentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        scan = add_scan(doc, "scanned.pdf", pdf)

    def no_ocr(*args, **kwargs):
        raise AssertionError("a PDF with a text layer must not be OCRed")

    monkeypatch.setattr(pytesseract, "image_to_data", no_ocr)
    call_command("worker", "--burst", verbosity=0)
    text = MachineText.objects.get(scan=scan, page=1)
    assert text.source == MachineText.PDF
    assert text.text.split() == " ".join(ENGLISH).split()
    # The page image is drawn from the PDF at 150 dpi: boxes are scaled to it, and each
    # word's box starts where it was drawn and is centred on it (the layer's own glyph
    # widths are the scanner's estimate).
    scale = text.width / 1200
    found = {word: box for word, box, _, _ in text.words()}
    for word, (x, y, w, h) in boxes.items():
        fx, fy, fw, fh = found[word]
        assert abs(fx - x * scale) <= 16, word
        assert x * scale <= fx + fw / 2 <= (x + w) * scale, word
        assert y * scale <= fy + fh / 2 <= (y + h) * scale, word


def test_a_pdf_without_a_text_layer_is_ocred(django_capture_on_commit_callbacks):
    data, _ = draw_page(ENGLISH, "serif")
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, format="PDF", resolution=150)
    doc = DocumentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        scan = add_scan(doc, "image-only.pdf", out.getvalue())
    call_command("worker", "--burst", verbosity=0)
    text = MachineText.objects.get(scan=scan, page=1)
    assert text.source == MachineText.OCR
    assert "ambassador" in text.text and "negotiations" in text.text


def test_english_on_a_russian_document_is_read_too(django_capture_on_commit_callbacks):
    doc, scan, boxes = scanned(django_capture_on_commit_callbacks, ENGLISH, "serif", "rus")
    text = MachineText.objects.get(scan=scan, page=1)
    assert text.languages == "rus+eng"
    assert text.text.splitlines() == ENGLISH


def test_a_scan_is_read_again_only_when_its_file_changes(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    doc, scan, _ = scanned(django_capture_on_commit_callbacks, ENGLISH, "serif", "eng")
    with django_capture_on_commit_callbacks(execute=True):
        scan.label = "Page one"
        scan.save()
    assert DBTaskResult.objects.count() == 1


def test_check_warns_when_ocr_is_on_without_tesseract(settings, monkeypatch):
    from chancery.ocr import apps

    assert apps.check_tesseract() == []
    monkeypatch.setattr(apps.shutil, "which", lambda name: None)
    assert [m.id for m in apps.check_tesseract()] == ["chancery.ocr.W001"]
    settings.OCR_ENABLED = False
    assert apps.check_tesseract() == []


def test_scans_added_before_ocr_are_queued_by_read_scans(settings):
    from django_tasks_db.models import DBTaskResult

    settings.OCR_ENABLED = False  # an archive from before OCR: its scans were never read
    data, _ = draw_page(ENGLISH, "serif")
    scan = add_scan(DocumentFactory(), "old.png", data)
    assert DBTaskResult.objects.count() == 0
    out = io.StringIO()
    call_command("read_scans", stdout=out)
    assert "1 scan(s) queued" in out.getvalue()
    call_command("worker", "--burst", verbosity=0)
    assert "ambassador" in MachineText.objects.get(scan=scan).text
    call_command("read_scans", stdout=out)  # nothing left unread
    assert "0 scan(s) queued" in out.getvalue()
