"""From search to reading and back, with the search carried in the URL (no server state).

A hit links to its record with ``?q=<words>&from=<the search's own parameters>&n=<rank>``.
The record page highlights the words, links back to the page of results it came from, and
to the previous and next result (the search run again, three hits sliced around ``n``).
Hits also say where they come from: the volume or collection path and document number.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.db import connections, router
from django.http import QueryDict
from django.urls import get_script_prefix, reverse

from chancery.corpus import models
from chancery.search import budget
from chancery.search.backends import get_backend
from chancery.search.backends.rows import FIRST_COLLECTION
from chancery.search.forms import SearchForm

from .freshness import remember
from .templatetags.chancery import facets_panel

PER_PAGE_CHOICES = (10, 20, 50, 100)
#: Parameters of a search that are not the search itself.
_NOT_THE_SEARCH = {"page", "n"}


# -- provenance -------------------------------------------------------------------------
@dataclass
class Provenance:
    path: list[models.Collection]  # the volume or the top collection first
    number: str
    pages: str
    edition: models.Collection | None

    @property
    def label(self) -> str:
        parts = [f"Document {self.number}"] if self.number else []
        if self.pages:
            parts.append(self.pages)
        return " · ".join(parts)


_UNREAD = object()
#: Collections kept between requests at most (a tree of file-level components can be big).
KEPT_COLLECTIONS = 20_000


def _read_connection(model):
    return connections[router.db_for_read(model)]


def _collections(wanted: set[int]) -> dict[int, models.Collection]:
    """{pk: collection} holding ``wanted`` and all their ancestors, from the collections kept
    in this process until the next write to the archive (``freshness.remember``); those not
    yet kept are read with all their ancestors in one statement (the tree walked up by the
    database: no query per level, no ORM query to compile)."""
    known = remember(("provenance", "collections"), dict)
    if len(known) > KEPT_COLLECTIONS:
        known.clear()
    missing = [pk for pk in wanted if pk not in known]
    if missing:
        table = _read_connection(models.Collection).ops.quote_name(models.Collection._meta.db_table)
        marks = ", ".join(["%s"] * len(missing))
        # the ids are integers from the database, passed as parameters
        found = models.Collection.objects.raw(
            f"WITH RECURSIVE up(id) AS (SELECT id FROM {table} WHERE id IN ({marks}) "  # noqa: S608
            f"UNION SELECT c.parent_id FROM {table} c JOIN up ON c.id = up.id "
            f"WHERE c.parent_id IS NOT NULL) "
            f"SELECT * FROM {table} WHERE id IN (SELECT id FROM up)",
            missing,
        )
        known.update((c.pk, c) for c in found)
    return known


def _first_memberships(documents: list[models.Document]) -> dict[int, int]:
    """{document pk: the collection of its first membership}: as a page's hits were read
    with it (``FIRST_COLLECTION``), or in one plain statement."""
    first: dict[int, int] = {}
    unread = []
    for document in documents:
        known = document.__dict__.get(FIRST_COLLECTION, _UNREAD)
        if known is _UNREAD:
            unread.append(document)
        elif known is not None:
            first[document.pk] = known
    if not unread:
        return first
    connection = _read_connection(models.Membership)
    table = connection.ops.quote_name(models.Membership._meta.db_table)
    pks = [d.pk for d in unread]
    marks = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT document_id, collection_id FROM {table} "  # noqa: S608 — ids as parameters
            f"WHERE document_id IN ({marks}) ORDER BY document_id, position, id",
            pks,
        )
        for document_id, collection_id in cursor.fetchall():
            first.setdefault(document_id, collection_id)
    return first


def add_provenance(documents: list[models.Document]) -> dict[int, Provenance]:
    """Where each document sits, in one query however many documents (their first
    memberships); the collections and their parents are kept between requests until the
    archive changes (those not yet kept read with their ancestors in one more query)."""
    first = _first_memberships(documents)
    known = _collections(set(first.values())) if first else {}
    result = {}
    for doc in documents:
        path: list[models.Collection] = []
        seen: set[int] = set()
        node = known.get(first[doc.pk]) if doc.pk in first else None
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            path.append(node)
            node = known.get(node.parent_id) if node.parent_id else None
        path.reverse()
        edition = next((c for c in reversed(path) if c.is_edition), None)
        result[doc.pk] = Provenance(path, doc.number, doc.pages, edition)
        doc.provenance = result[doc.pk]
    return result


# -- links from hits --------------------------------------------------------------------
def search_params(page) -> list[tuple[str, str]]:
    """The search's own parameters (not its page), as the results page has them."""
    return [(k, v) for k, v in page.params if k not in _NOT_THE_SEARCH]


def annotate_hits(page, carry: bool = True) -> None:
    """Give each hit its provenance and (``carry``) the link that opens it from this
    search (a collection's page searches within it: its hits open plainly)."""
    documents = [hit.document for hit in page.hits]
    add_provenance(documents)
    if not carry:
        return
    # the same for every hit but its rank: encoded once (as urlencode would, pair by pair)
    head = urlencode([("q", page.query.text)]) + "&" if page.query.text else ""
    head += urlencode([("from", urlencode(search_params(page)))]) + "&n="
    url_of = document_urls()
    for rank, hit in enumerate(page.hits, start=page.first):
        hit.reading_url = f"{url_of(hit.document)}?{head}{rank}"


#: A public id that ``reverse`` writes into a URL as it is (nothing to quote: RFC 3986's
#: unreserved characters, sub-delimiters, "/", ":" and "@").
_PLAIN_ID = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=/:@-]+")


def document_urls():
    """A function giving each document's URL as ``get_absolute_url`` does, from one
    ``reverse`` for them all: a page of hits reversed one URL a hit (~60 µs each, a
    tenth of the links' cost). An id with anything to quote is reversed on its own."""
    marker = "0"
    head, _, tail = reverse("web:document", args=[marker]).rpartition(marker)

    def url_of(document: models.Document) -> str:
        if _PLAIN_ID.fullmatch(document.public_id):
            return f"{head}{document.public_id}{tail}"
        return document.get_absolute_url()

    return url_of


def date_chip(page) -> tuple[str, str] | None:
    """The date filter as a removable chip: its label and the URL without it."""
    data = page.form.cleaned_data
    start, end = data.get("start_date"), data.get("end_date")
    if not (start or end):
        return None
    raw_start, raw_end = page.form.data.get("start_date", ""), page.form.data.get("end_date", "")
    if start and end:
        label = f"{raw_start} to {raw_end}"
    elif start:
        label = f"from {raw_start}"
    else:
        label = f"until {raw_end}"
    if page.query.date_mode == "within":
        label += " (entirely within)"
    url = page.url(start_date=None, end_date=None, date_mode=None, page=None)
    return label, url


def per_page_links(page) -> list[tuple[int, str, bool]]:
    """(number, URL, current) for each results-per-page choice."""
    return [(n, page.url(per_page=n, page=None), n == page.per_page) for n in PER_PAGE_CHOICES]


#: (extension, label) of a search's downloads.
EXPORTS = [("csv", "CSV"), ("jsonl", "JSON Lines"), ("bib", "BibTeX"), ("ris", "RIS"),
           ("zip", "ZIP dataset")]  # fmt: skip


@functools.lru_cache(maxsize=16)
def _export_paths(prefix: str) -> tuple[tuple[str, str], ...]:
    """(label, path) of each download, reversed once per script prefix (``prefix``)."""
    return tuple((label, reverse("web:search-export", args=[ext])) for ext, label in EXPORTS)


def export_links(page) -> list[tuple[str, str]]:
    """(label, URL) of this search's downloads (``/search/export.<ext>``)."""
    query = urlencode(search_params(page))
    tail = f"?{query}" if query else ""
    return [(label, path + tail) for label, path in _export_paths(get_script_prefix())]


def results_context(page, whole_archive: bool = True) -> dict:
    """What the results partial shows beyond the search page's own data. Exports and
    search trails are for searches of the whole archive (``/search/``)."""
    annotate_hits(page, carry=whole_archive)
    chip = date_chip(page)
    return {
        "date_chip": chip,
        "facets_aside": facets_aside(page, chip),
        "per_page_links": per_page_links(page),
        "export_links": export_links(page) if whole_archive else [],
    }


def facets_aside(page, chip) -> str:
    """The filters beside the results (the same on every page of a search): written once
    (``templatetags.chancery.facets_panel``) and kept with the search's facets
    (``page.aside``, kept until the next write)."""
    kept = page.aside.html if page.aside is not None else {}
    if "facets" not in kept:
        kept["facets"] = facets_panel(page, chip)
    return kept["facets"]


# -- on the record page -----------------------------------------------------------------
@dataclass
class Trail:
    back_url: str
    previous: models.Document | None
    next: models.Document | None
    previous_url: str
    next_url: str
    rank: int
    total: int


def trail(request, document: models.Document) -> Trail | None:
    """Back to the results, and the results either side, for a record opened from a
    search; None when the request carries no (valid) search."""
    carried = request.GET.get("from")
    if carried is None:
        return None
    params = QueryDict(carried)
    form = SearchForm(params)
    if not form.is_valid():
        return None
    try:
        rank = int(request.GET.get("n", ""))
    except ValueError:
        rank = 0
    per_page = form.cleaned_data.get("per_page") or 10
    user = getattr(request, "user", None)
    staff = bool(user and user.is_authenticated and user.is_staff)
    query = form.to_query(staff=staff)
    page_number = (rank - 1) // per_page + 1 if rank > 0 else 1
    kept = [(k, v) for k, v in parse_qsl(carried) if k not in _NOT_THE_SEARCH]
    if page_number > 1:
        kept.append(("page", str(page_number)))
    back = reverse("web:search") + ("?" + urlencode(kept) if kept else "")
    previous = following = None
    total = 0
    if rank > 0:
        try:
            with budget.time_limit():
                results = get_backend().search(query)
                total = results.count()
                window = list(results[max(rank - 2, 0) : rank + 1])
        except (budget.SearchTimeout, budget.OverBudget):
            window = []  # the record still opens, with the way back to the results
        at = rank - 1 - max(rank - 2, 0)
        if at < len(window) and window[at].document.pk == document.pk:
            previous = window[at - 1].document if at > 0 else None
            following = window[at + 1].document if at + 1 < len(window) else None

    def link(doc, n):
        if doc is None:
            return ""
        query_text = [("q", request.GET["q"])] if request.GET.get("q") else []
        return (
            doc.get_absolute_url()
            + "?"
            + urlencode([*query_text, ("from", carried), ("n", str(n))])
        )

    return Trail(back, previous, following, link(previous, rank - 1), link(following, rank + 1),
                 rank, total)  # fmt: skip


# -- highlighting -----------------------------------------------------------------------
_TAG = re.compile(r"(<[^>]*>)")
_QUERY_NOISE = re.compile(r"\b(?:AND|OR|NOT)\b|[\w-]+:|[\"()*+~^]")


def query_words(text: str) -> list[str]:
    """The words of a search to mark in a text: operators, field prefixes and date ranges
    left out, each word at least two characters."""
    text = _QUERY_NOISE.sub(" ", text or "")
    words = [w.strip(".,;:!?'-") for w in text.split() if ".." not in w]
    return list(dict.fromkeys(w for w in words if len(w) >= 2 and not w.startswith("-")))[:20]


def highlight(html: str, words: list[str]) -> tuple[str, int]:
    """``html`` with each word (and words it begins: "Pekin" marks "Pekin's") in <mark>,
    outside tags only; and how many were marked. The HTML is the sanitised text layer, and
    only <mark> is added."""
    if not words:
        return html, 0
    pattern = re.compile(
        r"(?<![\w&#])(" + "|".join(re.escape(w) for w in words) + r")(\w*)", re.IGNORECASE
    )
    count = 0
    parts = _TAG.split(html)
    for i in range(0, len(parts), 2):  # even indexes are text between tags
        parts[i], n = pattern.subn(r"<mark>\1\2</mark>", parts[i])
        count += n
    return "".join(parts), count


# -- page markers -----------------------------------------------------------------------
_MARKER = re.compile(r'<span class="pb" data-page="([^"<>]+)">\[Page \1\]</span>')


def page_markers(html: str, seen: set[str], target: str = "cite-page") -> str:
    """Each printed page marker made a link to that page's citation (``target``
    "scan-page": to its scan, in the parallel view), and (the first time a page is met, in
    ``seen``) the anchor ``#page-<n>`` a page citation points to."""

    def link(match):
        page = match.group(1)
        anchor = "" if page in seen else f' id="page-{page}"'
        seen.add(page)
        title = f"Show the scan of page {page}" if target == "scan-page" else f"Cite page {page}"
        return (
            f'<span class="pb"{anchor} data-page="{page}"><a href="#{target}-{page}" '
            f'title="{title}">[Page {page}]</a></span>'
        )

    return _MARKER.sub(link, html)
