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
