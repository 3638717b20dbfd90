from django.apps import AppConfig


class MigrationConfig(AppConfig):
    name = "elaos.migration"
    label = "migration"
    verbose_name = "Safe migration"

    def ready(self) -> None:
        from elaos.migration.actions import register

        register()
