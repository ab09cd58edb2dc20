"""The public pages' routes, named after their views (chancery/routes.py)."""

from django.urls import path

from chancery.corpus.authorities import browsable_kinds
from chancery.routes import route
from chancery.search.views import help_search

from . import basket, chronology, exports, views

app_name = "web"

urlpatterns = [
    route("", views.home),
    route("search/", views.search),
    route("search/export.<str:ext>", exports.search_export),
    route("search/facet/<str:name>/", views.search_facet),
    route("basket/", basket.basket),
    route("basket/export.<str:ext>", basket.basket_export),
    route("help/search/", help_search),
    route("document/<path:public_id>/", views.document),
    route("collections/", views.collections),
    route("collection/<slug:slug>/", views.collection),
    route("collection/<slug:slug>/contents/", views.collection_contents),
    route("collection/<slug:slug>/facet/<str:name>/", views.collection_facet),
    route("subjects/", views.subjects),
    route("places/", views.places),
    route("people/", views.people),
    route("chronology/", chronology.chronology),
    route("chronology/<int:year>/", chronology.chronology_year),
    route("chronology/<int:year>/<int:month>/", chronology.chronology_month),
    route("types/", chronology.types),
    route("type/<slug:slug>/", chronology.doc_type, name="type"),
    route("person/<slug:slug>/eac-cpf.xml", views.person_eac),
    *(
        path(f"{kind.name}/<slug:slug>/", views.authority(kind.name), name=kind.name)
        for kind in browsable_kinds()
    ),
    route("about/", views.about),
]
