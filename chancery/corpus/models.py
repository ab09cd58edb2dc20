"""The data model of a documentary archive, after the Wilson Center Digital Archive.

A Document is described by authority records (subjects, places, people and organisations,
repositories …) and carries assets: translations, original-language transcripts, scans.
Only published documents are public; ``Document.objects.published()`` is the one gate.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .dates import DateError, decade_of, parse_date
from .hierarchy import collection_slug, move_subtree, remember_slug
from .names import script_of, sort_key
from .sanitize import clean_html, safe_url
from .text import strip_on_save
from .uploads import SafeFileField

if TYPE_CHECKING:  # a type only: corpus does not import web
    from chancery.web.reading import Provenance

M = TypeVar("M", bound=models.Model)


def unique_slug(instance: models.Model, text: str, field: str = "slug") -> str:
    """A slug for ``text`` not yet used by another row of the same model."""
    base = slugify(text, allow_unicode=False)[:80] or "item"
    slug, n = base, 2
    model = type(instance)
    while model._default_manager.filter(**{field: slug}).exclude(pk=instance.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Derived(models.Model):
    """A row whose ``save()`` derives some of its fields from the others.

    :meth:`prepare` sets them, without a query: ``save()`` calls it, and so does an
    importer that writes with ``bulk_create`` (which calls no ``save()``), through
    :func:`as_saved`, so the two ways of writing a row cannot drift apart.
    """

    class Meta:
        abstract = True

    def prepare(self) -> None:
        """Set the fields ``save()`` derives (each model adds its own, then calls super)."""

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)


def as_saved(obj: M) -> M:
    """``obj`` as its ``save()`` and the ``pre_save`` receiver would leave it before the
    insert: for a ``bulk_create``, which does neither."""
    if isinstance(obj, Derived):
        obj.prepare()
    strip_on_save(type(obj), obj)
    return obj


class Named(Derived):
    """A record known and listed by its name."""

    name = models.CharField(max_length=300)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Authority(Named):
    """A named, slugged term a document can be described by."""

    slug = models.SlugField(max_length=100, unique=True, blank=True)

    class Meta(Named.Meta):
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class Language(models.Model):
    """A language, keyed by its ISO 639-2/B code ("rus", "chi", "ger")."""

    code = models.CharField("ISO 639-2/B code", max_length=3, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if not (len(self.code) == 3 and self.code.isascii() and self.code.islower()):
            raise ValidationError({"code": "Use a three-letter ISO 639-2/B code, e.g. 'rus'."})

    @property
    def bcp47(self) -> str:
        """The tag for HTML ``lang`` attributes."""
        return ISO639_2B_TO_BCP47.get(self.code, self.code)


#: ISO 639-2/B codes whose HTML language tag differs (the two-letter 639-1 code).
ISO639_2B_TO_BCP47 = {
    "eng": "en", "rus": "ru", "chi": "zh", "ger": "de", "fre": "fr", "spa": "es",
    "jpn": "ja", "kor": "ko", "pol": "pl", "cze": "cs", "hun": "hu", "rum": "ro",
    "bul": "bg", "ita": "it", "por": "pt", "vie": "vi", "alb": "sq", "ara": "ar",
    "per": "fa", "heb": "he", "ukr": "uk", "srp": "sr", "hrv": "hr", "mon": "mn",
}  # fmt: skip


class Subject(Authority):
    description = models.TextField(blank=True)

    def get_absolute_url(self) -> str:
        return reverse("web:subject", args=[self.slug])


class Place(Authority):
    """A place, in a hierarchy (World → Asia → East Asia → China → Xinjiang)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    sort_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    geonames = models.CharField("GeoNames ID", max_length=20, blank=True)
    wikidata = models.CharField("Wikidata ID", max_length=20, blank=True)
    sources = models.TextField(blank=True, help_text="Where the name and identifiers come from.")

    class Meta(Authority.Meta):
        ordering = ["sort_key", "name"]

    def get_absolute_url(self) -> str:
        return reverse("web:place", args=[self.slug])

    def prepare(self) -> None:
        super().prepare()
        self.sort_key = sort_key(self.name, "place")[:300]

    def identifiers(self) -> list[tuple[str, str, str]]:
        """(scheme, id, URL) of every external identifier recorded."""
        return identifier_links(self, ["geonames", "wikidata"])

    def clean(self):
        check_identifiers(self)
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": "A place cannot sit inside itself."})
            seen.add(node.pk)
            node = node.parent


