"""Receiving: store each inbound message once, run the engine, queue or return the replies."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bots import conversation as engine
from bots.channels import AttachmentRef, clean_payload
from bots.conversation.words import read, sensitive_word, start_parameter
from bots.models import CONTACT_CHANNEL, Attachment, Conversation, InboundMessage, OutboundMessage, OutboundStatus
from bots.services.attachments import attachments_store
from bots.services.effects import DatabaseEffects, conversation_sensitive_words, move_to_centre
from bots.services.outbound import outbound_queue
from helpdesk.choices import Gender, Service
from helpdesk.models import Centre
from helpdesk.services import contact_log

log = logging.getLogger(__name__)

# Renders the replies into the webhook's HTTP answer (TwiML, a Viber welcome message);
# None means the replies go out through the channel's API instead.
Answer = Callable[[list[str]], str]


@dataclass(frozen=True)
class Received:
    inbound: InboundMessage
    created: bool

    @property
    def body(self) -> str:
        return self.inbound.response_body


def default_centre() -> Centre | None:
    """Return the centre new bot conversations belong to (``BOT_DEFAULT_CENTRE``)."""
    code = getattr(settings, "BOT_DEFAULT_CENTRE", "")
    return Centre.objects.filter(code=code, active=True).first() if code else None


def conversation_for(*, channel: str, user_id: str, display_name: str = "") -> Conversation:
    """Return the channel user's conversation, locked for this transaction (created on first contact)."""
    locked = Conversation.objects.select_for_update(of=("self",)).select_related("last_contact", "centre")
    conversation = locked.filter(channel=channel, external_user_id=user_id).first()
    if conversation is None:
        conversation, _created = locked.get_or_create(
            channel=channel, external_user_id=user_id,
            defaults={"display_name": display_name[:200], "centre": default_centre()},
        )
    elif display_name and conversation.display_name != display_name[:200]:
        conversation.display_name = display_name[:200]
    return conversation


HISTORY_FIELDS = (
    "display_name", "centre_id", "person_id", "language", "zawgyi", "attention", "attention_since", "subscribed", "sensitive", "last_contact_id",
    "broadcasts_stopped_at",
)


def _tracked(conversation: Conversation) -> tuple:
    return tuple(getattr(conversation, name) for name in HISTORY_FIELDS)


def conversation_log_contact(conversation: Conversation) -> None:
    """Count the conversation as one helpline contact per Yangon day, not one per message."""
    if conversation.centre_id is None:
        return
    today = timezone.localdate()
    contact = conversation.last_contact
    if contact is not None and contact.date == today and contact.centre_id == conversation.centre_id:
        return
    conversation.last_contact = contact_log(
        centre=conversation.centre, staff=None, service=Service.HELPLINE,
        channel=CONTACT_CHANNEL[conversation.channel], person=conversation.person,
        gender=Gender.UNDISCLOSED,  # used only without a person: the bot has not asked, so it is not disclosed
        notes=f"{conversation.get_channel_display()} bot conversation #{conversation.pk}",
    )


@transaction.atomic
def inbound_receive(
    *,
    channel: str,
    external_id: str,
    user_id: str | None,
    payload: dict,
    text: str = "",
    kind: str = "message",
    display_name: str = "",
    answer: Answer | None = None,
    converse: bool = True,
    handle: Callable[[Conversation], list[str]] | None = None,
    attachments: Sequence[AttachmentRef] = (),
) -> Received:
    """Store an inbound event once and answer it; a replay returns the first answer and changes nothing.

    ``converse`` runs the conversation engine on ``text``; events that are not
    messages (subscribed, delivered, ...) are only stored. ``handle`` replaces
    the engine for channels with their own menu (the voice line). ``attachments``
    (photos, documents, voice notes, places) are recorded and fetched by the worker.
    """
    # Whatever the channel sent, store nothing PostgreSQL would refuse (NUL, lone surrogates).
    external_id, text, display_name, payload = clean_payload([str(external_id)[:100], text, display_name, payload])
    user_id = clean_payload(str(user_id)) if user_id else None
    inbound, created = InboundMessage.objects.get_or_create(
        channel=channel, external_id=external_id,
        defaults={"payload": payload, "text": text[:10000], "kind": kind},
    )
    if not created:
        log.info("bots: replayed %s %s answered from store", channel, inbound.external_id)
        return Received(inbound, False)
    replies: list[str] = []
    if user_id:
        inbound.sender, inbound.sender_name = user_id[:100], display_name[:200]
        conversation = conversation_for(channel=channel, user_id=user_id[:100], display_name=display_name)
        replies = inbound_run(inbound, conversation, text=text, kind=kind, converse=converse, handle=handle, attachments=attachments)
        for reply in replies:
            if answer is None:
                outbound_queue(conversation=conversation, text=reply, inbound=inbound)
            else:
                OutboundMessage.objects.create(
                    conversation=conversation, inbound=inbound, text=reply, status=OutboundStatus.SENT,
                    attempts=1, sent_at=timezone.now(),
                )
    if answer is not None:
        inbound.response_body = answer(replies)
    inbound.processed_at = timezone.now()
    inbound.save()
    return Received(inbound, True)


