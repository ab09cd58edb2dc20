"""Uploaded files: accepted by what they contain, stored under names nobody can guess.

A scan, a text's PDF or a collection's picture is judged by its bytes, never by its name or
the browser's content type: its magic bytes say which kind it claims to be (JPEG, PNG,
TIFF, WebP, GIF, PDF), then Pillow (``verify``) or PDFium (opening it) must agree. HTML, SVG
and anything else are refused with a message naming the file. Accepted files are stored as
``<folder>/<32 random hex digits>.<extension of the detected kind>``: the original name never
reaches the path, so the files of draft documents cannot be found by guessing.

:class:`SafeFileField` applies this on every path that stores a file (the admin's forms
through ``validate``, ``field_file.save(...)`` and model saves through its field file), and
:func:`check_bytes` serves importers that write to the storage themselves.
"""

from __future__ import annotations

import io
import threading
import uuid
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from PIL import Image, UnidentifiedImageError

#: PDFium is not thread-safe: every use in this process takes this lock.
PDFIUM_LOCK = threading.Lock()
#: How many bytes of a file :func:`sniff` reads.
HEAD = 64


@dataclass(frozen=True)
class Kind:
    name: str  # Pillow's format name, or "PDF"
    extension: str
    media_type: str


JPEG = Kind("JPEG", "jpg", "image/jpeg")
PNG = Kind("PNG", "png", "image/png")
TIFF = Kind("TIFF", "tif", "image/tiff")
WEBP = Kind("WEBP", "webp", "image/webp")
GIF = Kind("GIF", "gif", "image/gif")
PDF = Kind("PDF", "pdf", "application/pdf")
IMAGES = (JPEG, PNG, TIFF, WEBP, GIF)
SCAN_KINDS = (*IMAGES, PDF)

_MAGIC = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
)


def sniff(head: bytes) -> Kind | None:
    """The kind a file's first bytes claim (None for anything else: HTML, SVG, text …)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def _describe(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) or b"<svg" in text:
        return "it looks like SVG or XML"
    if text.startswith(b"<"):
        return "it looks like HTML"
    return "its content is of no kind accepted here"


def _names(kinds) -> str:
    return ", ".join(k.name for k in kinds)


def identify(content, allowed=SCAN_KINDS, name: str = "") -> Kind:
    """The kind of ``content`` (a file object), or ValidationError saying why it is refused."""
    label = f"“{name}”" if name else "The file"
    size = _size(content)
    if size > max_bytes():
        raise ValidationError(
            f"{label} has {size:,} bytes; the limit is {max_bytes():,} (CHANCERY_UPLOAD_MAX_MB)."
        )
    content.seek(0)
    head = content.read(HEAD)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        why = _describe(head) if kind is None else f"it is a {kind.name} file"
        raise ValidationError(f"{label} is refused: {why}. Accepted: {_names(allowed)}.")
    content.seek(0)
    problem = _check_pdf(content) if kind is PDF else _check_image(content, kind)
    content.seek(0)
    if problem:
        raise ValidationError(f"{label} is refused: {problem}.")
    return kind


def _size(content) -> int:
    size = getattr(content, "size", None)
    if size is None:
        content.seek(0, io.SEEK_END)
        size = content.tell()
    return size


def _check_image(content, kind: Kind) -> str:
    try:
        with Image.open(content) as image:
            if image.format != kind.name:
                return f"its bytes begin like {kind.name} but Pillow reads {image.format}"
            pixels = image.width * image.height
            if pixels > settings.IMAGE_MAX_PIXELS:
                return (
                    f"it has {pixels:,} pixels; the limit is {settings.IMAGE_MAX_PIXELS:,} "
                    "(CHANCERY_IMAGE_MAX_PIXELS)"
                )
            image.verify()
    except Image.DecompressionBombError:
        return f"it has more than {settings.IMAGE_MAX_PIXELS:,} pixels"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return f"it is not a readable {kind.name} image ({exc})"
    return ""


def _check_pdf(content) -> str:
    data = content.read()
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            return f"it is not a readable PDF ({exc})"
        try:
            pages = len(pdf)
        finally:
            pdf.close()
    return "" if pages else "the PDF has no pages"


def check_bytes(data: bytes, allowed=SCAN_KINDS, name: str = "") -> Kind:
    """:func:`identify` for bytes in memory (importers)."""
    return identify(io.BytesIO(data), allowed, name)


def random_name(folder: str, kind: Kind) -> str:
    return f"{folder.rstrip('/')}/{uuid.uuid4().hex}.{kind.extension}"


class SafeFieldFile(FieldFile):
    field: SafeFileField

    def save(self, name, content, save=True):
        kind = identify(content, self.field.kinds, name=name)
        # upload_to is a plain folder: the random name goes straight below it.
        folder = self.field.upload_to
        if not isinstance(folder, str):
            raise TypeError(f"{self.field}: upload_to must name a folder, not {folder!r}")
        self.name = self.storage.save(
            random_name(folder, kind), content, max_length=self.field.max_length
        )
        setattr(self.instance, self.field.attname, self.name)
        self._committed = True
        if save:
            self.instance.save()

    save.alters_data = True  # type: ignore[attr-defined]  # Django's mark on a method


class SafeFileField(models.FileField):
    """A FileField that takes only the ``kinds`` it names, judged by content (see above)."""

    attr_class = SafeFieldFile

    def __init__(self, *args, kinds: str = "scan", **kwargs):
        self.kind_set = kinds
        super().__init__(*args, **kwargs)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return {"scan": SCAN_KINDS, "image": IMAGES, "pdf": (PDF,)}[self.kind_set]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.kind_set != "scan":
            kwargs["kinds"] = self.kind_set
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and not value._committed and value.file is not None:
            # The admin's forms: a ValidationError here is an error beside the field.
            identify(value.file, self.kinds, name=getattr(value.file, "name", "") or "")
