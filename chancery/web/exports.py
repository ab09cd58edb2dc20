"""Take a result set away: ``/search/export.<csv|jsonl|bib|ris|zip>`` with the search
page's own parameters (and ``/api/v1/search/export.<ext>``, the same).

Every format is streamed: the matching documents are read 500 at a time (their ids from
one ordered query, then each batch with its relations in a fixed number of queries), so
memory stays flat however many there are. ``CHANCERY_EXPORT_MAX_RECORDS`` caps one export;
a search finding more is answered 400. The ZIP is a research dataset: ``records.jsonl``
(every field and every text layer), ``records.csv``, ``citations.bib``, ``citations.ris``
and ``manifest.json`` (the query, the date of export, the archive's URL, the counts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from chancery.api.errors import json_error
from chancery.api.http import api_view
from chancery.api.serializers import dated_and_typed
from chancery.cite import csl, formats
from chancery.corpus import models
from chancery.search import budget
from chancery.search.backends import get_backend
from chancery.search.forms import SearchForm

from .reading import add_provenance
from .views import bad_request

BATCH = 500
#: file extension -> media type.
FORMATS = {
    "csv": "text/csv",
    "jsonl": "application/jsonl",
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "zip": "application/zip",
}
CSV_COLUMNS = [
    "id", "url", "title", "date", "date_display", "type", "document_number", "pages",
    "printed_in", "collection_path", "creators", "languages", "repositories", "source",
    "summary", "text_layers",
]  # fmt: skip


class ExportRefused(ValueError):
    """The export cannot be made as asked; ``param`` names what to change."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param, self.message = param, message


# -- the documents, a batch at a time ---------------------------------------------------
def _matching(results):
    """Every document the search finds, as an unordered QuerySet.

    Engine contract: the result set's ``matched`` (the match set the count and facets are
    made from). Slicing is bounded by the search budget's window (10,000), an export is not.
    """
    return results.matched


def _documents(ids: list[int]) -> list[models.Document]:
    documents = (
        models.Document.objects.filter(pk__in=ids)
        .with_descriptions()
        .prefetch_related(*csl.CITATION_PREFETCH)
    )
    by_pk = {d.pk: d for d in documents}
    ordered = [by_pk[pk] for pk in ids if pk in by_pk]
    add_provenance(ordered)
    return ordered


def batches(results) -> Iterator[list[models.Document]]:
    """The matching documents in date order, ``BATCH`` at a time."""
    ids = (
        _matching(results)
        .order_by(F("date_earliest").asc(nulls_last=True), "public_id")
        .values_list("pk", flat=True)
        .iterator(chunk_size=BATCH * 4)
    )
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == BATCH:
            yield _documents(batch)
            batch = []
    if batch:
        yield _documents(batch)


