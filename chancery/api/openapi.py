"""The OpenAPI 3.1 description of API v1, written by hand next to the code it describes.

Tests keep it true: every route in ``api/urls.py`` must appear here, Schemathesis checks the
live answers against these schemas, and the response shapes follow ``serializers.py``.
"""

from __future__ import annotations

from chancery.api.serializers import COLLECTION_DESCRIPTION
from chancery.corpus.authorities import AUTHORITY_KINDS, browsable_kinds
from chancery.corpus.dates import PARTIAL_DATE_PATTERN
from chancery.corpus.models import AgentRelation
from chancery.search.facets import FACETS
from chancery.search.forms import MAX_PER_PAGE as SEARCH_MAX_PER_PAGE
from chancery.search.query import DATE_MODES, SORTS

from .filters import document_filters


def _nullable(type_: str, **extra) -> dict:
    return {"type": [type_, "null"], **extra}


def _obj(required: dict, optional: dict | None = None) -> dict:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(item: dict) -> dict:
    return {"type": "array", "items": item}


STR, INT, BOOL, URL = (
    {"type": "string"},
    {"type": "integer"},
    {"type": "boolean"},
    {"type": "string", "format": "uri"},
)
DATE, DATETIME = _nullable("string", format="date"), _nullable("string", format="date-time")
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"

