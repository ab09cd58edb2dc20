"""Asset routes again, for URLs that arrive as ``//srv/…``.

The ``digitalarchive`` client fetches an asset at ``https://<host>/`` + its ``url``, and
``url`` starts with a slash (as on the Wilson Center's site), so the path has two. nginx
folds them by default, but gunicorn and other WSGI servers pass them on; the root urlconf
includes this module under ``^/srv/`` so the request still finds the asset.
"""

from .srv_urls import ASSETS

urlpatterns = ASSETS
