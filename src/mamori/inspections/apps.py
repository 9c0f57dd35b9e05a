from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "mamori.inspections"
    label = "inspections"
    verbose_name = "自己点検・監査"

    def ready(self) -> None:
        from mamori.core.permissions import register_rules
        from mamori.inspections.dashboard import tasks_for
        from mamori.inspections.rules import RULES
        from mamori.web.views import TASK_SOURCES

        register_rules(RULES)
        if tasks_for not in TASK_SOURCES:
            TASK_SOURCES.append(tasks_for)
