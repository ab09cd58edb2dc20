"""A public page holding a form with a CSRF token (tests/test_freshness.py): the site's
URLs plus one page in the ``web`` namespace, as a future form on a public page would be."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path

from chancery.urls import urlpatterns as site


def form(request):
    return HttpResponse(
        f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
        "</form>"
    )


urlpatterns = [path("form/", include(([path("", form, name="form")], "web"))), *site]
