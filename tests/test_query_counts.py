"""Every public page takes a bounded number of queries, whatever the archive holds (#18).

Each page is asked for in a small archive and again once the archive has grown: four times
the documents, each with its own subject, place, person, creator, repository, type,
language, collection and year, all of them hits of the searches below; the record itself
gains subjects, related records, text layers, scans, machine-read lines and versions. The
number of queries must not grow. The pages are read from the URL configuration: a new
public route fails ``test_every_public_route_is_measured`` until it is measured here (or
named in ``NOT_MEASURED`` with the reason).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import reversion
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chancery.corpus import models
from chancery.discovery.sitemaps import SITEMAPS
from chancery.ocr.models import MachineText
from chancery.search.indexing import index_documents, indexing_paused
from chancery.web import freshness

from . import factories as f
from .iiif.scans import add_scan, image_bytes, page_image
from .queries import search_query_bound, settled

pytestmark = pytest.mark.engine

SMALL, LARGE = 3, 12
#: The URL namespaces of the public site and its machine interfaces (the back office,
#: /admin/, is not public).
PUBLIC = {"web", "api", "srv", "iiif", "oai", "discovery", "cite", "versions"}
#: Public routes not measured here, and why.
NOT_MEASURED = {
    "api:not-found": "the JSON 404 of any unknown API path: no query",
    "text-asset": "the //srv/ twin of srv:text-asset (the same view, measured there)",
    "media-file": "the //srv/ twin of srv:media-file (the same view, measured there)",
}
#: Most queries a page may take beyond a search's own (the engine's bound, tests/queries.py);
#: a search export reads its hits in batches for each file it writes (the ZIP has four).
PAGE_BOUND = 15
EXPORTS = {"web:search-export", "api:search-export", "web:basket-export"}


@dataclass
class Archive:
    record: models.Document
    scan: models.Scan
    collection: models.Collection
    subject: models.Subject
    place: models.Place
    person: models.Agent
    repository: models.Repository
    doc_type: models.DocumentType
    year: int


def _version(doc: models.Document) -> None:
    with reversion.create_revision():
        reversion.add_to_revision(doc)


def _line(n: int) -> dict:
    return {
        "words": [{"text": f"treaty{n}", "box": [10, 10 * n, 50, 8]}],
        "box": [10, 10 * n, 50, 8],
    }


def build() -> Archive:
    """The small archive: a record with one of everything, in a collection tree."""
    with indexing_paused():
        root = f.CollectionFactory(title="Treaties", slug="treaties")
        repository = models.Repository.objects.create(name="Archive of Foreign Policy")
        record = f.DocumentFactory(
            public_id="frus1950/d0", date="1950-02-14", collections=[root],
            subjects=[f.SubjectFactory(name="Alliances", slug="alliances")],
            places=[f.PlaceFactory(name="Moscow", slug="moscow")],
            languages=[f.language("rus", "Russian")],
        )  # fmt: skip
        record.people.add(f.AgentFactory(name="Mao Zedong", slug="mao-zedong"))
        record.creators.add(f.AgentFactory(name="Zhou Enlai", slug="zhou-enlai"))
        record.repositories.add(repository)
        png = image_bytes(page_image(300, 400, "Page"), "PNG")
        scan = add_scan(record, "page-1.png", png, "Page 1", 0)
        MachineText.objects.create(scan=scan, page=1, text="treaty", lines=[_line(1)])
        models.Translation.objects.create(document=record, html="<p>The treaty.</p>")
        models.Transcript.objects.create(document=record, html="<p>Договор.</p>")
    archive = Archive(
        record, scan, root, record.subjects.get(), record.places.get(), record.people.get(),
        repository, record.doc_type, 1950,
    )  # fmt: skip
    grow(archive, SMALL)
    return archive


def grow(archive: Archive, total: int) -> None:
    """Bring the archive to ``total`` documents beside the record, each with its own facet
    values, and give the record as many more of its parts."""
    record = archive.record
    have = models.Document.objects.exclude(pk=record.pk).count()
    with indexing_paused():
        for n in range(have + 1, total + 1):
            year = 1950 + n % 5  # more documents in the record's year and month, more years
            collection = f.CollectionFactory(
                title=f"Volume {n}", slug=f"volume-{n}", parent=archive.collection
            )
            subject = f.SubjectFactory(name=f"Subject {n}", slug=f"subject-{n}")
            place = f.PlaceFactory(name=f"Place {n}", slug=f"place-{n}", parent=archive.place)
            doc_type = archive.doc_type  # every other document of the record's type
            if n % 2 == 0:
                doc_type = f.TypeFactory(name=f"Type {n}", slug=f"type-{n}")
            doc = f.DocumentFactory(
                public_id=f"frus1950/d{n}", date=f"{year}-02-{n + 1:02d}",
                doc_type=doc_type,
                collections=[archive.collection, collection],
                subjects=[archive.subject, subject], places=[archive.place, place],
                languages=[f.language(f"x{n:02d}", f"Language {n}")],
            )  # fmt: skip
            doc.people.add(archive.person, f.AgentFactory(name=f"Person {n}", slug=f"person-{n}"))
            doc.creators.add(f.AgentFactory(name=f"Creator {n}", slug=f"creator-{n}"))
            doc.repositories.add(
                archive.repository, models.Repository.objects.create(name=f"Repository {n}")
            )
            record.subjects.add(subject)
            record.places.add(place)
            record.people.add(*doc.people.all())
            record.related.add(doc)
            models.Translation.objects.create(document=record, html=f"<p>Part {n}.</p>")
            models.Transcript.objects.create(document=record, html=f"<p>Часть {n}.</p>")
            png = image_bytes(page_image(300, 400, f"Page {n}"), "PNG")
            add_scan(record, f"page-{n}.png", png, f"Page {n}", n)
            MachineText.objects.filter(scan=archive.scan).update(
                lines=[_line(i) for i in range(1, n + 1)]
            )
            _version(record)
        if not have:
            _version(record)
    index_documents(models.Document.objects.values_list("pk", flat=True))


def public_routes(patterns=None, namespace: str = ""):
    """(name, namespace) of every named route the public can reach."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner != "admin":
                yield from public_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if namespace in PUBLIC:
                yield f"{namespace}:{pattern.name}"
            elif not namespace:
                yield pattern.name


