"""Search engines behind one small interface; the one in use comes from settings."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SearchBackend


@cache
def _backend_class(path: str) -> type[SearchBackend]:
    return import_string(path)


def get_backend() -> SearchBackend:
    return _backend_class(settings.SEARCH_BACKEND)()
