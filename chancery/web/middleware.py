"""Requests turned away before any view runs."""

from django.http import Http404

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
