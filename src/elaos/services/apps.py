from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "elaos.services"
    label = "services"
    verbose_name = "Public services"

    def ready(self) -> None:
        from elaos.services.actions import register

        register()