SCHEMAS = {
    "Error": _obj(
        {
            "error": _obj(
                {"status": INT, "message": STR},
                {"fields": {"type": "object", "additionalProperties": _array(STR)}},
            )
        }
    ),
    "PageLinks": _obj({"self": URL, "first": URL, "last": URL}, {"prev": URL, "next": URL}),
    "Language": _obj({"code": STR, "name": STR}),
    "AuthorityRef": _obj({"slug": STR, "name": STR, "api_url": URL}),
    "CollectionRef": _obj({"slug": STR, "title": STR, "api_url": URL}),
    "DocumentRef": _obj({"id": STR, "title": STR, "api_url": URL}),
    "DocumentSummary": _obj(
        {
            "id": STR,
            "title": STR,
            "summary": STR,
            "date": _nullable("string", description="EDTF"),
            "date_display": _nullable("string"),
            "date_earliest": DATE,
            "date_latest": DATE,
            "type": _nullable("string"),
            "url": URL,
            "api_url": URL,
            "published_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
    "Text": _obj(
        {
            "id": INT,
            "label": STR,
            "language": {"oneOf": [_ref("Language"), {"type": "null"}]},
            "html": STR,
            "file": _nullable("string", format="uri"),
        }
    ),
    "Scan": _obj({"id": INT, "label": STR, "file": URL, "is_image": BOOL}),
    "Rights": _obj({"name": STR, "text": STR, "url": _nullable("string")}),
    "Collection": _obj(
        {
            "slug": STR,
            "title": STR,
            "api_url": URL,
            "short_description": STR,
            "parent": _nullable("string"),
            "position": INT,
            "featured": BOOL,
            "documents_count": INT,
            "children_count": INT,
            **dict.fromkeys(COLLECTION_DESCRIPTION, STR),
            "url": URL,
            "updated_at": DATETIME,
        }
    ),
    "Variant": _obj({"name": STR, "note": STR}),
    "Relation": _obj(
        {
            "relation_type": {"type": "string", "enum": list(AgentRelation.TYPES)},
            "relation": STR,
            "other": _ref("AuthorityRef"),
            "dates": STR,
            "description": STR,
            "source": STR,
        }
    ),
    "DetailLinks": _obj({"documents": URL}, {"search": URL}),
    "SearchHit": _obj(
        {
            "id": STR,
            "url": URL,
            "title": STR,
            "date": _nullable("string"),
            "date_display": _nullable("string"),
            "date_earliest": DATE,
            "date_latest": DATE,
            "type": _nullable("string"),
            "summary": STR,
            "title_html": STR,
            "summary_html": STR,
            "snippet_html": _nullable("string"),
            "score": _nullable("number"),
            # Where it comes from: its number and pages in a printed volume, its collections.
            "document_number": _nullable("string"),
            "pages": _nullable("string"),
            "collection_path": _array(STR),
        }
    ),
    "FacetValue": _obj({"value": STR, "label": STR, "count": INT, "selected": BOOL, "url": URL}),
}


def _document_schema() -> dict:
    summary = SCHEMAS["DocumentSummary"]
    refs = _array(_ref("AuthorityRef"))
    extra = {
        "date_approximate": BOOL,
        "source": STR,
        "rights": {"oneOf": [_ref("Rights"), {"type": "null"}]},
        "classifications": _array(STR),
        "donors": _array(STR),
        "publishers": _array(STR),
        "languages": _array(_ref("Language")),
        "subjects": refs,
        "places": refs,
        "creators": refs,
        "contributors": refs,
        "people": refs,
        "repositories": refs,
        "collections": _array(_ref("CollectionRef")),
        "translations": _array(_ref("Text")),
        "transcripts": _array(_ref("Text")),
        "scans": _array(_ref("Scan")),
        "related": _array(_ref("DocumentRef")),
        "attachments": _array(_ref("DocumentRef")),
        "attached_to": {"oneOf": [_ref("DocumentRef"), {"type": "null"}]},
    }
    return _obj({**summary["properties"], **extra})


def _authority_schema(kind: str, detail: bool) -> dict:
    fields = {"slug": STR, "name": STR, "api_url": URL, "documents_count": INT, "url": URL}
    fields.update(
        {
            "subject": {"description": STR},
            "place": {
                "parent": _nullable("string"),
                "latitude": _nullable("number"),
                "longitude": _nullable("number"),
                "geonames": _nullable("string"),
            },
            "person": {
                "kind": {"type": "string", "enum": ["person", "organisation"]},
                "dates": _nullable("string"),
                "description": STR,
            },
            "repository": {"location": STR, "website": _nullable("string")},
        }[kind]
    )
    if detail:
        spec = AUTHORITY_KINDS[kind]
        fields["links"] = _ref("DetailLinks")
        if spec.has_variants:
            fields["variants"] = _array(_ref("Variant"))
        if spec.hierarchical:
            fields["children"] = _array(_ref("AuthorityRef"))
        if kind == "person":
            fields["relations"] = _array(_ref("Relation"))
    return _obj(fields)


def _page_of(item: dict) -> dict:
    return _obj(
        {
            "total": INT,
            "page": INT,
            "per_page": INT,
            "pages": INT,
            "links": _ref("PageLinks"),
            "results": _array(item),
        }
    )


def _search_schema() -> dict:
    query = _obj(
        {
            "q": STR,
            "interpreted_as": STR,
            "notes": _array(STR),
            "sort": STR,
            "start_date": DATE,
            "end_date": DATE,
            "date_mode": STR,
            "filters": {"type": "object", "additionalProperties": _array(STR)},
            # Other forms of the names in the query that were searched too.
            "also_searched": _array(
                _obj(
                    {"term": STR, "forms": _array(STR), "generated": BOOL},
                    {"schemes": _array(STR), "similar": BOOL},
                )
            ),
        }
    )
    links = _obj({"self": URL, "html": URL}, {"prev": URL, "next": URL})
    bar = _obj({"label": STR, "count": INT, "url": {**URL, "type": ["string", "null"]}})
    return _obj(
        {
            "total": INT,
            "page": INT,
            "per_page": INT,
            "pages": INT,
            "query": query,
            # Undated documents the search finds once its dates are left out (null: no dates).
            "undated": {"type": ["integer", "null"]},
            "suggestion": {"oneOf": [{"type": "null"}, _obj({"text": STR, "url": URL})]},
            "histogram": {"oneOf": [{"type": "null"}, _obj({"unit": STR, "bars": _array(bar)})]},
            "hits": _array(_ref("SearchHit")),
            "facets": {"type": "object", "additionalProperties": _array(_ref("FacetValue"))},
            "links": links,
        }
    )


HEADERS = {
    "ETag": {"description": "Strong validator of this body.", "schema": STR},
    "Last-Modified": {"description": "When the archive last changed.", "schema": STR},
    "Access-Control-Allow-Origin": {"schema": {"type": "string", "enum": ["*"]}},
}


def _ok(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "headers": HEADERS,
        "content": {"application/json": {"schema": schema}},
    }


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **extra}  # fmt: skip


def _number(maximum: int) -> dict:
    """A whole number, or empty for "not given" (as HTML forms send an empty field)."""
    return {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": maximum},
            {"type": "string", "maxLength": 0},
        ]
    }


