from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("search", views.search, name="search"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
