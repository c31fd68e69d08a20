"""The decorators of the agency pages, built on agencies.selectors and helpdesk.selectors."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from agencies.selectors import user_can_see_agency_register
from helpdesk.selectors import user_is_admin


def register_access_required(view):
    """Staff, managers and admins; others (project officers) get 403, strangers the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can_see_agency_register(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    """Administrators only (the admin role at any centre, or a superuser)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_is_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
