from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "elaos.agencies"
    label = "agencies"
    verbose_name = "Agencies"
