from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "elaos.exchange"
    label = "exchange"
    verbose_name = "Agency data exchange and consent"

    def ready(self) -> None:
        from elaos.core.events import subscribe
        from elaos.exchange.services import on_event

        subscribe(on_event)
