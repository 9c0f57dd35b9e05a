from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "mamori.network"
    label = "network"
    verbose_name = "ネットワーク分離検証"

    def ready(self) -> None:
        from mamori.core.permissions import register_rules

        register_rules(
            {
                "network.view": {
                    "policy_office",
                    "chief",
                    "ciso",
                    "deputy_ciso",
                    "system_manager",
                    "system_operator",
                    "csirt",
                    "auditor",
                    "audit_lead",
                },
                "network.manage": {"policy_office", "chief"},
                "network.run": {"policy_office", "chief", "system_manager", "auditor", "audit_lead"},
            }
        )