def _paging(max_per_page: int, default: int) -> list[dict]:
    return [
        _query("page", _number(1_000_000), "Page number (default 1)."),
        _query("per_page", _number(max_per_page), f"Items per page (default {default})."),
    ]


def _operation(op_id: str, summary: str, ok: dict, params=(), not_found: bool = False) -> dict:
    responses = {"200": ok, "304": {"description": "Not modified (conditional GET)."}}
    responses["400"] = _error("A parameter is invalid; the message names it.")
    responses["414"] = {"description": "URI too long for the web server in front (gunicorn: 4094)."}
    if not_found:
        responses["404"] = _error("No such published resource.")
    return {"get": {"operationId": op_id, "summary": summary, "parameters": list(params),
                    "responses": responses}}  # fmt: skip


def _export_operation() -> dict:
    """The whole result set of a search, streamed (docs/searching.md)."""
    binary = {"schema": {"type": "string"}}
    operation = _operation(
        "search-export",
        "Every document a search finds, as CSV, JSON Lines, BibTeX, RIS or a ZIP dataset.",
        {"description": "The documents, streamed, oldest first.",
         "content": {"text/csv": binary, "application/jsonl": binary,
                     "application/x-bibtex": binary,
                     "application/x-research-info-systems": binary,
                     "application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        [{"name": "ext", "in": "path", "required": True, "description": "The format.",
          "schema": {"type": "string", "enum": ["csv", "jsonl", "bib", "ris", "zip"]}},
         *(p for p in _search_params() if p["name"] not in ("page", "per_page", "explain"))],
        not_found=True,
    )  # fmt: skip
    del operation["get"]["responses"]["304"]
    return operation


def _slug_param(what: str) -> dict:
    return {"name": "slug", "in": "path", "required": True, "description": f"The {what}'s slug.",
            "schema": {"type": "string", "pattern": SLUG_PATTERN}}  # fmt: skip


def _search_params() -> list[dict]:
    # Empty means "not given" (HTML forms send empty fields).
    date = {"type": "string", "pattern": f"^({PARTIAL_DATE_PATTERN})?$"}
    params = [
        _query("q", {"type": "string", "maxLength": 1000}, "Query (see docs/searching.md)."),
        *_paging(SEARCH_MAX_PER_PAGE, 10),
        _query("sort", {"type": "string", "enum": ["", *SORTS]}, "Order of hits."),
        _query("start_date", date, "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD."),
        _query("end_date", date, "Latest date: YYYY, YYYY-MM or YYYY-MM-DD."),
        _query("date_mode", {"type": "string", "enum": ["", *DATE_MODES]}, "How dates match."),
    ]
    for name, spec in FACETS.items():
        params.append(
            _query(
                name,
                _array(STR),
                f"{spec.label} facet value (repeatable).",
                style="form",
                explode=True,
            )  # fmt: skip
        )
    return params


def _document_filters() -> list[dict]:
    return [
        _query(f.name, STR, f"Only documents with this {f.name} ({f.key}).")
        for f in document_filters()
    ]


