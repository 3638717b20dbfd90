from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "elaos.protection"
    label = "protection"
    verbose_name = "Protection case management"