def inbound_run(
    inbound: InboundMessage, conversation: Conversation, *, text: str, kind: str, converse: bool,
    handle: Callable[[Conversation], list[str]] | None = None, attachments: Sequence[AttachmentRef] = (),
) -> list[str]:
    """Run one event in its (locked) conversation and save the conversation; return the turn's reply, if any.

    Shared by the webhook that answers in its response (SMS, voice, Viber's welcome)
    and by the worker that processes stored events (``bots.services.events``).
    """
    before = _tracked(conversation) if conversation.pk else None
    inbound.conversation = conversation
    files = attachments_store(inbound=inbound, conversation=conversation, refs=attachments) if attachments else []
    replies: list[str] = []
    if handle is not None:
        replies = handle(conversation)
        conversation.last_message_at = timezone.now()
    elif converse:
        replies, inbound.text = _converse(conversation, text, files)
    elif kind in ("subscribed", "unsubscribed"):
        conversation.subscribed = kind == "subscribed"
    if not converse or handle is not None:
        inbound.text = read(text, zawgyi_known=conversation.zawgyi)[0][:10000]  # an edit in Zawgyi reads as Unicode too
        if sensitive_word(inbound.text, conversation_sensitive_words(conversation)):
            conversation.sensitive = True  # an edited message is in the transcript too
    # History records changes staff care about (centre, person, hand-over), not every message.
    if before == _tracked(conversation):
        conversation.skip_history_when_saving = True  # simple_history checks for the attribute, not its value
    conversation.save()
    conversation.__dict__.pop("skip_history_when_saving", None)
    # One message per turn: fewer SMS segments to pay for, and replies arrive in order.
    # Nothing for a person who opted out by SMS STOP: the carrier refuses it (error 21610).
    opted_out = conversation.channel == "sms" and not conversation.subscribed
    return ["\n\n".join(replies)] if replies and not opted_out else []


def conversation_start_at(conversation: Conversation, code: str) -> None:
    """Give the conversation to the centre named by a deep link (a poster's QR code: ``/start NDG``).

    Only before the migrant has picked a centre or left details: a link never
    moves an existing case.
    """
    centre = Centre.objects.filter(code__iexact=code[:12], active=True).first() if code else None
    if centre is not None and conversation.person_id is None and not conversation.callbacks.exists():
        move_to_centre(conversation, centre)
        # The migrant chose this centre (its poster): a complaint goes there without asking which.
        conversation.state = {**conversation.state, "centre_chosen": True}


def _converse(conversation: Conversation, text: str, files: Sequence[Attachment] = ()) -> tuple[list[str], str]:
    """Run the engine; return the replies and the message as Unicode (what staff read)."""
    if conversation.channel != "sms":
        conversation.subscribed = True  # writing to a Telegram/Viber bot re-opens it; on SMS only START does
    conversation_start_at(conversation, start_parameter(text))
    conversation_log_contact(conversation)
    effects = DatabaseEffects(conversation, attachments=files)
    turn = engine.respond(conversation.state, text, effects, attachments=[a.kind for a in files], channel=conversation.channel)
    conversation.state = turn.state
    conversation.language = turn.state["lang"]
    conversation.zawgyi = turn.state["zawgyi"]
    conversation.last_message_at = timezone.now()
    unicode_text = read(text, zawgyi_known=turn.state["zawgyi"])[0]
    conversation.last_message_text = (unicode_text or " ".join(f"[{a.kind}]" for a in files))[:200]
    # The effects may have moved the conversation or created a person: log against the final centre.
    conversation_log_contact(conversation)
    return turn.replies, unicode_text


@transaction.atomic
def inbound_record_failure(*, channel: str, external_id: str, payload: dict) -> None:
    """Keep a payload we could not process, so an admin can see it; its retries are answered, not re-run."""
    InboundMessage.objects.get_or_create(
        channel=channel, external_id=clean_payload(str(external_id))[:100], defaults={"payload": clean_payload(payload), "kind": "error"}
    )
