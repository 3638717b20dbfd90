from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "elaos.consultation"
    label = "consultation"
    verbose_name = "Public consultation"
