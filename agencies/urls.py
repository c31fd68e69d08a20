from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("import/", views.agency_import_upload, name="agency_import"),
    path("import/<int:pk>/", views.agency_import_job, name="agency_import_job"),
    path("check/", views.public_check, name="public_check"),
    path("api/lookup", views.api_lookup, name="api_lookup"),
]
