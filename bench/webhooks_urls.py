"""The benchmark's URLconf: the real URLs plus /bench/bare/, a view that does nothing (the floor).

/bench/bare-stateless/ does nothing either but is ``@stateless`` like the webhooks: the floor of
their path through the middleware (the CPU part reports it; the goal is against /bench/bare/).
"""
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from helpdesk.stateless import stateless


@csrf_exempt
def bare(request):
    return HttpResponse("", content_type="application/json")


bare_stateless = stateless(csrf_exempt(lambda request: HttpResponse("", content_type="application/json")))

urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-stateless/", bare_stateless),
    path("", include("helpdesk.urls")),
]