class Agent(Authority):
    """A person or an organisation: creator, contributor or named in a document."""

    PERSON, ORGANISATION = "person", "organisation"
    kind = models.CharField(
        max_length=20,
        choices=[(PERSON, "Person"), (ORGANISATION, "Organisation")],
        default=PERSON,
    )
    dates = models.CharField(
        "dates of existence", max_length=100, blank=True, help_text="e.g. '1838–1905'"
    )
    description = models.TextField(blank=True)
    sort_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    sources = models.TextField(blank=True, help_text="Where the name and description come from.")
    wikidata = models.CharField("Wikidata ID", max_length=20, blank=True)
    viaf = models.CharField("VIAF ID", max_length=30, blank=True)
    lcnaf = models.CharField("LCNAF ID", max_length=30, blank=True)

    class Meta(Authority.Meta):
        verbose_name = "person or organisation"
        verbose_name_plural = "people and organisations"
        ordering = ["sort_key", "name"]

    def get_absolute_url(self) -> str:
        return reverse("web:person", args=[self.slug])

    def prepare(self) -> None:
        super().prepare()
        self.sort_key = sort_key(self.name, self.kind)[:300]

    def clean(self):
        check_identifiers(self)

    def identifiers(self) -> list[tuple[str, str, str]]:
        """(scheme, id, URL) of every external identifier recorded."""
        return identifier_links(self, ["wikidata", "viaf", "lcnaf"])


#: External identifier field -> (label, pattern, URL template).
IDENTIFIERS = {
    "wikidata": ("Wikidata", r"Q[1-9]\d*", "https://www.wikidata.org/wiki/{}"),
    "viaf": ("VIAF", r"[1-9]\d*", "https://viaf.org/viaf/{}"),
    "lcnaf": ("LCNAF", r"n[bors]?\d+", "https://id.loc.gov/authorities/names/{}"),
    "geonames": ("GeoNames", r"[1-9]\d*", "https://www.geonames.org/{}"),
}


def identifier_links(record, names: list[str]) -> list[tuple[str, str, str]]:
    return [
        (IDENTIFIERS[n][0], getattr(record, n), IDENTIFIERS[n][2].format(getattr(record, n)))
        for n in names
        if getattr(record, n)
    ]


def check_identifiers(record) -> None:
    errors = {}
    for name, (label, pattern, _url) in IDENTIFIERS.items():
        value = getattr(record, name, "")
        if value and not re.fullmatch(pattern, value):
            errors[name] = f"Not a {label} identifier: {value!r}."
    if errors:
        raise ValidationError(errors)


class NameVariant(Named):
    """Another form of a name: a spelling, a romanisation, a script, a former name."""

    note = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'Wade-Giles', 'Cyrillic', 'until 1924'"
    )
    script = models.CharField(
        max_length=4, blank=True, help_text="ISO 15924 code ('Latn', 'Hani'); set from the name."
    )
    scheme = models.CharField(
        max_length=100, blank=True, help_text="Romanisation or source: 'Wade-Giles', 'GeoNames'."
    )

    class Meta(Named.Meta):
        abstract = True

    def prepare(self) -> None:
        super().prepare()
        self.script = self.script or script_of(self.name)


class AgentVariant(NameVariant):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="variants")


class PlaceVariant(NameVariant):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="variants")


