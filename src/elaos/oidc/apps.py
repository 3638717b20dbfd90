from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "elaos.oidc"
    label = "oidc"
    verbose_name = "OpenID Provider and federation"
