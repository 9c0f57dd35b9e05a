from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "mamori.network"
    label = "network"
    verbose_name = "ネットワーク分離検証"
