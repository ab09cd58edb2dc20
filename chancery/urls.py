from django.contrib import admin
from django.urls import include, path, re_path

from chancery.corpus import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("chancery.api.urls")),
    path("srv/", include("chancery.api.srv_urls")),
    re_path(r"^/srv/", include("chancery.api.srv_assets")),  # "//srv/…": see srv_assets.py
    path("oai", include("chancery.oai.urls")),
    path("", include("chancery.discovery.urls")),
    path("iiif/", include("chancery.iiif.urls")),
    path("", include("chancery.cite.urls")),
    path("", include("chancery.versions.urls")),  # /document/<id>/v/<n>/ before the record
    path("", include("chancery.web.urls")),
    # Scans and uploads, only while their document is public (chancery/corpus/media.py);
    # behind nginx the file itself goes out through X-Accel-Redirect (docs/deploy.md).
    re_path(r"^media/(?P<path>.*)$", media.serve, name="media"),
]

handler400 = "chancery.web.views.handler400"
handler404 = "chancery.web.views.handler404"
handler500 = "chancery.web.views.handler500"
