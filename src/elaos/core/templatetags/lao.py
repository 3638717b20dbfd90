from django import template

from elaos.core import lao

register = template.Library()


@register.filter
def kip(amount: int) -> str:
    return lao.format_kip(amount)


@register.filter
def lao_date(value):  # type: ignore[no-untyped-def]
    return lao.format_date(value) if value else ""


@register.filter
def lao_datetime(value):  # type: ignore[no-untyped-def]
    return lao.format_datetime(value) if value else ""


@register.filter
def loc(obj: object, field: str) -> str:
    return lao.localized(obj, field)
