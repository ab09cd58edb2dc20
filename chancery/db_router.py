"""Read replicas: public reads go to a healthy replica, everything else to the primary.

``CHANCERY_REPLICA_URLS`` adds one database alias per replica (``replica1`` …, listed in
``settings.DATABASE_REPLICAS``). :class:`ReplicaMiddleware` decides per request:

- a GET/HEAD/OPTIONS request outside ``/admin/``, without the pin cookie, reads from one
  replica, picked at random among those that answer (the whole request uses the same one);
- anything else reads from the primary: writes (POST …), the admin, and for
  :data:`PIN_SECONDS` after a write the same browser (a cookie), so it reads its own writes
  even if replay lags;
- outside requests (imports, the CLI, migrations) everything uses the primary.

Writes always go to the primary, as do sessions, users and the admin log. A replica that
does not answer is skipped for :data:`DOWN_SECONDS`, so public pages keep working from the
primary while it is down.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import time

from django.conf import settings
from django.db import DatabaseError, connections

PRIMARY = "default"
#: Apps whose tables are read where they are written: logins, sessions, the admin.
PRIMARY_APPS = {"auth", "sessions", "admin", "contenttypes"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PIN_COOKIE = "chancery_primary"
PIN_SECONDS = 15
DOWN_SECONDS = 10.0

_read_alias: contextvars.ContextVar[str] = contextvars.ContextVar(
    "chancery_read_alias", default=PRIMARY
)
_down_until: dict[str, float] = {}


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def healthy(alias: str) -> bool:
    """Whether ``alias`` answers now; a failure is remembered for DOWN_SECONDS."""
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError:
        _down_until[alias] = time.monotonic() + DOWN_SECONDS
        with contextlib.suppress(DatabaseError):
            connection.close()
        return False
    _down_until.pop(alias, None)
    return True


def choose_replica() -> str | None:
    candidates = replicas()
    random.shuffle(candidates)
    return next((alias for alias in candidates if healthy(alias)), None)


def reads_from_replica(request) -> bool:
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith("/admin/")
        and PIN_COOKIE not in request.COOKIES
    )


class ReplicaRouter:
    """Route reads to the alias the middleware chose; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_APPS:
            return PRIMARY
        return _read_alias.get()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas():
            return self.get_response(request)
        alias = (choose_replica() if reads_from_replica(request) else None) or PRIMARY
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax")
        return response
