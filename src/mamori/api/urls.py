"""The REST API under /api/v1/ (each app's ``api.register(router)``), its schema and the token pages."""

from __future__ import annotations

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import DefaultRouter

from mamori.api import views

# Apps that expose endpoints: each module has ``register(router)``. Add one line per app.
API_MODULES = ("mamori.assets.api",)

router = DefaultRouter()
for module_name in API_MODULES:
    importlib.import_module(module_name).register(router)

app_name = "api"

urlpatterns = [
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
