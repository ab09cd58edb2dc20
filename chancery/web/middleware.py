"""Requests turned away before any view runs; the security headers of every response."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.http import Http404, HttpResponse

from chancery.api.errors import json_error
from chancery.corpus.text import has_illegal

#: Paths answered in the APIs' JSON error shape (docs/api.md), not an HTML page.
JSON_PREFIXES = ("/api/", "/srv/", "//srv/")


class ControlCharactersInPath:
    """A URL path holding a control character names nothing here: 404, before any lookup.

    No stored identifier holds one (corpus/text.py keeps them out), and PostgreSQL refuses a
    NUL even in a query, which made ``/document/a%00b/`` a 500. Query parameters are left
    to the views, which answer 400 (or OAI ``badArgument``) naming the parameter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not has_illegal(request.path):
            return self.get_response(request)
        message = "No page has control characters in its address."
        if request.path.startswith(JSON_PREFIXES):
            response = json_error(404, message)
            response["Access-Control-Allow-Origin"] = "*"
            return response
        raise Http404(message)


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, its headers built once for the responses that add nothing
    of their own: the settings' policy is the same for all of them, and building it again
    for each (the policy copied, then written out) took 0.2 ms a search page. A response
    with a policy of its own (django-csp's decorators), a request that used its nonce, a
    debug error page or a path a policy excludes goes the library's own way; the headers
    are built by the library itself, for an empty response, and again when the settings
    change (a test overriding them)."""

    #: What django-csp's decorators set on a response.
    _OWN = tuple(
        f"_csp_{what}{ro}"
        for what in ("exempt", "config", "update", "replace")
        for ro in ("", "_ro")
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built: tuple[tuple, list[tuple[str, str]]] | None = None

    def process_response(self, request, response):
        policies = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self._OWN)
            or (settings.DEBUG and response.status_code in (404, 500))
            or any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in policies)
        ):
            return super().process_response(request, response)
        built = self._built
        if built is None or any(a is not b for a, b in zip(built[0], policies, strict=True)):
            blank = HttpResponse()
            super().process_response(request, blank)
            headers = [(h, blank[h]) for h in (HEADER, HEADER_REPORT_ONLY) if h in blank]
            built = self._built = (policies, headers)
        for header, value in built[1]:
            if header not in response:
                response[header] = value
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
