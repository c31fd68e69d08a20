"""The decorators of the agency pages, built on agencies.selectors and helpdesk.selectors."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from agencies.selectors import user_can_see_agency_register
from helpdesk.permissions import admin_required  # noqa: F401  (the agency pages' admin gate is the helpdesk one)


def register_access_required(view):
    """Staff, managers and admins; others (project officers) get 403, strangers the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can_see_agency_register(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
