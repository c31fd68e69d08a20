from django.urls import path

from complaints import member_views, report_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("export.csv", views.complaint_export, name="export"),
    path("open/<int:person_pk>/", views.complaint_open, name="open"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/move/", views.complaint_move_view, name="move"),
    path("<int:pk>/note/", views.complaint_note, name="note"),
    path("<int:pk>/payments/", views.payment_record, name="payment"),
    path("<int:pk>/reassign/", views.complaint_reassign, name="reassign"),
    path("<int:pk>/summary.pdf", views.complaint_pdf, name="pdf"),
    path("<int:pk>/members/", member_views.members, name="members"),
    path("<int:pk>/members/add/", member_views.member_add, name="member_add"),
    path("<int:pk>/single/", member_views.make_single, name="make_single"),
    path("members/<int:pk>/", member_views.member_change, name="member_change"),
    path("payments/<int:pk>/correct/", views.payment_correct, name="payment_correct"),
    path("payments/<int:pk>/remove/", views.payment_remove, name="payment_remove"),
    path("reports/outcomes/", report_views.outcomes, name="outcomes"),
    path("reports/outcomes.csv", report_views.outcomes_csv, name="outcomes_csv"),
    path("reports/outcomes.<str:fmt>", report_views.outcomes_export, name="outcomes_export"),
]
