from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "elaos.payments"
    label = "payments"
    verbose_name = "Payments"
