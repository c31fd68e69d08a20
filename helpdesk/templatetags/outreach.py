"""The offline outreach page's per-login database name, for every signed-in page (docs/outreach.md)."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def outreach_user_key(context) -> str:
    """Return the signed-in user's opaque key: app.js deletes other logins' outreach data on this phone."""
    from helpdesk.outreach.selectors import outreach_user_key as key

    request = context.get("request")
    user = getattr(request, "user", None)
    return key(user) if user is not None and user.is_authenticated else ""
