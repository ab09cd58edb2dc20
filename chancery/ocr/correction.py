"""An editor corrects a page's machine-read text line by line, beside the page image.

Saving makes the corrected page a human transcript of its document (one per page, labelled
"Page N of SCAN, corrected from machine-read text"), saved as an attributed version of the
document (django-reversion, chancery/versions: who, when, the public note, History with a
word-by-word diff, revert). A change to a published document by someone who may not publish
waits for review, as any edit does. What the machine read stays as it was; the page is
marked corrected (its lines as corrected, by whom, when, the transcript) and leaves the
"machine-read text" search layer: its words are found in the transcript, a human layer.
"""

from __future__ import annotations

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from chancery.corpus import models as m
from chancery.versions import context, history

from .models import MachineText

#: Longest corrected line kept (a line of a page, not a text).
MAX_LINE = 2000


def machine_lines(text: MachineText) -> list[str]:
    """Each line as the machine read it (its words joined by spaces)."""
    return [" ".join(w["text"] for w in line.get("words", [])) for line in text.lines]


def current_lines(text: MachineText) -> list[str]:
    """The lines as they stand: corrected if an editor corrected them, else as read."""
    read = machine_lines(text)
    if text.corrected_lines and len(text.corrected_lines) == len(read):
        return list(text.corrected_lines)
    return read


def label(text: MachineText) -> str:
    scan = text.scan.label or f"scan {text.scan.position + 1}"
    return f"Page {text.page} of {scan}, corrected from machine-read text"[:200]


def as_html(lines: list[str]) -> str:
    """One paragraph per line (a line break between them); empty lines left out."""
    return "\n".join(f"<p>{escape(line)}</p>" for line in lines if line.strip())


def save_correction(text: MachineText, lines: list[str], user, note: str = "", held=None):
    """Save ``lines`` as the page's transcript, a version of its document by ``user``.

    ``held(document) -> bool`` says whether the change waits for review (the document
    admin's rule); then the caller's ``hold`` puts the public record back. Returns the
    transcript and whether it was held."""
    doc = text.scan.document
    is_held = bool(held and held(doc))
    with transaction.atomic():
        history.ensure_baseline(doc)
        # marked corrected first: the document is indexed as it is saved, page left out
        MachineText.objects.filter(pk=text.pk).update(
            corrected_lines=lines, corrected_at=timezone.now(), corrected_by=user
        )
        state = "pending" if is_held else "applied"
        info = context.revision_info(event="correct", note=note, state=state)
        with info, reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(f"Corrected the machine-read text: {label(text)}")
            transcript = text.transcript
            if transcript is None or transcript.document_id != doc.pk:
                transcript = m.Transcript(
                    document=doc,
                    label=label(text),
                    position=1000 + text.scan.position * 1000 + text.page,
                    language=doc.languages.order_by("pk").first(),
                )
            transcript.html = as_html(lines)
            transcript.save()
            doc.save()  # the record changed: a version of it, its text layers with it
        if transcript.pk is not None and not is_held:
            MachineText.objects.filter(pk=text.pk).update(transcript=transcript)
    text.refresh_from_db()
    return transcript, is_held
