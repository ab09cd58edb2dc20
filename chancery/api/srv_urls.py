"""Routes of the Wilson-compatible API, mounted at ``/srv/``.

Numeric ids have at most 18 digits: anything longer cannot be a key (PostgreSQL's bigint).
"""

from django.urls import path, re_path

from chancery.corpus.authorities import AUTHORITY_KINDS

from . import srv

app_name = "srv"

AUTHORITY = rf"(?P<model>{'|'.join(kind.wilson for kind in AUTHORITY_KINDS.values())})"

#: Assets, also reachable as //srv/… (see chancery/api/srv_assets.py).
ASSETS = [
    re_path(
        r"^(?P<kind>translations|transcripts)/(?P<pk>[0-9]{1,18})\.(?P<extension>html|pdf)$",
        srv.text_asset,
        name="text-asset",
    ),
    re_path(
        r"^media_files/(?P<pk>[0-9]{1,18})\.(?P<extension>[A-Za-z0-9]+)$",
        srv.media_file,
        name="media-file",
    ),
]

urlpatterns = [
    path("record.json", srv.record_search, name="record-search"),
    path("record/date_range.json", srv.date_range, name="date-range"),
    re_path(r"^record/(?P<record_id>.+)\.json$", srv.record_detail, name="record"),
    path("collection.json", srv.collection_search, name="collection-search"),
    re_path(r"^collection/(?P<pk>[0-9]{1,18})\.json$", srv.collection_detail, name="collection"),
    re_path(rf"^{AUTHORITY}\.json$", srv.authority_search, name="authority-search"),
    re_path(rf"^{AUTHORITY}/(?P<pk>[0-9]{{1,18}})\.json$", srv.authority_detail, name="authority"),
    *ASSETS,
    re_path(r"^(?P<rest>(?s:.*))$", srv.not_found),
]
