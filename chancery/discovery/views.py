"""robots.txt: crawl everything public, skip the editors' admin, find the sitemap; the
site's icon where browsers look for it."""

import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

#: The site's icon among the static files (``web/base.html`` links it).
ICON = "chancery/favicon.svg"


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('discovery:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@functools.cache
def _icon() -> bytes:
    """The icon's bytes, read from the static files once per process."""
    return Path(str(finders.find(ICON))).read_bytes()


@require_GET
def favicon(request):
    """The site's icon where browsers and feed readers look for it unasked
    (``/favicon.ico``): the pages name it (``<link rel="icon">``), a request for the old
    address otherwise fills the logs with 404s. An SVG: every current browser shows it."""
    response = HttpResponse(_icon(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
