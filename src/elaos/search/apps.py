from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "elaos.search"
    label = "search"
    verbose_name = "Search"
