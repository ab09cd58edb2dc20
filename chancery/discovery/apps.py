from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """sitemap.xml (an index of paged sitemaps), robots.txt and Atom feeds."""

    name = "chancery.discovery"
    label = "discovery"
