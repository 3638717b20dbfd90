from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "elaos.accounts"
    label = "accounts"
    verbose_name = "Accounts"
