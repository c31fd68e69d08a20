"""Which bot conversations a user may see: their centres' (admins: all, including unassigned ones)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from bots.models import CallbackRequest, Conversation, OutboundMessage
from complaints.models import Complaint
from helpdesk.choices import Role
from helpdesk.selectors import user_centre_ids, user_is_admin


def conversations_for_user(user) -> QuerySet[Conversation]:
    """Conversations of the user's centres; sensitive ones (abuse, trafficking reported) only for
    the centre's managers and the staff assigned to the migrant's case, as complaints do."""
    queryset = Conversation.objects.select_related("centre", "person")
    if user_is_admin(user):
        return queryset
    ids = user_centre_ids(user)
    if not ids:
        return queryset.none()
    managed = user_centre_ids(user, (Role.MANAGER,))
    assigned = Complaint.objects.filter(assigned_to_id=user.pk).values("complainant_id")
    return queryset.filter(centre_id__in=ids).filter(
        Q(sensitive=False) | Q(centre_id__in=managed) | Q(person_id__in=assigned)
    )


def conversation_get_for_user(user, pk) -> Conversation:
    """Return the conversation, or 404 when it does not exist or belongs to another centre."""
    try:
        return conversations_for_user(user).get(pk=pk)
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def outbound_get_for_user(user, conversation: Conversation, pk) -> OutboundMessage:
    try:
        return conversation.outbound.get(pk=pk)
    except (OutboundMessage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class TranscriptLine:
    at: datetime
    incoming: bool
    text: str
    kind: str = "message"
    outbound: OutboundMessage | None = None


TRANSCRIPT_KINDS = ("message", "callback_query", "edited_message", "call")


def conversation_transcript(conversation: Conversation, limit: int = 300) -> list[TranscriptLine]:
    """Return the last messages both ways, oldest first."""
    inbound = conversation.inbound.filter(kind__in=TRANSCRIPT_KINDS).order_by("-received_at", "-id")[:limit]
    outbound = conversation.outbound.select_related("sent_by").order_by("-created_at", "-id")[:limit]
    lines = [TranscriptLine(i.received_at, True, i.text, i.kind) for i in inbound]
    lines += [TranscriptLine(o.created_at, False, o.text, "reply", o) for o in outbound]
    return sorted(lines, key=lambda line: line.at)[-limit:]


def conversation_open_callbacks(conversation: Conversation) -> QuerySet[CallbackRequest]:
    return conversation.callbacks.filter(done_at__isnull=True).select_related("centre")
