"""Routes of API v1. Every route but the last is described in openapi.py (a test checks)."""

from django.urls import path, re_path

from chancery.corpus.authorities import browsable_kinds
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
    *(
        route
        for kind in browsable_kinds()
        for route in (
            path(kind.plural, v1.authority_list(kind.name), name=kind.plural),
            path(f"{kind.plural}/<slug:slug>", v1.authority_detail(kind.name), name=kind.name),
        )
    ),
    re_path(r"^(?P<rest>(?s:.*))$", views.not_found, name="not-found"),
]
