from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mamori.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Registers the OpenAPI description of the token scheme with drf-spectacular.
        from mamori.api import schema  # noqa: F401
