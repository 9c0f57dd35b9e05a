from django.contrib import admin
from django.urls import include, path

from mamori.quarantine.views import metrics as quarantine_metrics
from mamori.web.views import healthz

admin.site.site_header = "守り（Mamori）管理"
admin.site.site_title = "守り（Mamori）管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("mamori.policies.urls")),
    path("inspections/", include("mamori.inspections.urls")),
    path("assets/", include("mamori.assets.urls")),
    path("api/", include("mamori.api.urls")),
    path("quarantine/", include("mamori.quarantine.urls")),
    path("metrics", quarantine_metrics, name="metrics"),
    path("network/", include("mamori.network.urls")),
    path("", include("mamori.core.urls")),
    path("", include("mamori.web.urls")),
]