def _paths() -> dict:
    paths = {
        "/api/v1/": _operation("index", "Links to every endpoint.", _ok(
            _obj({"name": STR, "version": STR, "links": {"type": "object",
                  "additionalProperties": URL}}), "The API's entry point.")),
        "/api/v1/openapi.json": _operation("openapi", "This OpenAPI document.",
                                           _ok({"type": "object"}, "OpenAPI 3.1 document.")),
        "/api/v1/search": _operation("search", "Full-text search with facets.",
                                     _ok(_search_schema(), "A page of hits."), _search_params()),
        "/api/v1/search/export.{ext}": _export_operation(),
        "/api/v1/documents": _operation(
            "documents", "Published documents, oldest first.",
            _ok(_page_of(_ref("DocumentSummary")), "A page of documents."),
            [*_paging(100, 20), *_document_filters()]),
        "/api/v1/documents/{id}": _operation(
            "document", "One published document with its texts and descriptions.",
            _ok(_ref("Document"), "The document."),
            [{"name": "id", "in": "path", "required": True,
              "schema": {"type": "string", "minLength": 1},
              "description": "Public id; may contain '/' (e.g. frus1958-60v19/d12)."}],
            not_found=True),
        "/api/v1/collections": _operation(
            "collections", "Every collection (flat; ``parent`` gives the nesting).",
            _ok(_page_of(_ref("Collection")), "A page of collections."), _paging(100, 100)),
        "/api/v1/collections/{slug}": _operation(
            "collection", "One collection with its introduction and sub-collections.",
            _ok(_ref("CollectionDetail"), "The collection."), [_slug_param("collection")],
            not_found=True),
    }  # fmt: skip
    for kind, plural in ((k.name, k.plural) for k in browsable_kinds()):
        paths[f"/api/v1/{plural}"] = _operation(
            plural,
            f"{plural.capitalize()} with their numbers of published documents.",
            _ok(_page_of(_ref(kind.capitalize())), f"A page of {plural}."),
            _paging(100, 50),
        )
        paths[f"/api/v1/{plural}/{{slug}}"] = _operation(
            kind,
            f"One {kind}.",
            _ok(_ref(f"{kind.capitalize()}Detail"), f"The {kind}."),
            [_slug_param(kind)],
            not_found=True,
        )
    _link(paths, "/api/v1/documents", "document", "id", "id")
    _link(paths, "/api/v1/collections", "collection", "slug", "slug")
    for kind, plural in ((k.name, k.plural) for k in browsable_kinds()):
        _link(paths, f"/api/v1/{plural}", kind, "slug", "slug")
    return paths


def _link(paths: dict, list_path: str, detail_op: str, param: str, field: str) -> None:
    """An OpenAPI link from a list to its items (Schemathesis follows it with real ids)."""
    paths[list_path]["get"]["responses"]["200"]["links"] = {
        detail_op: {
            "operationId": detail_op,
            "parameters": {param: f"$response.body#/results/0/{field}"},
        }
    }


def _schemas() -> dict:
    schemas = dict(SCHEMAS)
    schemas["Document"] = _document_schema()
    collection = SCHEMAS["Collection"]
    schemas["CollectionDetail"] = _obj(
        {
            **collection["properties"],
            "introduction": STR,
            "image": _nullable("string", format="uri"),
            "ancestors": _array(_ref("CollectionRef")),
            "children": _array(_ref("Collection")),
            "links": _ref("DetailLinks"),
        }
    )
    for kind in (k.name for k in browsable_kinds()):
        schemas[kind.capitalize()] = _authority_schema(kind, detail=False)
        schemas[f"{kind.capitalize()}Detail"] = _authority_schema(kind, detail=True)
    return schemas


def openapi_document(request=None) -> dict:
    server = request.build_absolute_uri("/").rstrip("/") if request else "/"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Chancery API",
            "version": "1",
            "description": "Read-only JSON API of a Chancery digital archive. Only published "
            "documents appear. Answers carry ETag and Last-Modified and honour conditional "
            "GETs; CORS is open for reads; errors share one JSON shape. See docs/api.md.",
        },
        "servers": [{"url": server}],
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }
