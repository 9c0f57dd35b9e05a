from django.apps import AppConfig

# Who may do what with policy documents. Reading is decided per document by its audience
# (mamori.policies.audience); ``policies.read_all`` lists the roles that read every document because
# they draft, review, approve or audit them.
POLICY_RULES: dict[str, set[str]] = {
    "policies.draft": {"policy_office"},
    "policies.manage_standard": {"policy_office"},
    "policies.review": {"committee"},
    "policies.approve": {"ciso"},
    "policies.read_all": {
        "policy_office",
        "committee",
        "ciso",
        "deputy_ciso",
        "chief",
        "audit_lead",
        "auditor",
    },
    "policies.view_receipts": {"policy_office", "chief", "ciso", "security_officer", "security_manager"},
}


class PoliciesConfig(AppConfig):
    name = "mamori.policies"
    label = "policies"
    verbose_name = "ポリシー文書"

    def ready(self) -> None:
        from mamori.core.permissions import register_rules
        from mamori.policies.dashboard import policy_tasks
        from mamori.web.views import TASK_SOURCES

        register_rules(POLICY_RULES)
        if policy_tasks not in TASK_SOURCES:
            TASK_SOURCES.append(policy_tasks)
