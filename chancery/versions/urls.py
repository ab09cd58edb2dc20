from django.urls import re_path

from . import public

app_name = "versions"

urlpatterns = [
    # before the record's own route, whose public id may itself hold slashes
    re_path(r"^document/(?P<public_id>.+)/v/(?P<number>[0-9]{1,6})/$", public.document_version,
            name="document-version"),
]  # fmt: skip
