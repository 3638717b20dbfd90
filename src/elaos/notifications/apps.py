from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "elaos.notifications"
    label = "notifications"
    verbose_name = "Notifications"
