"""What every read-only API view shares: methods, CORS, conditional GETs, JSON errors.

:func:`api_view` wraps a view so that GET and HEAD run it, OPTIONS answers a CORS
preflight, any other method gets a JSON 405 with ``Allow``; every answer carries
``Access-Control-Allow-Origin: *`` (the APIs only read public data). A 200 answer gets a
strong ``ETag`` (a hash of its body) and is turned into a 304 when the client's
``If-None-Match`` or ``If-Modified-Since`` says it already has it.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from chancery.corpus.text import has_illegal, illegal_characters, strip_illegal

from .errors import json_error

ALLOW = "GET, HEAD, OPTIONS"
#: Parameters that take one value on every endpoint (facets, by contrast, repeat).
SINGLE = {"q", "page", "per_page", "sort", "start_date", "end_date", "date_mode", "itemsPerPage"}


class ApiError(Exception):
    """Raised anywhere in a view to answer with :func:`json_error`."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def json_response(data, *, last_modified=None) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    return response


def _preflight(request) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ALLOW
    response["Access-Control-Allow-Methods"] = ALLOW
    response["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "If-None-Match, If-Modified-Since"
    )
    response["Access-Control-Max-Age"] = "86400"
    return response


def _conditional(request, response: HttpResponse) -> HttpResponse:
    if response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = f'"{digest}"'
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return (
        get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
        or response
    )


def api_view(view):
    """Make ``view`` a read-only, CORS-enabled, conditional-GET API endpoint."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return cors(_preflight(request))
        if request.method not in ("GET", "HEAD"):
            response = json_error(
                405, f"{request.method} is not allowed here: the API is read-only."
            )
            response["Allow"] = ALLOW
            return cors(response)
        bad = next((k for k, vs in request.GET.lists() for v in [k, *vs] if has_illegal(v)), None)
        if bad is not None:
            chars = illegal_characters("".join([bad, *request.GET.getlist(bad)]))
            message = f"{strip_illegal(bad)}: parameters may not contain control characters"
            return cors(json_error(400, f"{message} ({chars})."))
        repeated = next((k for k in SINGLE if len(request.GET.getlist(k)) > 1), None)
        if repeated is not None:
            return cors(json_error(400, f"{repeated}: give it once, not several times."))
        try:
            answer: HttpResponse = view(request, *args, **kwargs)
        except ApiError as exc:
            answer = json_error(exc.status, exc.message, exc.fields)
        answer = _conditional(request, answer)
        if request.method == "HEAD" and not answer.streaming:
            answer.content = b""
        return cors(answer)

    return wrapper


def int_param(request, name: str, default: int, maximum: int) -> int:
    """A positive integer query parameter, or a 400 naming it."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name}: “{raw}” is not a whole number.") from None
    if not 1 <= value <= maximum:
        raise ApiError(400, f"{name}: must be between 1 and {maximum}.")
    return value