def pages(a: Archive) -> dict[str, list[str]]:
    """Route name -> the URLs that measure it (a search with and without words and facets)."""
    doc, slug = a.record.public_id, a.collection.slug
    facets = f"subject={a.subject.slug}&place={a.place.slug}&collection={slug}"
    every = f"{facets}&type={a.doc_type.slug}&language=rus&decade=1950&sort=date"
    words = ["q=treaty", f"q=treaty&{facets}", facets, f"q=treaty&{every}", ""]
    image = f"{a.scan.pk}-1"
    ids = "&".join(f"id={d}" for d in models.Document.objects.values_list("public_id", flat=True))
    kinds = {"subject": a.subject.slug, "place": a.place.slug, "person": a.person.slug,
             "repository": a.repository.slug}  # fmt: skip
    urls = {
        "web:home": [reverse("web:home")],
        "web:search": [reverse("web:search") + f"?{q}" for q in words],
        "web:search-export": [reverse("web:search-export", args=[x]) + "?q=treaty"
                              for x in ("csv", "jsonl", "bib", "ris", "zip")],
        "web:search-facet": [reverse("web:search-facet", args=[name]) + f"?{q}"
                             for q in words for name in ("subject", "decade")],
        "web:basket": [reverse("web:basket") + f"?{ids}"],
        "web:basket-export": [reverse("web:basket-export", args=["csv"]) + f"?{ids}"],
        "web:help-search": [reverse("web:help-search")],
        "web:document": [reverse("web:document", args=[doc])],
        "web:collections": [reverse("web:collections")],
        "web:collection": [reverse("web:collection", args=[slug]),
                           reverse("web:collection", args=[slug]) + "?q=treaty"],
        "web:collection-facet": [reverse("web:collection-facet", args=[slug, "place"]),
                                 reverse("web:collection-facet", args=[slug, "place"])
                                 + "?q=treaty"],
        "web:collection-contents": [reverse("web:collection-contents", args=[slug])],
        "web:subjects": [reverse("web:subjects")],
        "web:places": [reverse("web:places")],
        "web:people": [reverse("web:people")],
        "web:chronology": [reverse("web:chronology")],
        "web:chronology-year": [reverse("web:chronology-year", args=[a.year])],
        "web:chronology-month": [reverse("web:chronology-month", args=[a.year, 2])],
        "web:types": [reverse("web:types")],
        "web:type": [reverse("web:type", args=[a.doc_type.slug])],
        "web:person-eac": [reverse("web:person-eac", args=[a.person.slug])],
        "web:about": [reverse("web:about")],
        **{f"web:{kind}": [reverse(f"web:{kind}", args=[value])] for kind, value in kinds.items()},
        "api:index": [reverse("api:index")],
        "api:openapi": [reverse("api:openapi")],
        "api:search": [reverse("api:search") + f"?{q}" for q in words],
        "api:search-export": [reverse("api:search-export", args=["jsonl"]) + "?q=treaty"],
        "api:documents": [reverse("api:documents")],
        "api:document": [reverse("api:document", args=[doc])],
        "api:collections": [reverse("api:collections")],
        "api:collection": [reverse("api:collection", args=[slug])],
        **{f"api:{kind}": [reverse(f"api:{kind}", args=[value])] for kind, value in kinds.items()},
        "api:subjects": [reverse("api:subjects")],
        "api:places": [reverse("api:places")],
        "api:people": [reverse("api:people")],
        "api:repositories": [reverse("api:repositories")],
        "srv:record-search": ["/srv/record.json?q=treaty", "/srv/record.json"],
        "srv:date-range": ["/srv/record/date_range.json"],
        "srv:record": [f"/srv/record/{doc}.json"],
        "srv:collection-search": ["/srv/collection.json"],
        "srv:collection": [f"/srv/collection/{a.collection.pk}.json"],
        "srv:authority-search": ["/srv/subject.json", "/srv/coverage.json",
                                 "/srv/contributor.json", "/srv/repository.json"],
        "srv:authority": [f"/srv/subject/{a.subject.pk}.json",
                          f"/srv/coverage/{a.place.pk}.json"],
        "srv:text-asset": [f"/srv/translations/{a.record.translations.first().pk}.html"],
        "srv:media-file": [f"/srv/media_files/{a.scan.pk}.png"],
        "media": [a.scan.file.url],
        "oai:endpoint": [
            "/oai?verb=Identify", "/oai?verb=ListMetadataFormats", "/oai?verb=ListSets",
            "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
            "/oai?verb=ListRecords&metadataPrefix=oai_dc",
            "/oai?verb=ListRecords&metadataPrefix=mods",
            "/oai?verb=ListRecords&metadataPrefix=ead",
            "/oai?verb=ListRecords&metadataPrefix=ead2002",
            f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:archive.example.org:{doc}",
        ],
        "discovery:robots": [reverse("discovery:robots")],
        "discovery:favicon": [reverse("discovery:favicon")],
        "discovery:sitemap": [reverse("discovery:sitemap")],
        "discovery:sitemap-section": [reverse("discovery:sitemap-section", args=[section])
                                      for section in SITEMAPS],
        "discovery:newest-feed": [reverse("discovery:newest-feed")],
        "discovery:search-feed": [reverse("discovery:search-feed") + "?q=treaty"],
        "iiif:collections": [reverse("iiif:collections")],
        "iiif:collection": [reverse("iiif:collection", args=[slug])],
        "iiif:image-base": [reverse("iiif:image-base", args=[image])],
        "iiif:image-info": [reverse("iiif:image-info", args=[image])],
        "iiif:image": [reverse("iiif:image", args=[image, "full", "max", "0", "default", "jpg"])],
        "iiif:manifest": [reverse("iiif:manifest", args=[doc])],
        "iiif:canvas-text": [reverse("iiif:canvas-text", args=[doc, 1])],
        "iiif:search": [reverse("iiif:search", args=[doc]) + "?q=treaty"],
        "cite:bibtex": [reverse("cite:bibtex", args=[doc])],
        "cite:ris": [reverse("cite:ris", args=[doc])],
        "cite:csl-json": [reverse("cite:csl-json", args=[doc])],
        "versions:document-version": [reverse("versions:document-version", args=[doc, 1])],
    }  # fmt: skip
    return urls


