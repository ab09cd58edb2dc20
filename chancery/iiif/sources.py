"""The page images behind a scan: an image file is one page, a PDF one page per PDF page.

PDF pages are rendered once with PDFium (pypdfium2) and kept as PNG beside the other derived
files under ``MEDIA_ROOT/iiif/<scan id>/<stamp>/``; the stamp changes when the scan's file
changes, so a replaced file never serves stale pixels. Sizes are kept there too (pages.json),
so a manifest does not open every file on every request.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from chancery.corpus import uploads
from chancery.corpus.models import Scan

from . import cache

#: PDF pages are rendered at this resolution, and never longer than MAX_PDF_SIDE pixels.
PDF_DPI = 150
MAX_PDF_SIDE = 3000
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff")

# PDFium is not thread-safe; the threaded dev and test servers render tiles concurrently
# (one lock with the upload checks, which open PDFs too).
_pdfium_lock = uploads.PDFIUM_LOCK


class SourceMissing(Exception):
    """The scan's file is absent, unreadable or of a kind we cannot show as pages."""


@dataclass(frozen=True)
class Page:
    scan_id: int
    number: int  # 1-based
    width: int
    height: int

    @property
    def identifier(self) -> str:
        """The IIIF Image API identifier: ``<scan id>-<page number>``."""
        return f"{self.scan_id}-{self.number}"


def _name(scan: Scan) -> str:
    return (scan.file.name or "").lower()


def is_pdf(scan: Scan) -> bool:
    return _name(scan).endswith(".pdf")


def is_pageable(scan: Scan) -> bool:
    """Whether the scan can be shown as page images at all (by its file name)."""
    return bool(scan.file) and (is_pdf(scan) or _name(scan).endswith(IMAGE_SUFFIXES))


def _file_path(scan: Scan) -> Path:
    try:
        path = Path(scan.file.path)
    except (ValueError, NotImplementedError) as exc:
        raise SourceMissing(f"scan {scan.pk} has no local file") from exc
    if not path.is_file():
        raise SourceMissing(f"scan {scan.pk}: {scan.file.name} is missing")
    return path


def derived_dir(scan: Scan) -> Path:
    """Folder for this version of the scan's file (derived images, sizes)."""
    path = _file_path(scan)
    stat = path.stat()
    stamp = hashlib.sha1(  # noqa: S324 - a cache key, not security
        f"{scan.file.name}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    ).hexdigest()[:12]
    return Path(settings.MEDIA_ROOT) / "iiif" / str(scan.pk) / stamp


def write_atomic(target: Path, write) -> None:
    """Write ``target`` through a temporary file, then count it in the bounded cache."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=cache.TEMP_PREFIX, suffix=target.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    cache.added(target)


def _pdf_scale(width_pt: float, height_pt: float) -> float:
    scale = PDF_DPI / 72
    return min(scale, MAX_PDF_SIDE / max(width_pt, height_pt, 1))


def _measure(scan: Scan) -> list[tuple[int, int]]:
    path = _file_path(scan)
    if is_pdf(scan):
        with _pdfium_lock:
            try:
                pdf = pdfium.PdfDocument(str(path))
            except pdfium.PdfiumError as exc:
                raise SourceMissing(f"scan {scan.pk}: not a readable PDF ({exc})") from exc
            try:
                sizes = []
                for index in range(len(pdf)):
                    w, h = pdf.get_page_size(index)
                    scale = _pdf_scale(w, h)
                    sizes.append((max(1, round(w * scale)), max(1, round(h * scale))))
                return sizes
            finally:
                pdf.close()
    try:
        with Image.open(path) as img:
            return [img.size]
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise SourceMissing(f"scan {scan.pk}: not a readable image ({exc})") from exc


def pages(scan: Scan) -> list[Page]:
    """The scan's pages with their pixel sizes ([] if it cannot be shown)."""
    if not is_pageable(scan):
        return []
    try:
        folder = derived_dir(scan)
        sizes_file = folder / "pages.json"
        if sizes_file.exists():
            sizes = json.loads(sizes_file.read_text())
        else:
            sizes = _measure(scan)
            write_atomic(sizes_file, lambda tmp: Path(tmp).write_text(json.dumps(sizes)))
    except SourceMissing:
        return []
    return [Page(scan.pk, n, w, h) for n, (w, h) in enumerate(sizes, start=1)]


def page_image_path(scan: Scan, number: int) -> Path:
    """A file Pillow can open for page ``number`` (rendering a PDF page on first use)."""
    if not is_pdf(scan):
        if number != 1:
            raise SourceMissing(f"scan {scan.pk} has one page")
        return _file_path(scan)
    page = next((p for p in pages(scan) if p.number == number), None)
    if page is None:
        raise SourceMissing(f"scan {scan.pk} has no page {number}")
    target = derived_dir(scan) / f"page-{number}.png"
    if not target.exists():
        _render_pdf_page(scan, page, target)
    return target


def _render_pdf_page(scan: Scan, page: Page, target: Path) -> None:
    with _pdfium_lock:
        try:
            pdf = pdfium.PdfDocument(str(_file_path(scan)))
        except pdfium.PdfiumError as exc:
            raise SourceMissing(f"scan {scan.pk}: not a readable PDF ({exc})") from exc
        try:
            pdf_page = pdf[page.number - 1]
            w, h = pdf_page.get_size()
            image = pdf_page.render(scale=_pdf_scale(w, h)).to_pil()
            pdf_page.close()
        except pdfium.PdfiumError as exc:
            raise SourceMissing(f"scan {scan.pk}: page {page.number} cannot be drawn") from exc
        finally:
            pdf.close()
    image = image.convert("RGB")
    if image.size != (page.width, page.height):
        image = image.resize((page.width, page.height), Image.Resampling.LANCZOS)
    write_atomic(target, lambda tmp: image.save(tmp, format="PNG", optimize=False))
