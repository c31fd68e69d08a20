"""Account pages: login, second factor, password change, ending sessions. Thin: the work is in services."""
import base64

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.accounts import services
from helpdesk.accounts.forms import PasswordConfirmForm, TokenForm
from helpdesk.accounts.middleware import ENDED, SECOND_FACTOR
from helpdesk.accounts.selectors import (
    recovery_codes_left,
    second_factor_enrolled,
    second_factor_required,
    totp_device_for_user,
)

RECOVERY_CODES = "accounts_new_recovery_codes"


def _next_url(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse_lazy(default)


class LogoutView(auth_views.LogoutView):
    """Django's logout, also telling the browser to drop its HTTP cache of the site's pages.

    Not ``Clear-Site-Data: "storage"``: it would delete the offline outreach entries not yet sent (nothing is
    lost). The pages' logout (app.js, outreach.js) deletes everything readable before the request instead: the
    lists, the cache, the service worker and the user's key; unsent entries stay encrypted under a key only
    the server gives that user (docs/outreach.md).
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        return response


class LoginView(auth_views.LoginView):
    """Django's login, saying why the previous session ended (idle, 8 hours, everywhere)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_ended"] = self.request.session.pop(ENDED, "")
        context["email_reset"] = bool(settings.EMAIL_HOST)
        context["idle_minutes"] = settings.SESSION_IDLE_TIMEOUT // 60
        context["max_hours"] = max(1, settings.SESSION_COOKIE_AGE // 3600)
        return context


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (staff and admin alike): 429, in Burmese and English."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def second_factor(request):
    """Ask for the code from the authenticator app (or a recovery code) after the password."""
    if not second_factor_enrolled(request.user):
        if second_factor_required(request.user):
            return redirect(f"{reverse_lazy('accounts:second_factor_setup')}?{request.GET.urlencode()}")
        request.session[SECOND_FACTOR] = ""  # an admin removed an optional second factor
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.second_factor_verify(request=request, token=form.cleaned_data["token"])
        if outcome == services.VERIFIED:
            return redirect(_next_url(request))
        if outcome == services.THROTTLED:
            form.add_error("token", _("Too many wrong codes. Wait a minute, then try the newest code from the app."))
        else:
            form.add_error("token", _("This code is not right or was already used. Try the newest code from the app."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)})


@login_required
def second_factor_setup(request):
    """Enrol an authenticator app: show its key as a QR code, confirm with a first code, then recovery codes."""
    if second_factor_enrolled(request.user) and not request.user.is_verified():
        return redirect(f"{reverse_lazy('accounts:second_factor')}?{request.GET.urlencode()}")
    device = services.totp_enrolment_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrolment_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            request.session[SECOND_FACTOR] = "enrolled"
            request.session[RECOVERY_CODES] = codes
            return redirect(f"{reverse_lazy('accounts:recovery_codes')}?{request.GET.urlencode()}")
        form.add_error("token", _("This code is not right. Check the phone's clock and type the newest code."))
    return render(request, "accounts/second_factor_setup.html", {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code for the authenticator app")),
        "key": base64.b32encode(device.bin_key).decode(),
        "required": second_factor_required(request.user),
        "next": _next_url(request),
    })


@login_required
def recovery_codes(request):
    """Show new recovery codes once (after enrolment or on request); each works once instead of the app."""
    if request.method == "POST":
        if not request.user.is_verified():
            raise Http404
        request.session[RECOVERY_CODES] = services.recovery_codes_issue(user=request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_CODES, None)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


def _security_page(request, form: PasswordConfirmForm, status: int = 200):
    return render(request, "accounts/security.html", {
        "totp": totp_device_for_user(request.user),
        "codes_left": recovery_codes_left(request.user),
        "required": second_factor_required(request.user),
        "form": form,
    }, status=status)


@login_required
def account_security(request):
    """One page for the user's own account: password, second factor, ending every session."""
    return _security_page(request, PasswordConfirmForm())


@login_required
@require_POST
def logout_everywhere(request):
    """End every session of this user, on this device and all others, after checking the password."""
    form = PasswordConfirmForm(request.POST)
    if form.is_valid() and services.sessions_end_everywhere(request=request, password=form.cleaned_data["password"]):
        logout(request)
        request.session[ENDED] = "everywhere"
        return redirect("login")
    form.add_error("password", _("This is not your password."))
    return _security_page(request, form, status=400)


def password_reset(request):
    """Reset by e-mail exists only when the server can send e-mail; otherwise an admin hands over a link."""
    if not settings.EMAIL_HOST:
        raise Http404
    return auth_views.PasswordResetView.as_view(
        success_url=reverse_lazy("accounts:password_reset_done"),
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
    )(request)
