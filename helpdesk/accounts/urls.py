from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from helpdesk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("security/", views.account_security, name="security"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("password_change/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change_form.html", success_url=reverse_lazy("accounts:password_change_done")), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("password_reset/", views.password_reset, name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
]
