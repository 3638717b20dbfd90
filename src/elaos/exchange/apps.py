from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "elaos.exchange"
    label = "exchange"
    verbose_name = "Agency data exchange and consent"
