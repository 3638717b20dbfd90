from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "elaos.budget"
    label = "budget"
    verbose_name = "Glass Accounts"
