"""The collection tree: paths, slugs, clean titles and counts that roll up a subtree.

Every collection keeps ``path``, the primary keys from its root down to itself
("/3/17/42/"). A subtree is then ``path__startswith``, so "how many published documents are
in this collection and everything below it" is one correlated subquery per listed row, all
in the one query that lists them (:func:`with_totals`), never a walk in Python.
"""

from __future__ import annotations

import re

from django.db import connection, connections, router
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils.text import slugify

#: Words a title-cased heading keeps in lower case (not first).
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "by", "de", "del", "for", "from", "in", "into", "of",
    "on", "or", "the", "to", "with", "von", "van", "der", "la", "le", "du", "des", "y",
}  # fmt: skip
#: All-capital words that stay so (abbreviations, Roman numerals).
KEEP_UPPER = re.compile(r"^(?:[IVXLC]+|U\.?S\.?A?\.?|UN|USSR|NATO|[A-Z]\.)$")
TRAILING = " \t.,;:—–-"
#: A final full stop that belongs to an abbreviation ("Butte, Mont.", "U.S.", "etc.").
ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,3}|\b[A-Za-z]\.[A-Za-z.]*|\betc)\.$")
#: Words a slug drawn from a parent's title leaves out ("IV.—Miscellaneous correspondence").
SLUG_NOISE = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "part"} | SMALL_WORDS


def _title_word(word: str, first: bool) -> str:
    if KEEP_UPPER.match(word.strip("()[].,;:")) and len(word.strip("()[].,;:")) > 1:
        return word
    lowered = word.lower()
    if not first and lowered in SMALL_WORDS:
        return lowered
    # capitalise each part of "austria-hungary", "(continued)", "o'brien"
    return re.sub(r"(^|[-('’\"“])([a-zà-ÿ])", lambda m: m.group(1) + m.group(2).upper(), lowered)


