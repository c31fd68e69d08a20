"""Which bot conversations a user may see: their centres' (admins: all, including unassigned ones)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.http import Http404

from bots.models import (
    Attachment,
    AttachmentStatus,
    Attention,
    CallbackRequest,
    ComplaintEvidence,
    Conversation,
    OutboundMessage,
)
from helpdesk.choices import Role
from helpdesk.selectors import user_centre_ids, user_is_admin


def conversations_for_user(user) -> QuerySet[Conversation]:
    """Conversations of the user's centres; a sensitive one (abuse, trafficking, a listed word) only for
    the centre's managers, admins and the staff assigned to a case opened from *that* conversation.

    Keyed on the conversation's own sensitivity and cases, never on its person: carrying some other
    case of the same migrant must not open the transcript.
    """
    queryset = Conversation.objects.select_related("centre", "person")
    if not user.is_authenticated:
        return queryset.none()
    if user_is_admin(user):
        return queryset
    ids = user_centre_ids(user)
    if not ids:
        return queryset.none()
    managed = user_centre_ids(user, (Role.MANAGER,))
    # Only a case of the conversation's own centre counts (a conversation can move centre after a case).
    carried = Conversation.complaints.through.objects.filter(
        complaint__assigned_to_id=user.pk, complaint__centre_id=F("conversation__centre_id")
    ).values("conversation_id")
    return queryset.filter(centre_id__in=ids).filter(Q(sensitive=False) | Q(centre_id__in=managed) | Q(pk__in=carried))


WAITING_PERSON = "person"
WAITING_CALLBACK = "callback"


def conversations_waiting(conversations: QuerySet[Conversation], waiting: str) -> QuerySet[Conversation]:
    """Narrow to conversations where someone waits for a person (handover), or has a call-back not yet done.

    The inbox's ``?waiting=`` filter and the dashboard's counts use this, so the link lists what was counted.
    """
    if waiting == WAITING_PERSON:
        return conversations.filter(attention=Attention.HANDOVER)
    if waiting == WAITING_CALLBACK:
        return conversations.filter(pk__in=CallbackRequest.objects.filter(done_at=None).values("conversation_id"))
    return conversations


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
    attachments: tuple[Attachment, ...] = ()


TRANSCRIPT_KINDS = ("message", "callback_query", "edited_message", "call", "postback", "referral")


def conversation_transcript(conversation: Conversation, limit: int = 300) -> list[TranscriptLine]:
    """Return the last messages both ways, oldest first."""
    inbound = conversation.inbound.filter(kind__in=TRANSCRIPT_KINDS).prefetch_related("attachments").order_by("-received_at", "-id")[:limit]
    outbound = conversation.outbound.select_related("sent_by").order_by("-created_at", "-id")[:limit]
    lines = [TranscriptLine(i.received_at, True, i.text, i.kind, attachments=tuple(i.attachments.all())) for i in inbound]
    lines += [TranscriptLine(o.created_at, False, o.text, "reply", o) for o in outbound]
    return sorted(lines, key=lambda line: line.at)[-limit:]


def conversation_open_callbacks(conversation: Conversation) -> QuerySet[CallbackRequest]:
    return conversation.callbacks.filter(done_at__isnull=True).select_related("centre")


def attachment_get_for_user(user, pk) -> Attachment:
    """The attachment, for a user who sees its conversation or a case it is evidence of; 404 otherwise."""
    from complaints.selectors import visible_complaints

    visible = Q(conversation__in=conversations_for_user(user).values("pk")) | Q(evidence__complaint__in=visible_complaints(user).values("pk"))
    try:
        return Attachment.objects.select_related("conversation").filter(visible).distinct().get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def evidence_complaints(user, conversation: Conversation):
    """The cases a file of this conversation may be added to: its own cases and its person's, that the user sees."""
    from complaints.selectors import visible_complaints

    mine = Q(bot_conversations=conversation)
    if conversation.person_id:
        mine |= Q(complainant_id=conversation.person_id)
    return visible_complaints(user).filter(mine).distinct().order_by("-opened_at")


def complaint_evidence(complaint) -> list[ComplaintEvidence]:
    return list(ComplaintEvidence.objects.filter(complaint=complaint, attachment__status=AttachmentStatus.STORED).select_related("attachment", "added_by"))
