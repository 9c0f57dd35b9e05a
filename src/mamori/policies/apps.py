from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "mamori.policies"
    label = "policies"
    verbose_name = "ポリシー文書"
