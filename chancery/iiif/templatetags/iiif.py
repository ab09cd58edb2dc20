"""Template helpers: IIIF image URLs for the record page's plain (no-JavaScript) scan list."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def iiif_thumbnail(scan, width: int = 240) -> str:
    """A ``width``-pixel-wide image of the scan's first page (a PDF's too), made by our
    Image API, so the page never loads a full-size scan as a thumbnail."""
    base = reverse("iiif:image-base", args=[f"{scan.pk}-1"])
    return f"{base}/full/%5E{width},/0/default.jpg"  # ^: small scans may be enlarged
