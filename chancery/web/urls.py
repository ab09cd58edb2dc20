from django.urls import path

from chancery.search.views import help_search

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("help/search/", help_search, name="help-search"),
    path("document/<path:public_id>/", views.document, name="document"),
    path("collections/", views.collections, name="collections"),
    path("collection/<slug:slug>/", views.collection, name="collection"),
    path("subjects/", views.subjects, name="subjects"),
    path("subject/<slug:slug>/", views.subject, name="subject"),
    path("places/", views.places, name="places"),
    path("place/<slug:slug>/", views.place, name="place"),
    path("people/", views.people, name="people"),
    path("person/<slug:slug>/", views.person, name="person"),
    path("person/<slug:slug>/eac-cpf.xml", views.person_eac, name="person-eac"),
    path("repository/<slug:slug>/", views.repository, name="repository"),
    path("about/", views.about, name="about"),
]
