from django.contrib import admin
from django.urls import include, path

from mamori.web.views import healthz

admin.site.site_header = "守り（Mamori）管理"
admin.site.site_title = "守り（Mamori）管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("network/", include("mamori.network.urls")),
    path("", include("mamori.core.urls")),
    path("", include("mamori.web.urls")),
]
