from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "elaos.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from elaos.payments import checks  # noqa: F401  (registers the deploy check)
