from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "elaos.services"
    label = "services"
    verbose_name = "Services"
