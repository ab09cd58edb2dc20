"""The client address django-axes counts failed logins against.

Behind the documented nginx every request comes from the proxy, so the proxy's address
would lock out everyone at once: when the peer is a trusted proxy
(``CHANCERY_TRUSTED_PROXIES``), the client is the last address it appended to
``X-Forwarded-For`` (an address the client wrote itself further left is not believed).
"""

from axes.helpers import get_client_username
from django.conf import settings
from django.shortcuts import render


def client_address(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    if peer in settings.TRUSTED_PROXIES:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if forwarded:
            return forwarded[-1]
    return peer


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (429): what happened and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    return render(request, "web/lockout.html", context, status=429)
