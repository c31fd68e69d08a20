"""The one decorator every personal-data view uses, built on helpdesk.selectors."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from helpdesk.selectors import user_can_see_personal_data, user_can_see_reports


def personal_data_required(view):
    """Let staff, managers and admins in; officers and strangers get 403 (they see aggregates only)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can_see_personal_data(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def reports_required(view):
    """Let officers, managers and admins in to aggregate pages."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can_see_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
