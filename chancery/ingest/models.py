"""What importers remember between runs: which source key made which record.

A TEI ``persName/@corresp`` ("frus1919Parisv01#p_HCEM1"), a chapter ``div`` or a Wilson-DA id
is not a field of the corpus model; this table maps it to the record it created, so that a
second import finds the same Person, Place or Collection instead of making a new one.
"""

from django.db import models


class SourceKey(models.Model):
    AGENT, PLACE, COLLECTION = "agent", "place", "collection"
    SCOPES = [(AGENT, "Person or organisation"), (PLACE, "Place"), (COLLECTION, "Collection")]

    scope = models.CharField(max_length=20, choices=SCOPES)
    key = models.CharField(max_length=300)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="one_source_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} -> {self.object_id}"


class ImportRun(models.Model):
    """One file being imported in batches (see chancery/ingest/staging.py).

    While ``state`` is "writing", the rows the run created are staged: its documents are
    drafts and the rest hidden from the public (corpus/visibility.py); a run whose process
    died is removed by the next import. "published": committed and public, its documents
    still being indexed (the next import finishes that).
    """

    WRITING, PUBLISHED = "writing", "published"

    source = models.CharField(max_length=300)
    state = models.CharField(max_length=10, default=WRITING)
    host = models.CharField(max_length=200)
    pid = models.IntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    touched_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import of {self.source} ({self.state})"


class StagedRow(models.Model):
    """A row (or stored file) an import run created, and a document's status to publish."""

    FILE = "file"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    model = models.CharField(max_length=100)  # "corpus.document", … or FILE
    object_id = models.BigIntegerField(null=True)  # its primary key, when a number
    name = models.CharField(max_length=500, blank=True)  # else its key, or the file's name
    status = models.CharField(max_length=10, blank=True)
    published_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"], name="staged_row")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id or self.name} (run {self.run_id})"
