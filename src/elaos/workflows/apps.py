from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "elaos.workflows"
    label = "workflows"
    verbose_name = "Workflows"
