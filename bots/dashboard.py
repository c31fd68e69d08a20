"""The bot panel on the dashboard: people waiting for staff and call-backs not yet made (one query)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from bots.models import Attention, CallbackRequest
from bots.selectors import WAITING_CALLBACK, WAITING_PERSON, conversations_for_user
from helpdesk.extensions import DashboardItem
from helpdesk.selectors import user_can_see_personal_data


def waiting_panel(request: HttpRequest) -> dict | None:
    """Counts only the conversations the user may open (a hidden sensitive one never counts)."""
    if not user_can_see_personal_data(request.user):
        return None
    open_callbacks = CallbackRequest.objects.filter(done_at=None).values("conversation_id")
    counts = conversations_for_user(request.user).order_by().aggregate(
        person=Count("id", filter=Q(attention=Attention.HANDOVER)),
        callback=Count("id", filter=Q(pk__in=open_callbacks)),
    )
    inbox = reverse("bots:inbox")
    return {"key": "waiting", "title": _("Bot conversations"), "items": [
        DashboardItem(_("conversations waiting for a person"), counts["person"], f"{inbox}?{urlencode({'waiting': WAITING_PERSON})}", "waiting_person"),
        DashboardItem(_("conversations with a call-back waiting"), counts["callback"], f"{inbox}?{urlencode({'waiting': WAITING_CALLBACK})}", "waiting_callback"),
    ]}
