from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "elaos.documents"
    label = "documents"
    verbose_name = "Documents"
