from django.urls import path

from chancery.corpus.authorities import browsable_kinds
from chancery.search.views import help_search

from . import basket, chronology, exports, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/export.<str:ext>", exports.search_export, name="search-export"),
    path("basket/", basket.basket, name="basket"),
    path("basket/export.<str:ext>", basket.basket_export, name="basket-export"),
    path("help/search/", help_search, name="help-search"),
    path("document/<path:public_id>/", views.document, name="document"),
    path("collections/", views.collections, name="collections"),
    path("collection/<slug:slug>/", views.collection, name="collection"),
    path(
        "collection/<slug:slug>/contents/",
        views.collection_contents,
        name="collection-contents",
    ),
    path("subjects/", views.subjects, name="subjects"),
    path("places/", views.places, name="places"),
    path("people/", views.people, name="people"),
    path("chronology/", chronology.chronology, name="chronology"),
    path("chronology/<int:year>/", chronology.chronology_year, name="chronology-year"),
    path(
        "chronology/<int:year>/<int:month>/",
        chronology.chronology_month,
        name="chronology-month",
    ),
    path("types/", chronology.types, name="types"),
    path("type/<slug:slug>/", chronology.doc_type, name="type"),
    path("person/<slug:slug>/eac-cpf.xml", views.person_eac, name="person-eac"),
    *(
        path(f"{kind.name}/<slug:slug>/", views.authority(kind.name), name=kind.name)
        for kind in browsable_kinds()
    ),
    path("about/", views.about, name="about"),
]
