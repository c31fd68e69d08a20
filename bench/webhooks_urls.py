"""The benchmark's URLconf: the real URLs plus /bench/bare/, a view that does nothing (the floor)."""
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    return HttpResponse("", content_type="application/json")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("helpdesk.urls")),
]
