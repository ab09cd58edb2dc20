"""A write that finds the archive busy beyond the busy timeout answers 503, not 500.

On SQLite one writer at a time holds the database: a save made while an import writes
waits for it (``CHANCERY_SQLITE_BUSY_TIMEOUT``, see chancery/settings.py). Should the wait
still run out, the visitor is told the archive is busy and when to try again, and the
change was not made (its transaction rolled back), rather than shown a server error.
"""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpResponse

RETRY_AFTER = 10  # seconds


class BusyDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            response = HttpResponse(
                "The archive is busy (an import is writing to it). Nothing was changed: "
                f"try again in {RETRY_AFTER} seconds.\n",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        return None
