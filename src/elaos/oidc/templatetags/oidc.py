from django import template

from elaos.oidc.federation import upstream

register = template.Library()


@register.simple_tag
def national_id_sign_in() -> bool:
    """True when an upstream national identity provider is configured."""
    return upstream() is not None
