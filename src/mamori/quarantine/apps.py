from django.apps import AppConfig


class QuarantineConfig(AppConfig):
    name = "mamori.quarantine"
    label = "quarantine"
    verbose_name = "隔離・取出し"
