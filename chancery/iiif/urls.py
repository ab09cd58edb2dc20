"""IIIF routes. Image identifiers are ``<scan id>-<page>``; document ids may contain slashes."""

from django.urls import path, re_path

from . import views

app_name = "iiif"

urlpatterns = [
    path("collections.json", views.collections, name="collections"),
    path("collection/<slug:slug>.json", views.collection, name="collection"),
    path("image/<str:identifier>", views.image_base, name="image-base"),
    path("image/<str:identifier>/info.json", views.image_info, name="image-info"),
    re_path(
        r"^image/(?P<identifier>[^/]+)/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)"
        r"/(?P<quality>[^/.]+)\.(?P<fmt>[^/.]+)$",
        views.image,
        name="image",
    ),
    path("<path:public_id>/manifest.json", views.manifest, name="manifest"),
    path("<path:public_id>/canvas/<int:n>/text.json", views.canvas_text, name="canvas-text"),
    path("<path:public_id>/search", views.search, name="search"),
]
