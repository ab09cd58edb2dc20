"""Routes of API v1, named after their views (chancery/routes.py). Every route but the last
is described in openapi.py (a test checks)."""

from django.urls import path, re_path

from chancery.corpus.authorities import browsable_kinds
from chancery.routes import route
from chancery.web import exports

from . import v1, views

app_name = "api"

urlpatterns = [
    route("", v1.index),
    route("openapi.json", v1.openapi),
    route("search", views.search),
    route("search/export.<str:ext>", exports.api_search_export, name="search-export"),
    route("documents", v1.documents),
    route("documents/<path:public_id>", v1.document),
    route("collections", v1.collections),
    route("collections/<slug:slug>", v1.collection),
    *(
        pattern
        for kind in browsable_kinds()
        for pattern in (
            path(kind.plural, v1.authority_list(kind.name), name=kind.plural),
            path(f"{kind.plural}/<slug:slug>", v1.authority_detail(kind.name), name=kind.name),
        )
    ),
    re_path(r"^(?P<rest>(?s:.*))$", views.not_found, name="not-found"),
]
