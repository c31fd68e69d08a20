from django import template

from complaints.money import format_mmk, format_rate

register = template.Library()


@register.filter
def mmk(value) -> str:
    """``{{ amount|mmk }}`` gives ``1,500,000 MMK``."""
    return format_mmk(value)


@register.filter
def number(value) -> str:
    """``{{ rate|number }}``: thousands separators, no trailing zeros, no currency."""
    return format_rate(value)
