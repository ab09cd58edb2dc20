"""Citation downloads sit beside the record: /document/<id>/cite.bib, .ris, .json."""

from django.urls import path

from . import views

app_name = "cite"

urlpatterns = [
    path("document/<path:public_id>/cite.bib", views.bibtex, name="bibtex"),
    path("document/<path:public_id>/cite.ris", views.ris, name="ris"),
    path("document/<path:public_id>/cite.json", views.csl_json, name="csl-json"),
]
