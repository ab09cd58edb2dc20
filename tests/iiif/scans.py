"""Scans made in the test: Pillow-drawn page images and a small PDF, stored in MEDIA_ROOT."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from chancery.corpus import models

from ..factories import AgentFactory, CollectionFactory, DocumentFactory


def page_image(width: int, height: int, text: str, color=(245, 240, 225)) -> Image.Image:
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    for y in range(40, height - 40, 28):
        draw.line((40, y, width - 40, y), fill=(60, 60, 60), width=2)
    draw.rectangle((0, 0, width // 8, height // 8), fill=(200, 30, 30))  # mark the top left
    draw.text((50, 10), text, fill=(0, 0, 0))
    return image


def image_bytes(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def pdf_bytes(pages: int = 2) -> bytes:
    """A PDF of ``pages`` A5-ish pages (Pillow writes 72 dpi: 420×595 pt)."""
    images = [page_image(420, 595, f"PDF page {n + 1}", (255, 255, 255)) for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=72)
    return out.getvalue()


def add_scan(document, name: str, data: bytes, label: str = "", position: int = 0):
    scan = models.Scan(document=document, label=label, position=position)
    scan.file.save(name, ContentFile(data), save=True)
    return scan


def scanned_document(**kwargs) -> models.Document:
    """A published telegram in a collection, with a JPEG, a PNG and a two-page PDF."""
    collection = kwargs.pop("collection", None) or CollectionFactory(
        title="Embassy telegrams", slug="embassy-telegrams"
    )
    repository = models.Repository.objects.get_or_create(
        slug="nara", defaults={"name": "National Archives and Records Administration",
                               "location": "College Park, MD"}
    )[0]  # fmt: skip
    rights = models.Rights.objects.get_or_create(
        slug="public-domain",
        defaults={"name": "Public domain",
                  "url": "http://creativecommons.org/publicdomain/mark/1.0/"},
    )[0]  # fmt: skip
    defaults = {
        "public_id": "frus1958v03/d12",
        "title": "Telegram From the Embassy in Moscow to the Department of State",
        "date": "1958-09-27",
        "source": "RG 59, Central Files, 611.61/9-2758",
        "collections": [collection],
    }
    defaults.update(kwargs)
    doc = DocumentFactory(**defaults)
    doc.rights = rights
    doc.save()
    doc.repositories.set([repository])
    doc.creators.set([AgentFactory(name="Thompson, Llewellyn E.", slug="thompson")])
    add_scan(doc, "telegram-p1.jpg", image_bytes(page_image(1600, 2200, "Page 1"), "JPEG"),
             "Page 1", 0)  # fmt: skip
    add_scan(doc, "telegram-p2.png", image_bytes(page_image(800, 1100, "Page 2"), "PNG"),
             "Page 2", 1)  # fmt: skip
    add_scan(doc, "enclosure.pdf", pdf_bytes(2), "Enclosure", 2)
    return doc