class Office(models.Model):
    """A role or office a person held: 'Minister to China, 1898–1905' (ISAAR 5.2.5)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="offices")
    title = models.CharField(max_length=500)
    dates = models.CharField(max_length=100, blank=True, help_text="e.g. '1898–1905', '1919'")
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.title}, {self.dates}" if self.dates else self.title


class AgentRelation(models.Model):
    """A relation between two people or organisations (ISAAR(CPF) 5.3; EAC-CPF
    ``cpfRelation``): what ``other`` is to ``agent``, e.g. Hay → Department of State,
    ``hierarchical-parent`` (he served in it). The other record shows it inverted."""

    #: EAC-CPF 2010 cpfRelationType -> (phrase from the agent's side, inverse type).
    TYPES = {
        "identity": ("Same as", "identity"),
        "hierarchical": ("Hierarchical relation with", "hierarchical"),
        "hierarchical-parent": ("Subordinate to", "hierarchical-child"),
        "hierarchical-child": ("Superior of", "hierarchical-parent"),
        "temporal": ("Temporal relation with", "temporal"),
        "temporal-earlier": ("Successor of", "temporal-later"),
        "temporal-later": ("Predecessor of", "temporal-earlier"),
        "family": ("Family relation with", "family"),
        "associative": ("Associated with", "associative"),
    }
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="relations")
    other = models.ForeignKey(
        Agent, on_delete=models.CASCADE, related_name="inverse_relations",
        verbose_name="related person or organisation",
    )  # fmt: skip
    relation_type = models.CharField(
        max_length=20, choices=[(k, k) for k in TYPES], default="associative",
        help_text="EAC-CPF cpfRelationType: what the related record is to this one.",
    )  # fmt: skip
    dates = models.CharField(max_length=100, blank=True, help_text="e.g. '1898–1905'")
    description = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["relation_type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "other", "relation_type"], name="one_agent_relation"
            ),
            models.CheckConstraint(
                condition=~models.Q(agent=models.F("other")), name="agent_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} – {self.relation_type} – {self.other}"

    def clean(self):
        if self.agent_id and self.agent_id == self.other_id:
            raise ValidationError({"other": "A record cannot be related to itself."})

    @property
    def phrase(self) -> str:
        return self.TYPES[self.relation_type][0]

    def inverse_type(self) -> str:
        return self.TYPES[self.relation_type][1]


class AuthorityReview(models.Model):
    """Two records reconciliation could not tell apart: an editor merges or rejects."""

    OPEN, MERGED, REJECTED = "open", "merged", "rejected"
    status = models.CharField(
        max_length=10,
        choices=[(OPEN, "To review"), (MERGED, "Merged"), (REJECTED, "Kept apart")],
        default=OPEN,
        db_index=True,
    )
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    # each concrete review has these two foreign keys, to its kind of record (review_links)
    record: Authority
    candidate: Authority

    class Meta:
        abstract = True
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["record", "candidate"], name="one_%(class)s")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} = {self.record}?"


def review_links(kind: type[Authority]) -> tuple[models.ForeignKey, models.ForeignKey]:
    """A review's two foreign keys to its kind of record: the record (whose ``reviews``
    they are) and the candidate it may be the same as."""
    return (
        models.ForeignKey(kind, on_delete=models.CASCADE, related_name="reviews"),
        models.ForeignKey(kind, on_delete=models.CASCADE, related_name="+"),
    )


class AgentReview(AuthorityReview):
    record, candidate = review_links(Agent)

    class Meta(AuthorityReview.Meta):
        verbose_name = "person to review"
        verbose_name_plural = "people to review"


class PlaceReview(AuthorityReview):
    record, candidate = review_links(Place)

    class Meta(AuthorityReview.Meta):
        verbose_name = "place to review"
        verbose_name_plural = "places to review"


class AuthorityRedirect(models.Model):
    """The address of a record merged into another: it redirects there permanently."""

    old_slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        abstract = True

    @property
    def target(self) -> Authority:
        """The record the old address now leads to (each kind's own foreign key)."""
        raise NotImplementedError

    def __str__(self) -> str:
        return f"{self.old_slug} -> {self.target.slug}"


class AgentRedirect(AuthorityRedirect):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="redirects")

    @property
    def target(self) -> Agent:
        return self.agent


class PlaceRedirect(AuthorityRedirect):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="redirects")

    @property
    def target(self) -> Place:
        return self.place


class LinkedAuthority(Authority):
    """An authority with a web address, shown as a link."""

    url = models.URLField(blank=True)

    class Meta(Authority.Meta):
        abstract = True

    def prepare(self) -> None:
        super().prepare()
        self.url = safe_url(self.url)  # rendered as a link: no javascript: from an import


class Repository(LinkedAuthority):
    """The archive that holds the original."""

    location = models.CharField(max_length=200, blank=True)

    class Meta(Authority.Meta):
        verbose_name_plural = "repositories"

    def get_absolute_url(self) -> str:
        return reverse("web:repository", args=[self.slug])


class Publisher(Authority):
    pass


class DocumentType(Authority):
    class Meta(Authority.Meta):
        verbose_name = "type"


