"""Routes of API v1. Every route but the last is described in openapi.py (a test checks)."""

from django.urls import path, re_path

from chancery.web import exports

from . import v1, views

app_name = "api"

urlpatterns = [
    path("", v1.index, name="index"),
    path("openapi.json", v1.openapi, name="openapi"),
    path("search", views.search, name="search"),
    path("search/export.<str:ext>", exports.api_search_export, name="search-export"),
    path("documents", v1.documents, name="documents"),
    path("documents/<path:public_id>", v1.document, name="document"),
    path("collections", v1.collections, name="collections"),
    path("collections/<slug:slug>", v1.collection, name="collection"),
    path("subjects", v1.authority_list("subject"), name="subjects"),
    path("subjects/<slug:slug>", v1.authority_detail("subject"), name="subject"),
    path("places", v1.authority_list("place"), name="places"),
    path("places/<slug:slug>", v1.authority_detail("place"), name="place"),
    path("people", v1.authority_list("person"), name="people"),
    path("people/<slug:slug>", v1.authority_detail("person"), name="person"),
    path("repositories", v1.authority_list("repository"), name="repositories"),
    path("repositories/<slug:slug>", v1.authority_detail("repository"), name="repository"),
    re_path(r"^(?P<rest>(?s:.*))$", views.not_found, name="not-found"),
]
