from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from api.v1 import api as api_v1
from helpdesk import access_views, erasure_views, merge_views, report_views, transfer_views, views
from helpdesk.accounts import views as account_views

helpdesk_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/consent/", views.person_consent, name="person_consent"),
    path("people/<int:pk>/card.pdf", views.person_card, name="person_card"),
    path("people/<int:person_pk>/refer/", views.referral_create, name="referral_create"),
    path("people/<int:pk>/merge/<int:other_pk>/", merge_views.person_merge, name="person_merge"),
    path("people/<int:pk>/erase/", erasure_views.person_erase, name="person_erase"),
    path("erasures/", erasure_views.erasure_list, name="erasure_list"),
    path("erasures/<int:pk>/confirm/", erasure_views.erasure_confirm, name="erasure_confirm"),
    path("erasures/<int:pk>/cancel/", erasure_views.erasure_cancel, name="erasure_cancel"),
    path("transfers/", transfer_views.transfer_list, name="transfer_list"),
    path("transfers/request/", transfer_views.transfer_request, name="transfer_request"),
    path("transfers/<int:pk>/decide/", transfer_views.transfer_decide, name="transfer_decide"),
    path("transfers/shares/<int:pk>/revoke/", transfer_views.share_revoke, name="share_revoke"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_log, name="contact_log"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_form, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_form, name="activity_edit"),
    path("activities/<int:pk>/attendance/", views.activity_attendance, name="activity_attendance"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_outcome, name="referral_outcome"),
    path("reports/", report_views.beneficiary_report, name="reports"),
    path("reports/beneficiary-table.<str:fmt>", report_views.beneficiary_export, name="report_export"),
    path("imports/contacts/", report_views.import_contacts_upload, name="import_contacts"),
    path("imports/contacts/template.<str:fmt>", report_views.import_template, name="import_template"),
    path("imports/contacts/<int:pk>/", report_views.import_job, name="import_job"),
    path("imports/contacts/<int:pk>/continue/", report_views.import_job_continue, name="import_job_continue"),
    path("access-log/", access_views.access_log, name="access_log"),
    path("access-log/export.csv", access_views.access_log_export, name="access_log_export"),
]

urlpatterns = [
    path("", include((helpdesk_patterns, "helpdesk"))),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("helpdesk.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("agencies/", include("agencies.urls")),
    path("complaints/", include("complaints.urls")),
    path("bots/", include("bots.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),  # issue 14: token-authenticated read API (docs/api.md)
]
