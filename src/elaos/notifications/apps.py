import logging

from django.apps import AppConfig


class HideGatewayRequests(logging.Filter):
    """httpx logs every request's URL at INFO level; a Kannel sendsms URL holds the gateway password, the phone
    number and the text (sign-in codes). The Kannel adapter sends through `http.client`, which logs nothing, but
    should a sendsms URL ever go through httpx those lines are dropped; errors are logged by the delivery task."""

    def filter(self, record: logging.LogRecord) -> bool:
        from django.conf import settings

        gateway = getattr(settings, "SMS_GATEWAY_URL", "")
        args = record.args if isinstance(record.args, tuple) else ()
        return not (gateway and any(str(arg).startswith(gateway) for arg in args))


class NotificationsConfig(AppConfig):
    name = "elaos.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        logging.getLogger("httpx").addFilter(HideGatewayRequests())