def count_queries(client, url: str) -> tuple[int, int]:
    """(status, queries) of one request, read to its end, with every cache emptied first."""
    for cache in caches.all():
        cache.clear()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(captured)


def measure(client, archive: Archive) -> dict[tuple[str, int], tuple[str, int, int]]:
    """(route name, n) -> (URL, status, queries) of every page."""
    # the index files just written settle first: a content stamp is not trusted within
    # freshness.SETTLING_NS of a write, and nothing would be kept by the warm request
    time.sleep(freshness.SETTLING_NS / 1e9 * 2)
    found = {}
    settled()  # the warm-up requests keep what a process keeps until the next write
    for name, urls in pages(archive).items():
        for n, url in enumerate(urls):
            count_queries(client, url)  # warm: what a process keeps (an engine's labels)
            found[name, n] = (url, *count_queries(client, url))
    return found


def test_every_public_route_is_measured(db):
    archive = build()
    measured = set(pages(archive))
    missing = [n for n in public_routes() if n not in measured and n not in NOT_MEASURED]
    assert not missing, f"public routes without a query count: {missing}"
    assert not measured - set(public_routes()), "a measured page that is no route any more"


@pytest.mark.django_db
def test_no_public_page_takes_more_queries_in_a_larger_archive(client):
    archive = build()
    small = measure(client, archive)
    grow(archive, LARGE)
    assert models.Document.objects.count() == LARGE + 1
    large = measure(client, archive)
    table = "\n".join(
        f"{large[key][0][:90]:<90} {small[key][1]} {small[key][2]:>3} -> "
        f"{large[key][1]} {large[key][2]:>3}"
        for key in small
    )
    grew = [key for key in small if large[key][2] > small[key][2]]
    assert not grew, f"the query count grows with the archive:\n{table}"
    failed = [key for key in small if max(small[key][1], large[key][1]) >= 400]
    assert not failed, f"pages that failed:\n{table}"
    bound = search_query_bound() + PAGE_BOUND
    heavy = [key for key in large if large[key][2] > bound and key[0] not in EXPORTS]
    assert not heavy, f"pages above {bound} queries:\n{table}"
    print(table)
