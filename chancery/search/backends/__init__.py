"""Search engines behind one small interface; the one in use comes from settings."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import SearchBackend


@cache
def _backend_class(path: str) -> type[SearchBackend]:
    try:
        return import_string(path)
    except ImportError as error:
        names = ", ".join(settings.SEARCH_BACKENDS)
        raise ImproperlyConfigured(
            f"CHANCERY_SEARCH_BACKEND: “{path}” is not a search engine ({error}); "
            f"use one of {names} or a class's dotted path."
        ) from None


def get_backend() -> SearchBackend:
    return _backend_class(settings.SEARCH_BACKEND)()
