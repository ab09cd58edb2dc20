"""Who made each version, why, and where it stands in review.

django-reversion keeps the versions themselves (a ``Revision`` groups the ``Version`` rows
of one change: a document with its text layers, scans and memberships); these models add
what an archive needs on top: the import that made a revision, the editor's public note,
the review state of a change, comments, and the collections an account may work in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from reversion.models import Revision


class ImportSource(models.Model):
    """A named import run (``chancery import … --as NAME``): the file and its checksum."""

    name = models.CharField(max_length=200, help_text="Who or what ran it (--as NAME).")
    file = models.CharField(max_length=500, help_text="The file's name as given.")
    sha256 = models.CharField("SHA-256", max_length=64)
    format = models.CharField(max_length=20)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "import run"

    def __str__(self) -> str:
        return f"{self.name}: {self.file} (sha256 {self.sha256[:12]}…)"


class RevisionInfo(models.Model):
    """What reversion's Revision lacks: the import, the public note, the review state."""

    APPLIED, PENDING, APPROVED, REJECTED = "applied", "pending", "approved", "rejected"
    #: a change held for review is "pending"; when a reviewer publishes it, it becomes
    #: "approved" and the publication itself is a new, applied version; or "rejected"
    STATES = [
        (APPLIED, "Applied"),
        (PENDING, "Awaiting review"),
        (APPROVED, "Approved (published as a later version)"),
        (REJECTED, "Returned to the editor"),
    ]

    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, related_name="info")
    source = models.ForeignKey(
        ImportSource, null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    note = models.CharField(
        "public note",
        max_length=300,
        blank=True,
        help_text="Shown to readers on the record page, e.g. 'date corrected'.",
    )
    state = models.CharField(max_length=10, choices=STATES, default=APPLIED)
    event = models.CharField(max_length=40, blank=True)  # edit, import, publish, revert …

    def __str__(self) -> str:
        return f"revision {self.revision_id} ({self.state})"

    @property
    def author(self) -> str:
        if self.source is not None:
            return f"import {self.source.name}"
        user = self.revision.user
        return user.get_username() if user else "unknown"


class ReviewComment(models.Model):
    """A comment in a document's review: a submission, a request for changes, a note."""

    document = models.ForeignKey(
        "corpus.Document", on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [
            ("submit_document", "Can submit documents for review"),
            ("publish_document", "Can publish and unpublish documents"),
            ("revert_version", "Can revert to an earlier version"),
        ]

    def __str__(self) -> str:
        return f"{self.action or 'comment'} on {self.document_id}"


class CollectionScope(models.Model):
    """The collections (and everything below them) an account may edit; none: all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collection_scope"
    )
    collections = models.ManyToManyField("corpus.Collection", related_name="+")

    def __str__(self) -> str:
        return f"scope of {self.user}"
