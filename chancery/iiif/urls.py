"""IIIF routes. Image identifiers are ``<scan id>-<page>``; document ids may contain slashes."""

from django.urls import include, path, re_path

from chancery.routes import route

from . import views

app_name = "iiif"

#: The Image API below an image's base URI ``image/<identifier>`` (which itself redirects
#: to its information): ``info.json`` and ``{region}/{size}/{rotation}/{quality}.{format}``.
IMAGE_API = [
    route("info.json", views.image_info),
    re_path(
        r"^(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/(?P<quality>[^/.]+)"
        r"\.(?P<fmt>[^/.]+)$",
        views.image,
        name="image",
    ),
]

urlpatterns = [
    route("collections.json", views.collections),
    route("collection/<slug:slug>.json", views.collection),
    route("image/<str:identifier>", views.image_base),
    path("image/<str:identifier>/", include(IMAGE_API)),
    route("<path:public_id>/manifest.json", views.manifest),
    route("<path:public_id>/canvas/<int:n>/text.json", views.canvas_text),
    route("<path:public_id>/search", views.search),
]
