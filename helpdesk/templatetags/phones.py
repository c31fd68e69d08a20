"""``{{ person.phone|phone }}``: a stored E.164 number in its local format with its calling code."""
from django import template

from helpdesk.text import phone_display

register = template.Library()


@register.filter(name="phone")
def phone(value: str | None) -> str:
    return phone_display(value)
