"""The search app's own table: equivalent forms of names, for query expansion.

Rows come from three places, each under its own ``group`` prefix so each can be rebuilt
alone: the shipped, editable table ``chancery/search/data/variants.tsv`` ("t:…"), and
every Person/Organisation (``Agent``) or ``Place`` that has variant names ("a:…", "p:…").
The corpus stays the authority; this table is derived and rebuilt by ``chancery reindex``.
"""

from django.db import models


class NameForm(models.Model):
    """One form of a name; forms sharing a ``group`` are searched for one another."""

    group = models.CharField(max_length=40, db_index=True)
    name = models.CharField(max_length=300)
    #: ``analysis.fold_key`` of the name: what query words are compared with.
    key = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=20, blank=True, help_text="person, place, other")
    note = models.CharField(max_length=200, blank=True, help_text="e.g. Wade-Giles, BGN")

    class Meta:
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.group})"
