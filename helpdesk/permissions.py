"""The one decorator every personal-data view uses, built on helpdesk.selectors."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.cache import add_never_cache_headers

from helpdesk.selectors import user_can_see_personal_data, user_can_see_reports, user_is_admin


def personal_data_required(view):
    """Let staff, managers and admins in; officers and strangers get 403 (they see aggregates only).

    Every answer is ``Cache-Control: no-store``: a shared centre phone's browser or a proxy keeps no copy.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_can_see_personal_data(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def admin_required(view):
    """Let admins in (superusers and the admin role); everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_is_admin(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

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
