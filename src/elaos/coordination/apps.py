from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "elaos.coordination"
    label = "coordination"
    verbose_name = "Government–CSO coordination"
