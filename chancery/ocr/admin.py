"""Machine-read text in the admin: what was read on each page, and the correction page
(ocr/correction.py) where an editor corrects it line by line beside the page image."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from chancery.corpus import models as m

from . import correction
from .models import MachineText


@admin.register(MachineText)
class MachineTextAdmin(admin.ModelAdmin):
    list_display = ("scan", "page", "source", "languages", "confidence", "corrected", "correct")
    list_filter = ("source", ("corrected_at", admin.EmptyFieldListFilter))
    list_select_related = ("scan__document", "corrected_by")
    fields = readonly_fields = (
        "scan",
        "page",
        "source",
        "languages",
        "confidence",
        "width",
        "height",
        "text",
        "corrected",
        "correct",
    )
    search_fields = ("scan__document__public_id", "text")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="corrected")
    def corrected(self, obj: MachineText) -> str:
        if not obj.is_corrected:
            return "no"
        who = obj.corrected_by.get_username() if obj.corrected_by else "unknown"
        waiting = "" if obj.transcript_id else " (awaiting review)"
        return f"{obj.corrected_at:%Y-%m-%d %H:%M} by {who}{waiting}"

    @admin.display(description="correction")
    def correct(self, obj: MachineText) -> str:
        if not obj.lines:
            return ""
        url = reverse("admin:ocr_machinetext_correct", args=[obj.pk])
        return format_html('<a href="{}">Correct page {} line by line</a>', url, obj.page)

    def get_urls(self):
        return [
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="ocr_machinetext_correct",
            ),
            *super().get_urls(),
        ]

    # -- the correction page ------------------------------------------------------------
    def _document_admin(self):
        return self.admin_site._registry[m.Document]

    def correct_view(self, request, pk: int):
        text = get_object_or_404(
            MachineText.objects.select_related("scan__document", "transcript"), pk=pk
        )
        doc = text.scan.document
        documents = self._document_admin()
        if not (
            self.has_change_permission(request, text)
            and documents.has_change_permission(request, doc)
        ):
            raise PermissionDenied
        read = correction.machine_lines(text)
        if request.method == "POST":
            lines, problem = self._posted_lines(request, len(read))
            if problem:
                return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
            note = request.POST.get("public_note", "")[:300]
            transcript, held = correction.save_correction(
                text,
                lines,
                request.user,
                note=note,
                held=lambda d: documents.held_for_review(request, d),
            )
            if held:
                documents.hold(request, doc)
            else:
                messages.success(
                    request,
                    f"Saved: page {text.page} is now a transcript of {doc.public_id} "
                    "(a new version in its history).",
                )
            return HttpResponseRedirect(request.path)
        return TemplateResponse(request, "ocr/correct.html", self._context(request, text, read))

    @staticmethod
    def _posted_lines(request, count: int) -> tuple[list[str], str]:
        lines = []
        for n in range(1, count + 1):
            value = request.POST.get(f"line-{n}")
            if value is None:
                return [], f"line-{n} is missing: the form has {count} lines, one field each."
            value = " ".join(value.split())  # one line: no line breaks or runs of spaces
            if len(value) > correction.MAX_LINE:
                return [], f"line-{n} is longer than {correction.MAX_LINE} characters."
            lines.append(value)
        return lines, ""

    def _context(self, request, text: MachineText, read: list[str]) -> dict:
        doc = text.scan.document
        current = correction.current_lines(text)
        lines = []
        for n, (line, before, now) in enumerate(zip(text.lines, read, current, strict=True), 1):
            words = line.get("words", [])
            confs = [w["conf"] for w in words if w.get("conf") is not None]
            lines.append(
                {
                    "n": n,
                    "box": line.get("box") or [0, 0, 0, 0],
                    "read": before,
                    "value": now,
                    "confidence": round(min(confs)) if confs else None,
                }
            )
        size = "max" if text.width <= 1600 else "1600,"
        image = reverse(
            "iiif:image", args=[f"{text.scan_id}-{text.page}", "full", size, "0", "default", "jpg"]
        )
        return {
            **self.admin_site.each_context(request),
            "title": f"Correct page {text.page} of {doc.public_id}",
            "opts": self.model._meta,
            "text": text,
            "document": doc,
            "lines": lines,
            "image": image,
            "document_url": reverse("admin:corpus_document_change", args=[doc.pk]),
            "history_url": reverse("admin:corpus_document_history", args=[doc.pk]),
        }
