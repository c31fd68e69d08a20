"""The offline outreach page, its service worker, the bootstrap and sync endpoints, and the review list."""
from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk import selectors as core_selectors
from helpdesk.access import Kind, access_record
from helpdesk.outreach import selectors, services
from helpdesk.outreach.models import OutreachReview
from helpdesk.outreach.strings import page_strings
from helpdesk.permissions import personal_data_required

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "helpdesk" / "offline" / "sw.js"


@require_GET
@personal_data_required
def outreach_page(request):
    """The page the service worker keeps: the same for every user (their data comes from the bootstrap, into IndexedDB)."""
    return render(request, "helpdesk/outreach/page.html", {"strings": page_strings()})


@require_GET
@personal_data_required
def service_worker(request):
    """Served under /outreach/ so its scope covers the page (a static file's scope would be /static/)."""
    response = HttpResponse(SERVICE_WORKER.read_text(encoding="utf-8"), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response


@require_GET
@personal_data_required
def bootstrap(request):
    """The user's centres, choices and recent people, and a fresh CSRF token (the cached page may hold none).

    The people list goes onto a phone: it is in the access log as an export, with how many people it held.
    """
    data = selectors.outreach_bootstrap(request.user)
    access_record(request, kind=Kind.EXPORT, detail=f"outreach list: {len(data['people'])} people")
    return JsonResponse({**data, "csrf": get_token(request)})


@require_POST
@personal_data_required
def sync(request):
    """Apply a batch of phone entries; the answer has one result per entry, in the same order."""
    try:
        body = json.loads(request.body or b"{}")
        entries = body["entries"]
        if not isinstance(entries, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest(_("Send a JSON object with a list of entries."), content_type="text/plain; charset=utf-8")
    if len(entries) > services.MAX_BATCH:
        return JsonResponse({"error": _("Send at most %(n)s entries at a time.") % {"n": services.MAX_BATCH}}, status=413)
    return JsonResponse({"results": services.outreach_sync(user=request.user, entries=entries)})


@require_GET
@personal_data_required
def review_list(request):
    reviews = selectors.reviews_for_user(request.user)
    pending = reviews.filter(decision=OutreachReview.Decision.PENDING)
    decided = reviews.exclude(decision=OutreachReview.Decision.PENDING).order_by("-decided_at", "-id")[:20]
    return render(request, "helpdesk/outreach/review_list.html", {"pending": pending, "decided": decided})


@require_POST
@personal_data_required
def review_decide(request, pk):
    review = selectors.review_get_for_user(request.user, pk)
    person = None
    if request.POST.get("decision") == OutreachReview.Decision.SAME and str(request.POST.get("person", "")).isdigit():
        person = core_selectors.people_for_user(request.user).filter(pk=request.POST["person"]).first()
    try:
        services.outreach_review_decide(review=review, decision=request.POST.get("decision", ""), by=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Entry recorded."))
    return redirect("helpdesk:outreach_review_list")