def clean_title(printed: str) -> tuple[str, str]:
    """The title to show for a heading as printed, and the printed form if that differs.

    "FRANCE." -> ("France", "FRANCE."); "Correspondence:" -> ("Correspondence", ...);
    "Great Britain" -> ("Great Britain", ""). Only a title in capitals is re-cased.
    """
    text = " ".join(printed.split())
    title = text.rstrip(TRAILING.replace(".", ""))
    if title.endswith(".") and not ABBREVIATION.search(title):
        title = title[:-1].rstrip(TRAILING)
    title = re.sub(r"\s*(?:-{2,3}|—|–)\s*", " — ", title)  # "I.---PAPERS" -> "I. — PAPERS"
    if title.count("(") > title.count(")"):
        title += ")"
    letters = [c for c in title if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        title = " ".join(_title_word(w, i == 0) for i, w in enumerate(title.split(" ")))
    title = title or text
    return title, (text if text != title else "")


def _taken(model, slug: str, pk) -> bool:
    from .models import CollectionSlug

    return (
        model.objects.filter(slug=slug).exclude(pk=pk).exists()
        or CollectionSlug.objects.filter(slug=slug).exclude(collection_id=pk).exists()
    )


def collection_slug(coll, taken=None, record=None) -> str:
    """A readable slug: the identifier or title; under a parent, prefixed by the root's
    slug and then the parent's when the plain form is taken ("frus1870-france",
    "frus1870-franco-german-war-general"), a number only as the last resort.

    An importer that holds the collections and their slugs in memory passes ``taken``
    (slug -> bool) and ``record`` (pk -> collection or None) instead of the queries."""
    model = type(coll)
    if taken is None:
        taken = lambda slug: _taken(model, slug, coll.pk)  # noqa: E731
    if record is None:
        record = lambda pk: model.objects.filter(pk=pk).first()  # noqa: E731
    base = slugify(coll.identifier if coll.identifier and not coll.parent_id else coll.title)
    base = base[:80].strip("-") or "collection"
    candidates = [base]
    if coll.parent_id:
        parent = record(coll.parent_id)
        if parent is not None:
            root_id = int(parent.path.strip("/").split("/")[0]) if parent.path else parent.pk
            root = parent if root_id == parent.pk else record(root_id)
            words = [w for w in slugify(parent.title).split("-") if w not in SLUG_NOISE]
            prefixes = [root.slug if root is not None else parent.slug]
            if parent is not root and words:
                prefixes.append(f"{prefixes[0][:40]}-{'-'.join(words[:2])}")
            prefixes.append(parent.slug)
            candidates = [
                f"{prefix[: 99 - min(len(base), 60)].strip('-')}-{base[:60].strip('-')}"
                for prefix in dict.fromkeys(prefixes)
            ] + [base]
    for slug in candidates:
        if not taken(slug):
            return slug
    n = 2
    while taken(f"{candidates[0][:95]}-{n}"):
        n += 1
    return f"{candidates[0][:95]}-{n}"


def remember_slug(coll) -> None:
    """Before a slug changes, keep the old one so its address redirects."""
    from .models import CollectionSlug

    old = type(coll).objects.filter(pk=coll.pk).values_list("slug", flat=True).first()
    if old and old != coll.slug:
        CollectionSlug.objects.update_or_create(slug=old, defaults={"collection_id": coll.pk})
    CollectionSlug.objects.filter(slug=coll.slug).delete()  # the live slug wins


def path_below(parent: str | None, pk: int) -> str:
    """The path of collection ``pk`` under its parent's path: a root's without one, or
    when the parent's holds ``pk`` already (a cycle: kept out of the subtree). What
    :meth:`Collection.save` sets, and an importer writing in bulk."""
    if not parent or f"/{pk}/" in parent:
        parent = "/"
    return f"{parent}{pk}/"


def path_of(coll) -> str:
    model = type(coll)
    parent = (
        model.objects.filter(pk=coll.parent_id).values_list("path", flat=True).first()
        if coll.parent_id
        else None
    )
    return path_below(parent, coll.pk)


def move_subtree(coll) -> None:
    """Set ``coll.path`` (after a save) and carry its descendants along if it moved."""
    model = type(coll)
    new = path_of(coll)
    old = model.objects.filter(pk=coll.pk).values_list("path", flat=True).first() or ""
    if old == new:
        coll.path = new
        return
    model.objects.filter(pk=coll.pk).update(path=new)
    if old:
        model.objects.filter(path__startswith=old).exclude(pk=coll.pk).update(
            path=Concat(Value(new), Substr("path", len(old) + 1))
        )
    coll.path = new


def rebuild_paths(model) -> None:
    """Recompute every path from the parents (a migration, or after a bulk write)."""
    rows = dict(model.objects.values_list("pk", "parent_id"))
    paths: dict[int, str] = {}

    def path(pk: int, seen=()) -> str:
        if pk not in paths:
            parent = rows.get(pk)
            if parent is None or parent not in rows or parent in seen:
                paths[pk] = f"/{pk}/"
            else:
                paths[pk] = f"{path(parent, (*seen, pk))}{pk}/"
        return paths[pk]

    for pk in rows:
        path(pk)
    changed = [
        model(pk=pk, path=p)
        for pk, p in paths.items()
        if p != model.objects.filter(pk=pk).values_list("path", flat=True).first()
    ]
    model.objects.bulk_update(changed, ["path"], batch_size=500)


class _CountDistinct(Func):
    """``COUNT(DISTINCT x)`` as a plain expression: a subquery's one row, no GROUP BY."""

    function = "COUNT"
    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


#: Sorts after every character of a path (digits and "/"): [path, path + END) is a subtree,
#: a range the path index serves (a LIKE with an escaped pattern is a scan).
END = "~"


def subtree_total(outer: str = "path"):
    """Published documents in the outer collection and below it: one correlated subquery
    that starts from the subtree's collections (a range of the path index) and joins their
    memberships (the membership index), however many collections and documents there are."""
    from .models import Collection, Document

    # the status is read through COALESCE so that no planner starts from the status index
    # (every published document) instead of the subtree's few collections
    status = Coalesce(F("membership__document__status"), Value(""))
    if connection.vendor == "sqlite":  # SQLite compares text bytewise: a range is a subtree
        within = Q(path__gte=OuterRef(outer), path__lt=Concat(OuterRef(outer), Value(END)))
    else:  # a PostgreSQL collation may ignore the "/": a prefix match is always right
        within = Q(path__startswith=OuterRef(outer))
    documents = (
        Collection.objects.alias(status=status)
        .filter(within, status=Document.PUBLISHED)
        .order_by()
        .annotate(n=_CountDistinct("membership__document"))
        .values("n")
    )
    return Coalesce(Subquery(documents, output_field=IntegerField()), 0)


def child_count():
    from .models import Collection

    children = (
        Collection.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(children, output_field=IntegerField()), 0)


def with_totals(queryset):
    """Annotate ``total`` (the subtree's published documents) and ``n_children``."""
    return queryset.annotate(total=subtree_total(), n_children=child_count())


def subtree(coll) -> Q:
    """Documents (a ``Document`` filter) in ``coll`` or below it."""
    return Q(collections__path__startswith=coll.path) if coll.path else Q(collections=coll)


def subtrees(pks) -> dict[int, tuple[int, ...]]:
    """{pk: its collection and every collection below it} for these collections, whatever
    the depth, in one statement written once (by ``path``: its digits and slashes need no
    escaping). Through the ORM the same took two queries and 1 to 2 ms of Python to build
    them, for a search selecting one collection."""
    from .models import Collection

    pks = [int(pk) for pk in pks]
    if not pks:
        return {}
    reading = connections[router.db_for_read(Collection)]
    table = reading.ops.quote_name(Collection._meta.db_table)
    marks = ", ".join(["%s"] * len(pks))
    found: dict[int, list[int]] = {}
    with reading.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, c.id FROM {table} r JOIN {table} c ON c.id = r.id "  # noqa: S608
            f"OR (r.path <> '' AND substr(c.path, 1, length(r.path)) = r.path) "
            f"WHERE r.id IN ({marks}) ORDER BY r.id, c.id <> r.id, c.id",
            pks,
        )
        for root, pk in cursor.fetchall():
            found.setdefault(root, []).append(pk)
    return {root: tuple(below) for root, below in found.items()}
