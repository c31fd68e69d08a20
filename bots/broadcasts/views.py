"""Broadcast pages, for centre managers and admins only. Thin: selectors decide access, services write."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bots.broadcasts import selectors, services
from bots.broadcasts.forms import BroadcastForm
from bots.broadcasts.models import Broadcast, BroadcastStatus, SkipReason
from bots.broadcasts.sending import PHOTO_SALT, photo_token
from bots.broadcasts.text import recipient_text
from bots.models import BotChannel


def manager_required(view):
    """Let centre managers and admins in; staff and officers get 403. Never cached."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.user_can_broadcast(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


@manager_required
def broadcast_list(request):
    return render(request, "bots/broadcast_list.html", {"broadcasts": selectors.broadcasts_for_user(request.user)[:100]})


@manager_required
def broadcast_create(request):
    centres = selectors.broadcast_centres_for_user(request.user)
    form = BroadcastForm(request.POST or None, request.FILES or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            broadcast = services.broadcast_create(
                title=form.cleaned_data["title"], text_en=form.cleaned_data["text_en"], text_my=form.cleaned_data["text_my"],
                channels=form.cleaned_data["channels"], centres=form.cleaned_data["centres"], created_by=request.user,
                photo=form.cleaned_data.get("photo") or None,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Saved. Check who it reaches, then send it."))
            return redirect("bots:broadcast_detail", pk=broadcast.pk)
    return render(request, "bots/broadcast_form.html", {"form": form})


def _samples(broadcast: Broadcast) -> list[tuple[str, str, str]]:
    """What recipients read, per channel family and language: (label, lang, text)."""
    samples = []
    for language, label in (("my", _("Burmese")), ("en", _("English"))):
        samples.append((label, language, recipient_text(broadcast, language, "telegram")))
        if "sms" in broadcast.channels:
            samples.append((f"{label}, SMS", language, recipient_text(broadcast, language, "sms")))
    return samples


@manager_required
@require_GET
def broadcast_detail(request, pk):
    broadcast = selectors.broadcast_get_for_user(request.user, pk)
    draft = broadcast.status == BroadcastStatus.DRAFT
    labels, reasons = dict(BotChannel.choices), dict(SkipReason.choices)
    audience = [
        (labels.get(p.channel, p.channel), p.send, [(reasons.get(r, r), n) for r, n in sorted(p.skipped.items())])
        for p in services.broadcast_preview(broadcast)
    ] if draft else []
    reach = [] if draft else selectors.broadcast_reach(broadcast)
    for item in reach:
        item.label = labels.get(item.channel, item.channel)
    return render(request, "bots/broadcast_detail.html", {
        "broadcast": broadcast,
        "draft": draft,
        "samples": _samples(broadcast),
        "audience": audience,
        "reach": reach,
        "sms_receipts": selectors.sms_receipts(),
        "photo_token": photo_token(broadcast) if broadcast.photo else "",
        "activities": list(broadcast.activities.select_related("centre")) if not draft else [],
    })


@manager_required
@require_POST
def broadcast_send(request, pk):
    broadcast = selectors.broadcast_get_for_user(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the message may go to these subscribers."))
        return redirect("bots:broadcast_detail", pk=broadcast.pk)
    try:
        queued = services.broadcast_start(broadcast=broadcast, user=request.user)
    except ValidationError as error:
        messages.error(request, _(services.STILL_SENDING) % error.params)
        return redirect("bots:broadcast_detail", pk=broadcast.pk)
    if queued:
        messages.success(request, _("Sending to %(count)s subscribers; live replies go first.") % {"count": queued})
    return redirect("bots:broadcast_detail", pk=broadcast.pk)


@manager_required
@require_POST
def broadcast_cancel(request, pk):
    broadcast = selectors.broadcast_get_for_user(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that sending should stop."))
    elif stopped := services.broadcast_cancel(broadcast=broadcast):
        messages.success(request, _("Sending stopped: %(count)s subscribers will not get it.") % {"count": stopped})
    return redirect("bots:broadcast_detail", pk=broadcast.pk)


@manager_required
@require_POST
def broadcast_activity(request, pk):
    broadcast = selectors.broadcast_get_for_user(request.user, pk)
    if broadcast.status == BroadcastStatus.DRAFT:
        raise Http404
    try:
        activities = services.broadcast_record_activity(broadcast=broadcast, user=request.user)
    except ValidationError as error:
        messages.error(request, _(error.messages[0]))
    else:
        messages.success(request, _("Recorded as community mobilisation: %(count)s reached, gender not disclosed.") % {
            "count": sum(a.undisclosed_count for a in activities)})
    return redirect("bots:broadcast_detail", pk=broadcast.pk)


@require_GET
def broadcast_photo(request, token):
    """The photo of a broadcast, for the channels that fetch it by URL (signed link: a poster meant to be passed on)."""
    try:
        pk = signing.loads(token, salt=PHOTO_SALT)
    except signing.BadSignature:
        raise Http404 from None
    broadcast = Broadcast.objects.filter(pk=pk).exclude(photo="").first()
    if broadcast is None:
        raise Http404
    response = FileResponse(broadcast.photo.open("rb"), content_type="image/png" if broadcast.photo.name.lower().endswith(".png") else "image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response
