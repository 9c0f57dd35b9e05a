from django.apps import AppConfig


class QuarantineConfig(AppConfig):
    name = "mamori.quarantine"
    label = "quarantine"
    verbose_name = "隔離・取出し"

    def ready(self) -> None:
        from mamori.core.permissions import register_rules
        from mamori.quarantine.access import RULES
        from mamori.quarantine.dashboard_tasks import pending_decisions
        from mamori.web.views import TASK_SOURCES

        register_rules(RULES)
        if pending_decisions not in TASK_SOURCES:
            TASK_SOURCES.append(pending_decisions)
