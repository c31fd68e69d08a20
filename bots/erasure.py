"""The bots' part of erasing a person (registered in ``BotsConfig.ready``).

Every conversation of the person (linked to them, to one of their cases, or an SMS/voice chat from
their phone) loses its transcript, payloads, stored answers, replies and delivery errors, flow state,
chat id or phone and channel name, in the history too; call-back requests lose the name and phone.
The rows stay (message counts, dates, channels, statuses). The chat id becomes ``erased:<id>``:
if the migrant writes again, a new conversation starts.
"""
from __future__ import annotations

from django.db.models import Case, CharField, Q, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Now

from bots.channels.twilio import messaging_twiml
from bots.models import BotChannel, CallbackRequest, Conversation, InboundMessage, OutboundMessage
from bots.retention import ERASED_PREFIX
from bots.services.attachments import attachments_erase
from helpdesk.erasure import history_blank
from helpdesk.models import ErasureRequest, Person


def erase_conversations(*, person: Person, erasure: ErasureRequest) -> int:
    """Blank everything the bots hold about the person; return the conversations changed."""
    mine = Q(person=person) | Q(complaints__complainant=person)
    if person.phone:
        mine |= Q(channel__in=(BotChannel.SMS, BotChannel.VOICE), external_user_id=person.phone)
    ids = list(Conversation.objects.filter(mine).values_list("pk", flat=True).distinct())
    answer = Case(When(channel__in=("sms", "voice"), then=Value(messaging_twiml([]))), default=Value(""), output_field=TextField())
    InboundMessage.objects.filter(conversation__in=ids).update(
        text="", payload={}, response_body=answer, sender="", sender_name="", processed_at=Coalesce("processed_at", Now()))
    OutboundMessage.objects.filter(conversation__in=ids).update(text="", last_error="")
    attachments_erase(conversations=ids)  # photos of contracts, voice notes and places: files and evidence links
    erased_id = Concat(Value(ERASED_PREFIX), Cast("id", CharField()), output_field=CharField())
    history_blank(Conversation, ids, person_field="person", person=person, external_user_id=erased_id, display_name="")
    Conversation.objects.filter(pk__in=ids).update(
        external_user_id=erased_id, display_name="", state={}, last_message_text="", subscribed=False)

    callbacks = Q(person=person) | Q(conversation__in=ids)
    if person.phone:
        callbacks |= Q(phone=person.phone)
    callback_ids = list(CallbackRequest.objects.filter(callbacks).values_list("pk", flat=True))
    CallbackRequest.objects.filter(pk__in=callback_ids).update(name="", phone="")
    history_blank(CallbackRequest, callback_ids, person_field="person", person=person, name="", phone="")
    return len(ids)
