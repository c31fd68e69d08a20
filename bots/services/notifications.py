"""Case updates to migrants: a short message on their bot channel when their case moves, money is recorded,
or staff ask for something; every one goes on the case timeline.

Registered with complaints (``complaints.extensions``) in ``BotsConfig.ready``: complaints never imports bots.
A sensitive case is never messaged unless a manager of its centre ticked "tell the migrant" for that message.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bots.conversation import messages as m
from bots.models import Conversation, OutboundMessage
from bots.retention import ERASED_PREFIX
from bots.services.outbound import outbound_queue
from complaints.choices import EntryKind, Stage
from complaints.extensions import CaseEvent
from complaints.group import own_received
from complaints.models import Complaint
from complaints.selectors import user_manages_complaint
from complaints.services import complaint_add_note
from helpdesk.text import normalize_text

REQUEST_EMPTY = _("Write what you ask the migrant for.")
REQUEST_TOO_LONG = _("A request can be at most 500 characters.")
REQUEST_NO_CHANNEL = _("This migrant has no bot conversation we can write to: call them instead.")
REQUEST_SENSITIVE = _("This case is sensitive: only a manager can message the migrant, by ticking the box.")


def case_conversation(complaint: Complaint) -> Conversation | None:
    """The conversation to tell: one the case was opened from, else one of its complainant, still subscribed.

    The most recently active wins; an erased (retention) conversation never does.
    """
    return (
        Conversation.objects.filter(Q(complaints=complaint) | Q(person_id=complaint.complainant_id))
        .filter(subscribed=True).exclude(external_user_id__startswith=ERASED_PREFIX)
        .order_by("-last_message_at", "-id").first()
    )


def may_message(event: CaseEvent) -> bool:
    """The sensitive-case rule: only with a manager's tick for this very message."""
    complaint = event.complaint
    return not complaint.sensitive or (event.send_if_sensitive and user_manages_complaint(event.by, complaint))


def _text(event: CaseEvent, language: str) -> str:
    complaint = event.complaint
    if event.kind == "stage":
        return m.render(m.CASE_STAGE, language, reference=complaint.reference, stage=m.render(Stage(complaint.stage).label, language))
    if event.kind == "payment":  # on a group case the lead is told their own part so far
        total = own_received(Complaint.objects.with_recovered().get(pk=complaint.pk), complaint.complainant_id)
        amount = Decimal(event.detail.get("amount_mmk") or 0)
        return m.render(m.CASE_PAYMENT, language, reference=complaint.reference, amount=f"{amount:,.0f}", total=f"{total:,.0f}")
    return m.render(m.CASE_REQUEST, language, reference=complaint.reference, text=event.detail.get("text", ""))


def case_notify(event: CaseEvent) -> OutboundMessage | None:
    """Queue the message for ``event`` (sent after commit) and put it on the timeline; None when nobody is told."""
    if not may_message(event):
        return None
    if event.detail.get("member_person_id") not in (None, event.complaint.complainant_id):
        return None  # a payment for another member of a group case is theirs: the lead is not told of it
    conversation = case_conversation(event.complaint)
    if conversation is None:
        return None
    text = _text(event, conversation.language)
    outbound = outbound_queue(conversation=conversation, text=text, sent_by=event.by)
    complaint_add_note(
        complaint=event.complaint, by=event.by, kind=EntryKind.MESSAGE, text=f"{conversation.get_channel_display()}: {text}",
    )
    return outbound


@transaction.atomic
def case_request_send(*, complaint: Complaint, by, text: str, send_if_sensitive: bool = False) -> OutboundMessage:
    """Ask the migrant for something ("Please send a photo of your contract") through their bot channel."""
    text = normalize_text(text)
    if not text:
        raise ValidationError({"text": REQUEST_EMPTY})
    if len(text) > 500:
        raise ValidationError({"text": REQUEST_TOO_LONG})
    event = CaseEvent("request", complaint, by, send_if_sensitive=send_if_sensitive, detail={"text": text})
    if not may_message(event):
        raise ValidationError({"text": REQUEST_SENSITIVE})
    outbound = case_notify(event)
    if outbound is None:
        raise ValidationError({"text": REQUEST_NO_CHANNEL})
    return outbound