# -- one document in each format --------------------------------------------------------
class Exporter:
    def __init__(self, request, results, params: list[tuple[str, str]], source: str = "search"):
        self.request = request
        self.results = results
        self.params = params
        self.base = request.build_absolute_uri("/")
        self.source = source  # "search" or "basket": what the manifest links back to

    def url(self, doc) -> str:
        return self.request.build_absolute_uri(doc.get_absolute_url())

    def item(self, doc) -> dict:
        provenance = doc.provenance
        record = csl.record_for(
            doc, self.url(doc), provenance.path[-1:], doc.repositories.all(),
            edition=provenance.edition, path=provenance.path,
        )  # fmt: skip
        return csl.item(record)

    def record(self, doc) -> dict:
        """Every field a researcher needs, and every text layer."""
        provenance = doc.provenance

        def layer(kind, t):
            return {"kind": kind, "label": t.label, "language": t.language_id or None,
                    "html": t.html, **({"translator": t.translator} if kind == "translation"
                                       and t.translator else {})}  # fmt: skip

        return {
            "id": doc.public_id,
            "url": self.url(doc),
            "title": doc.title,
            **dated_and_typed(doc),
            "document_number": doc.number or None,
            "pages": {"first": doc.page_start, "last": doc.page_end or doc.page_start}
            if doc.page_start
            else None,
            "printed_in": provenance.edition.title if provenance.edition else None,
            "collection_path": [c.title for c in provenance.path],
            "summary": doc.summary,
            "source": doc.source,
            "creators": [a.name for a in doc.creators.all()],
            "languages": [lang.code for lang in doc.languages.all()],
            "repositories": [r.name for r in doc.repositories.all()],
            "subjects": [s.name for s in doc.subjects.all()],
            "places": [p.name for p in doc.places.all()],
            "rights": doc.rights.name if doc.rights else None,
            "texts": [layer("transcript", t) for t in doc.transcripts.all()]
            + [layer("translation", t) for t in doc.translations.all()],
            "scans": [self.request.build_absolute_uri(s.file.url) for s in doc.scans.all()],
            "citation": self.item(doc),
        }

    def csv_row(self, doc) -> list[str]:
        provenance = doc.provenance
        return [
            doc.public_id, self.url(doc), doc.title, doc.date, doc.date_display,
            doc.doc_type.name if doc.doc_type else "", doc.number, doc.pages,
            provenance.edition.title if provenance.edition else "",
            " > ".join(c.title for c in provenance.path),
            "; ".join(a.name for a in doc.creators.all()),
            "; ".join(lang.code for lang in doc.languages.all()),
            "; ".join(r.name for r in doc.repositories.all()), doc.source, doc.summary,
            "; ".join([*("transcript" for _ in doc.transcripts.all()),
                       *("translation" for _ in doc.translations.all())]),
        ]  # fmt: skip

    # -- streams ------------------------------------------------------------------------
    def csv(self) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # spreadsheets read UTF-8 with a byte-order mark
        writer.writerow(CSV_COLUMNS)
        for batch in batches(self.results):
            for doc in batch:
                writer.writerow([_neutral(v) for v in self.csv_row(doc)])
            yield _drain(buffer)
        yield _drain(buffer)

    def jsonl(self) -> Iterator[bytes]:
        for batch in batches(self.results):
            yield "".join(
                json.dumps(self.record(doc), ensure_ascii=False) + "\n" for doc in batch
            ).encode()

    def bib(self) -> Iterator[bytes]:
        for batch in batches(self.results):
            yield "\n".join(formats.bibtex(self.item(doc)) for doc in batch).encode() + b"\n"

    def ris(self) -> Iterator[bytes]:
        for batch in batches(self.results):
            yield "".join(formats.ris(self.item(doc)) for doc in batch).encode()

    def manifest(self, total: int) -> dict:
        return {
            "title": f"{settings.SITE_NAME}: search export",
            "archive": {"name": settings.SITE_NAME, "url": self.base},
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "query": dict(_grouped(self.params)),
            f"{self.source}_url": self.request.build_absolute_uri(reverse(f"web:{self.source}"))
            + ("?" + urlencode(self.params) if self.params else ""),
            "records": total,
            "order": "by date (earliest first, undated last), then identifier",
            "files": {
                "records.jsonl": "one document a line: every field, every text layer "
                "(HTML) and its CSL-JSON citation",
                "records.csv": "one document a row, without the texts",
                "citations.bib": "BibTeX, one entry a document",
                "citations.ris": "RIS, one record a document",
            },
            "licence": "Each document's rights are given in its record ('rights').",
        }

    def zip(self) -> Iterator[bytes]:
        sink = _Sink()
        total = self.results.count()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(self.manifest(total), indent=2))
            yield sink.take()
            for name, stream in (
                ("records.jsonl", self.jsonl),
                ("records.csv", self.csv),
                ("citations.bib", self.bib),
                ("citations.ris", self.ris),
            ):
                with archive.open(name, "w", force_zip64=True) as entry:
                    for chunk in stream():
                        entry.write(chunk)
                        yield sink.take()
                yield sink.take()
        yield sink.take()


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come: the ZIP is
    written with data descriptors and handed on a piece at a time."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._told = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._told += len(data)
        return len(data)

    def tell(self) -> int:  # zipfile asks for offsets; it never seeks back
        return self._told

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


def _neutral(value) -> str:
    """A cell that a spreadsheet would run as a formula is written as text."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _grouped(params):
    grouped: dict[str, list[str]] = {}
    for k, v in params:
        grouped.setdefault(k, []).append(v)
    return {k: v if len(v) > 1 else v[0] for k, v in grouped.items()}.items()


# -- the view ---------------------------------------------------------------------------
def prepare(request):
    """The search's results and parameters; :class:`ExportRefused` if they are invalid or
    the search finds more than the cap."""
    form = SearchForm.from_request(request)
    if not form.is_valid():
        field, errors = next(iter(form.error_messages().items()))
        raise ExportRefused(field, errors[0])
    user = getattr(request, "user", None)
    staff = bool(user and user.is_authenticated and user.is_staff)
    results = get_backend().search(form.to_query(staff=staff))
    try:
        with budget.time_limit():
            total = results.count()
    except budget.OverBudget as exc:
        raise ExportRefused(exc.param, exc.message) from exc
    cap = settings.EXPORT_MAX_RECORDS
    if total > cap:
        raise ExportRefused(
            "q",
            f"This search finds {total:,} documents; one export holds at most {cap:,} "
            "(CHANCERY_EXPORT_MAX_RECORDS). Narrow it with words, filters or dates.",
        )
    params = [(k, v) for k, values in request.GET.lists() for v in values if v != ""]
    params = [(k, v) for k, v in params if k not in ("page", "per_page")]
    return results, params


def stream(request, ext: str, results, params, source: str = "search") -> StreamingHttpResponse:
    content_type = FORMATS[ext]
    exporter = Exporter(request, results, params, source)
    body = getattr(exporter, ext)()
    charset = "" if ext == "zip" else "; charset=utf-8"
    response = StreamingHttpResponse(body, content_type=content_type + charset)
    stamp = dt.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{source}-{stamp}.{ext}"'
    response["X-Export-Records"] = str(results.count())
    return response


@require_GET
def search_export(request, ext: str):
    if ext not in FORMATS:
        raise Http404(f"No export format {ext!r}")
    try:
        results, params = prepare(request)
    except ExportRefused as exc:
        return bad_request(request, f"{exc.param}: {exc.message}")
    return stream(request, ext, results, params)


@api_view
def api_search_export(request, ext: str):
    """The same export from the JSON API; errors are JSON."""
    if ext not in FORMATS:
        return json_error(404, f"No export format {ext!r}: use " + ", ".join(FORMATS) + ".")
    try:
        results, params = prepare(request)
    except ExportRefused as exc:
        return json_error(400, f"{exc.param}: {exc.message}", {exc.param: [exc.message]})
    return stream(request, ext, results, params)
