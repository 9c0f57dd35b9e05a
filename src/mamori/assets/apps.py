from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "mamori.assets"
    label = "assets"
    verbose_name = "情報資産"

    def ready(self) -> None:
        from mamori.assets import access
        from mamori.assets.dashboard import finding_tasks
        from mamori.core.permissions import register_rules
        from mamori.web.views import TASK_SOURCES

        register_rules(access.RULES)
        if finding_tasks not in TASK_SOURCES:
            TASK_SOURCES.append(finding_tasks)
