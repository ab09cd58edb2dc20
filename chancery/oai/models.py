"""What OAI-PMH must remember that the corpus forgets: records that were withdrawn."""

from django.db import models


class Tombstone(models.Model):
    """A once-published document that was deleted or unpublished (``deletedRecord=persistent``).

    Harvesters that copied the record learn of its withdrawal from a header with
    ``status="deleted"``; the row goes away when the document is published again.
    """

    identifier = models.CharField(
        max_length=200, unique=True, help_text="The document's public id (local identifier)."
    )
    datestamp = models.DateTimeField(db_index=True, help_text="When it was withdrawn.")
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why, as the editors said it (the 410 page shows it)."
    )
    sets = models.TextField(
        blank=True,
        help_text="Its setSpecs when withdrawn, space-separated and space-padded "
        "(' a a:b ') so a set filter is a portable LIKE.",
    )

    class Meta:
        ordering = ["datestamp", "identifier"]

    def __str__(self) -> str:
        return f"{self.identifier} (withdrawn {self.datestamp:%Y-%m-%d})"

    @property
    def set_specs(self) -> list[str]:
        return self.sets.split()

    @staticmethod
    def pack_sets(specs) -> str:
        specs = sorted(set(specs))
        return f" {' '.join(specs)} " if specs else ""
