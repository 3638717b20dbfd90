from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the local runner. Sits above every other app: it may import them all."""

    name = "elaos.demo"
    label = "demo"
