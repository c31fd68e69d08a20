from helpdesk.extensions import NAV_ITEMS
from helpdesk.selectors import user_can_see_personal_data, user_can_see_reports, user_is_admin


def roles(request):
    """Tell templates which menus to show; the views enforce access themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_see_people": user_can_see_personal_data(user),
        "can_see_reports": user_can_see_reports(user),
        "is_admin": user_is_admin(user),
        "nav_items": [item for item in NAV_ITEMS if item.visible(user)],
    }
