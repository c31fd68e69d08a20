"""Session limits and the second-factor requirement, checked on every request after authentication."""
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from helpdesk.accounts.selectors import second_factor_enrolled, second_factor_required

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
SECOND_FACTOR = "accounts_second_factor"  # "required", "enrolled" or "" (decided once, at login)
ENDED = "accounts_session_ended"  # why the last session ended, shown on the login page
SEEN_RESOLUTION = 60  # seconds: the idle clock is written at most once a minute
# A page that reloads itself (an import's progress) adds this to its address: a reload is not
# someone at the phone, so it must not keep an idle session alive.
AUTO_REFRESH_PARAM = "auto"


@receiver(user_logged_in)
def _remember_login(sender, request, user, **kwargs):
    """Stamp the session at login: when it started, and whether this user needs a second factor."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[SECOND_FACTOR] = _second_factor_state(user)


def _second_factor_state(user) -> str:
    if second_factor_enrolled(user):
        return "enrolled"
    return "required" if second_factor_required(user) else ""


class SessionLimitsMiddleware:
    """End a session ``SESSION_COOKIE_AGE`` seconds after login or ``SESSION_IDLE_TIMEOUT`` seconds after the last request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.setdefault(SEEN_AT, now)
            if now - login_at > settings.SESSION_COOKIE_AGE:
                return self._end(request, "max_age")
            if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
                return self._end(request, "idle")
            if now - seen_at >= SEEN_RESOLUTION and AUTO_REFRESH_PARAM not in request.GET:
                session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, reason: str):
        logout(request)
        request.session[ENDED] = reason
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorMiddleware:
    """Send a user who must use a second factor, and has not yet in this session, to enter or set it up.

    Costs no query for users without one: the need is decided at login and kept in the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._exempt(request.path):
            state = request.session.get(SECOND_FACTOR)
            if state is None:  # a session from before this check existed
                state = request.session[SECOND_FACTOR] = _second_factor_state(user)
            if state:
                target = "accounts:second_factor" if state == "enrolled" else "accounts:second_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        open_paths = (reverse("accounts:second_factor"), reverse("logout"), reverse("set_language"), "/" + settings.STATIC_URL.lstrip("/"))
        return path.startswith(open_paths)
