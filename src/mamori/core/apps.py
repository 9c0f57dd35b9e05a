from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mamori.core"
    label = "core"
    verbose_name = "組織・権限・監査"

    def ready(self) -> None:
        from mamori.core import audit, checks, permissions  # noqa: F401

        audit.connect_signals()
        permissions.register_rules(permissions.CORE_RULES)