class Rights(LinkedAuthority):
    text = models.TextField(blank=True)

    class Meta(Authority.Meta):
        verbose_name_plural = "rights"


class Classification(Authority):
    pass


class Donor(Authority):
    pass


class Collection(Derived):
    """A group of documents with an editorial introduction; collections nest.

    Described as an archival unit (ISAD(G)/EAD): a level of description, an identifier,
    dates, extent, scope and content, arrangement and a finding aid. ``path`` is the chain
    of primary keys from the root ("/3/17/"), kept by :meth:`save`, so that a subtree is
    one ``path__startswith`` (counts roll up in one query: ``corpus/hierarchy.py``).
    """

    LEVELS = [
        ("collection", "Collection"),
        ("fonds", "Fonds"),
        ("subfonds", "Sub-fonds"),
        ("series", "Series"),
        ("subseries", "Sub-series"),
        ("file", "File"),
        ("item", "Item"),
        ("volume", "Volume (publication)"),
        ("chapter", "Chapter (publication)"),
    ]

    # long enough for the longest printed chapter headings (FRUS runs to 350 characters)
    title = models.CharField(max_length=1000)
    printed_title = models.CharField(
        max_length=1000, blank=True, help_text="The title as the source prints it, if different."
    )
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    identifier = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="e.g. 'frus1901China', 'RG 59'."
    )
    level = models.CharField("level of description", max_length=20, choices=LEVELS, blank=True)
    dates = models.CharField(max_length=100, blank=True, help_text="e.g. '1900–1901'.")
    extent = models.CharField(max_length=200, blank=True, help_text="e.g. '3 boxes', '812 pages'.")
    scope_content = models.TextField("scope and content", blank=True)
    arrangement = models.TextField(blank=True)
    finding_aid_url = models.URLField("finding aid URL", blank=True, max_length=500)
    short_description = models.CharField(max_length=500, blank=True)
    introduction = models.TextField(blank=True, help_text="Editorial introduction (HTML).")
    image = SafeFileField(upload_to="collections/", kinds="image", blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    path = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    # A printed volume (a FRUS volume): what citations of the documents printed in it name.
    series = models.CharField("series title", max_length=300, blank=True)
    short_title = models.CharField(
        max_length=300,
        blank=True,
        help_text="The printed volume's short title, as a citation names it ('Foreign Relations "
        "of the United States, 1901, Appendix: Affairs in China'); empty: the title.",
    )
    editors = models.TextField(
        blank=True, help_text="Editors of the printed volume, one a line, as 'Family, Given'."
    )
    pub_place = models.CharField("place of publication", max_length=200, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    pub_year = models.CharField("year of publication", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "identifier", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = collection_slug(self)
        elif self.pk:
            remember_slug(self)
        with transaction.atomic():  # the row and its subtree's paths move together
            super().save(*args, **kwargs)
            move_subtree(self)

    def prepare(self) -> None:
        """Its cleaned introduction and link; its path, which needs its parent's, is set
        after the insert (``move_subtree``; an importer: :func:`.hierarchy.path_below`)."""
        super().prepare()
        self.introduction = clean_html(self.introduction)  # rendered as HTML (collection.html)
        self.finding_aid_url = safe_url(self.finding_aid_url)  # rendered as a link

    def get_absolute_url(self) -> str:
        return reverse("web:collection", args=[self.slug])

    def ancestors(self) -> list[Collection]:
        """From the root down to the parent, in one query (by ``path``)."""
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1] if self.path else []
        if not ids and self.parent_id is None:
            return []
        if not ids:  # a row saved before paths existed: walk
            chain: list[Collection] = []
            node = self.parent
            while node is not None and node not in chain:
                chain.insert(0, node)
                node = node.parent
            return chain
        found = {c.pk: c for c in Collection.objects.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    @property
    def is_edition(self) -> bool:
        """A printed volume: it names a publisher or a year of publication."""
        return bool(self.publisher or self.pub_year)

    def edition(self) -> Collection | None:
        """The printed volume this collection is (or is part of), if any."""
        return next((c for c in [self, *reversed(self.ancestors())] if c.is_edition), None)

    @property
    def editor_names(self) -> list[str]:
        return [line.strip() for line in self.editors.splitlines() if line.strip()]

    def clean(self):
        if self.pk and self.parent_id:
            parent = Collection.objects.filter(pk=self.parent_id).values_list("path", flat=True)
            if self.parent_id == self.pk or f"/{self.pk}/" in (parent.first() or ""):
                raise ValidationError({"parent": "A collection cannot sit inside itself."})


class CollectionSlug(models.Model):
    """A slug a collection had before: its old address redirects to the new one."""

    slug = models.SlugField(max_length=100, unique=True)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="old_slugs")

    def __str__(self) -> str:
        return self.slug


class DocumentQuerySet(models.QuerySet):
    def published(self) -> DocumentQuerySet:
        return self.filter(status=Document.PUBLISHED)

    def with_listing(self) -> DocumentQuerySet:
        """What a list of hits shows, in a bounded number of queries."""
        return self.select_related("doc_type")

    def with_descriptions(self) -> DocumentQuerySet:
        """Its type, rights, authorities and collections, in a fixed number of queries: what
        the metadata formats (OAI, IIIF, citations) show."""
        return self.select_related("doc_type", "rights").prefetch_related(
            *DESCRIPTIONS,
            models.Prefetch("membership_set", Membership.objects.select_related("collection")),
        )

    def with_record(self) -> DocumentQuerySet:
        """Everything a document's page and its API views show (descriptions, texts, scans,
        published related documents), in a fixed number of queries."""
        # Its few related documents and attachments found by their link, then sorted: the
        # status read through COALESCE, or SQLite walks the (status, date) index over every
        # published document instead (a second at 200,000 documents).
        status = models.functions.Coalesce("status", models.Value(""))
        published = Document.objects.alias(shown=status).filter(shown=Document.PUBLISHED)
        return (
            self.with_descriptions()
            .select_related("attached_to")
            .prefetch_related(
                models.Prefetch("translations", Translation.objects.select_related("language")),
                models.Prefetch("transcripts", Transcript.objects.select_related("language")),
                "scans",
                models.Prefetch("related", published),
                models.Prefetch("attachments", published),
            )
        )


#: The Document fields holding its authorities, each a list (see :mod:`.authorities`).
DESCRIPTIONS = (
    "classifications", "donors", "subjects", "places", "languages", "creators", "contributors",
    "people", "repositories", "publishers",
)  # fmt: skip


class Document(Derived):
    """One primary-source document and its description."""

    DRAFT, REVIEW, PUBLISHED = "draft", "review", "published"

    public_id = models.CharField(
        "public id",
        max_length=200,
        unique=True,
        help_text="Stable public identifier, e.g. 'frus1918Russiav03/d12' or '119955'.",
    )
    title = models.TextField()
    summary = models.TextField(blank=True, help_text="A one-paragraph description.")
    date = models.CharField(
        max_length=100,
        blank=True,
        help_text="As the source gives it: '1958', 'c. September 1958', "
        "'1951-12-24/1952-01-03' or 'July 25, 1978'. Stored as EDTF.",
    )
    date_display = models.CharField(max_length=150, blank=True, editable=False)
    date_earliest = models.DateField(null=True, blank=True, editable=False, db_index=True)
    date_latest = models.DateField(null=True, blank=True, editable=False, db_index=True)
    date_approximate = models.BooleanField(default=False, editable=False)
    decade = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number = models.CharField(
        "document number",
        max_length=40,
        blank=True,
        help_text="Its number in the printed volume it comes from ('10').",
    )
    page_start = models.CharField("first printed page", max_length=20, blank=True)
    page_end = models.CharField("last printed page", max_length=20, blank=True)
    source = models.TextField(
        "source citation", blank=True, help_text="Archive, fond, opis, delo, pages; file numbers."
    )
    doc_type = models.ForeignKey(
        DocumentType, verbose_name="type", null=True, blank=True, on_delete=models.SET_NULL
    )
    rights = models.ForeignKey(Rights, null=True, blank=True, on_delete=models.SET_NULL)
    classifications = models.ManyToManyField(Classification, blank=True)
    donors = models.ManyToManyField(Donor, blank=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="documents")
    places = models.ManyToManyField(Place, blank=True, related_name="documents")
    languages = models.ManyToManyField(
        Language, blank=True, related_name="documents", help_text="Languages of the original."
    )
    creators = models.ManyToManyField(Agent, blank=True, related_name="created_documents")
    contributors = models.ManyToManyField(Agent, blank=True, related_name="contributed_documents")
    people = models.ManyToManyField(
        Agent, blank=True, related_name="mentioned_in", help_text="People and bodies named."
    )
    repositories = models.ManyToManyField(Repository, blank=True, related_name="documents")
    publishers = models.ManyToManyField(Publisher, blank=True)
    collections = models.ManyToManyField(
        Collection, through="Membership", blank=True, related_name="documents"
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    attached_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
        help_text="The document this one is attached to (an enclosure).",
    )
    status = models.CharField(
        max_length=10,
        choices=[(DRAFT, "Draft"), (REVIEW, "In review"), (PUBLISHED, "Published")],
        default=DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()
    #: Not a column: where a listed document sits (volume or collection path, number, pages),
    #: set on hits, basket and export rows by ``chancery.web.reading.add_provenance``.
    provenance: Provenance

    class Meta:
        ordering = ["date_earliest", "public_id"]
        indexes = [
            models.Index(fields=["status", "date_earliest"]),
            # OAI-PMH pages by (datestamp, id) keyset: a range scan instead of a sort.
            models.Index(fields=["status", "updated_at", "public_id"], name="document_datestamp"),
            # The newest-documents feed and the home page's "recently published".
            models.Index(fields=["status", "published_at"], name="document_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:document", args=[self.public_id])

    @property
    def pages(self) -> str:
        """The printed pages: 'p. 15', 'pp. 15–16' or ''."""
        if not self.page_start:
            return ""
        if self.page_end and self.page_end != self.page_start:
            return f"pp. {self.page_start}\u2013{self.page_end}"
        return f"p. {self.page_start}"

    @property
    def is_published(self) -> bool:
        return self.status == self.PUBLISHED

    def clean(self):
        if "//" in self.public_id or self.public_id.strip("/") != self.public_id:
            raise ValidationError({"public_id": "No leading, trailing or double slashes."})
        if self.date:
            try:
                parse_date(self.date)
            except DateError as exc:
                raise ValidationError({"date": str(exc)}) from exc

    def apply_date(self) -> None:
        """Derive display form, range and decade from ``date`` (DateError if unreadable)."""
        if not self.date.strip():
            self.date_display, self.date_earliest, self.date_latest = "", None, None
            self.date_approximate, self.decade = False, None
            return
        parsed = parse_date(self.date)
        self.date = parsed.edtf
        self.date_display = parsed.display
        self.date_earliest, self.date_latest = parsed.earliest, parsed.latest
        self.date_approximate = parsed.approximate
        self.decade = decade_of(parsed.earliest.year)

    def prepare(self) -> None:
        """Its date's forms (DateError if unreadable) and, published, when it was."""
        super().prepare()
        self.apply_date()
        if self.status == self.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()


class Membership(models.Model):
    """A document's place in a collection (its order there, for previous/next)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    document = models.ForeignKey(Document, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "document"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.document} in {self.collection}"


class Asset(Derived):
    """A file or text belonging to a document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="%(class)ss")
    label = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label or f"{type(self).__name__} of {self.document.public_id}"


class TextAsset(Asset):
    """A text layer: HTML (sanitised on save) and/or a file such as a PDF."""

    language = models.ForeignKey(Language, null=True, blank=True, on_delete=models.SET_NULL)
    html = models.TextField(blank=True, help_text="The text as HTML; unsafe markup is removed.")
    file = SafeFileField(upload_to="texts/", kinds="pdf", blank=True, help_text="A PDF.")

    class Meta(Asset.Meta):
        abstract = True

    def prepare(self) -> None:
        super().prepare()
        self.html = clean_html(self.html)


class Translation(TextAsset):
    translator = models.CharField(
        max_length=300, blank=True, help_text="Who translated it ('Family, Given' for a person)."
    )


class Transcript(TextAsset):
    """The text in its original language."""


class Scan(Asset):
    """An image or PDF of the original."""

    file = SafeFileField(
        upload_to="scans/", help_text="An image (JPEG, PNG, TIFF, WebP, GIF) or a PDF."
    )

    @property
    def is_image(self) -> bool:
        return (
            (self.file.name or "")
            .lower()
            .endswith((".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff"))
        )
