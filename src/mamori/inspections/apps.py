from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "mamori.inspections"
    label = "inspections"
    verbose_name = "自己点検・監査"
