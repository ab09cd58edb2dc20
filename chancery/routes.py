"""URL routes named after their views.

``route("people/", views.people)`` is ``path("people/", views.people, name="people")``: a
route's name is its view's name with hyphens for underscores (``collection_contents``:
``collection-contents``), so a table of routes states each name once and a route cannot be
renamed apart from its view by accident. A view whose name is not its route's (one made by
a factory, or the API twin of a page's view) passes ``name``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, path


def route(pattern: str, view: Callable, name: str = "") -> URLPattern:
    return path(pattern, view, name=name or view.__name__.replace("_", "-"))
