"""The machine-read text of one page of a scan."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chancery.corpus.models import Scan, Transcript

#: How the layer is labelled wherever a reader sees it.
LABEL = "machine-read text"


class MachineText(models.Model):
    """What Tesseract (or the PDF's own text layer) read on one page of a scan. Never a
    human transcript: shown and searched as "machine-read text", weighted below one.

    ``lines`` holds the layout, in pixels of the page image the IIIF canvas shows
    (``width`` x ``height``): ``[{"box": [x, y, w, h], "words": [{"text": "…",
    "box": [x, y, w, h], "conf": 0–100}, …]}, …]``.
    """

    OCR = "ocr"
    PDF = "pdf"
    SOURCES = [(OCR, "Tesseract OCR"), (PDF, "the PDF's text layer")]

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="machine_texts")
    page = models.PositiveIntegerField(help_text="1-based page of the scan.")
    source = models.CharField(max_length=3, choices=SOURCES, default=OCR)
    languages = models.CharField(
        max_length=60, blank=True, help_text="Tesseract languages used (eng+rus)."
    )
    text = models.TextField(blank=True)
    lines = models.JSONField(default=list, blank=True)
    confidence = models.FloatField(null=True, blank=True, help_text="Mean word confidence, 0–100.")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An editor's correction (ocr/correction.py): the page became a human transcript; what
    # the machine read above stays as it was.
    corrected_lines = models.JSONField(
        default=list, blank=True, help_text="The lines as an editor corrected them."
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transcript = models.ForeignKey(
        Transcript,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrected_pages",
        help_text="The human transcript the corrected page became.",
    )

    class Meta:
        ordering = ["scan", "page"]
        verbose_name = LABEL
        verbose_name_plural = LABEL
        constraints = [
            models.UniqueConstraint(fields=["scan", "page"], name="one_machine_text_per_page")
        ]

    def __str__(self) -> str:
        return f"Machine-read text of {self.scan}, page {self.page}"

    @property
    def is_corrected(self) -> bool:
        return self.corrected_at is not None

    def words(self):
        """Every word with its box: (text, [x, y, w, h], confidence, line index)."""
        for n, line in enumerate(self.lines):
            for word in line.get("words", []):
                yield word["text"], word["box"], word.get("conf"), n

    def shown_words(self):
        """The page's words as they stand: an editor's corrected words, each with the box of
        the word it replaced (the line's box when the line's word count changed), or the
        words as read."""
        if not (self.is_corrected and len(self.corrected_lines) == len(self.lines)):
            yield from self.words()
            return
        for n, (line, fixed) in enumerate(zip(self.lines, self.corrected_lines, strict=True)):
            read, words = line.get("words", []), fixed.split()
            for k, word in enumerate(words):
                box = read[k]["box"] if len(read) == len(words) else line["box"]
                yield word, box, None, n
