from django.apps import AppConfig


class CivilSocietyConfig(AppConfig):
    name = "elaos.civil_society"
    label = "civil_society"
    verbose_name = "Civil society"

    def ready(self) -> None:
        from elaos.civil_society.actions import register

        register()
