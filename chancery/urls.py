from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("chancery.api.urls")),
    path("srv/", include("chancery.api.srv_urls")),
    re_path(r"^/srv/", include("chancery.api.srv_assets")),  # "//srv/…": see srv_assets.py
    path("oai", include("chancery.oai.urls")),
    path("", include("chancery.discovery.urls")),
    path("iiif/", include("chancery.iiif.urls")),
    path("", include("chancery.cite.urls")),
    path("", include("chancery.web.urls")),
    # Scans and uploads. In a multi-machine deployment the web server serves /media/.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler400 = "chancery.web.views.handler400"
handler404 = "chancery.web.views.handler404"
handler500 = "chancery.web.views.handler500"
