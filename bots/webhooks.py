"""Webhook endpoints. Authenticity first, then parsing; a bad payload gets 400, never 500.

Each view is a thin adapter: check the signature, parse, then either

- ``store``: channels that answer through their API (Telegram, Messenger, Viber messages
  and events) only store the event (``bots.services.inbound_store``: one INSERT … ON
  CONFLICT DO NOTHING plus its task) and answer 200 at once; the ``replies``
  worker runs the conversation, in order per conversation; or
- ``inbound_receive``: channels whose reply *is* the HTTP answer (Twilio SMS and
  voice TwiML, Viber's welcome) run the conversation in the request and return
  the stored answer (the same answer for a retried webhook).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from bots import services
from bots.channels import clean_payload, messenger, telegram, twilio, viber
from bots.conversation import messages as m
from bots.services.inbound import conversation_start_at
from bots.services.outbound import outbound_mark, outbound_mark_until
from bots.services.voice import voice_caller_id
from bots.voice import voice_answer, voice_handler
from helpdesk.stateless import stateless

log = logging.getLogger(__name__)

JSON = "application/json"


def _forbidden(channel: str, request) -> HttpResponse:
    log.warning("bots: %s webhook refused: bad or missing signature from %s", channel, request.META.get("REMOTE_ADDR"))
    return HttpResponseForbidden("bad signature")


def _bad(channel: str, reason: str) -> HttpResponse:
    log.warning("bots: %s webhook ignored a malformed payload: %s", channel, reason[:200])
    return HttpResponseBadRequest(reason[:200])


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")  # json accepts NaN/Infinity; no channel sends them and PostgreSQL rejects them


def _json(request) -> dict | list | None:
    try:
        return json.loads(request.body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return None


def store(channel: str, external_id: str, payload: dict, **event) -> None:
    """Store the event for the worker (every channel that replies through its API uses this); never raises."""
    try:
        services.inbound_store(channel=channel, external_id=external_id, payload=payload, **event)
    except Exception:
        log.exception("bots: %s %s could not be stored; payload kept for review", channel, external_id)
        services.inbound_record_failure(channel=channel, external_id=external_id, payload=payload)


def _receive(channel: str, external_id: str, payload: dict, call: Callable[[], services.Received], fallback: str = "") -> str:
    """Run the service; on an unexpected error keep the payload, log it and answer anyway."""
    try:
        return call().body
    except Exception:
        log.exception("bots: %s %s could not be processed; payload kept for review", channel, external_id)
        services.inbound_record_failure(channel=channel, external_id=external_id, payload=payload)
        return fallback


@stateless
@csrf_exempt
@require_POST
def telegram_webhook(request):
    if not telegram.verify(request):
        return _forbidden("telegram", request)
    data = _json(request)
    try:
        update = telegram.parse(data)
    except ValueError as exc:
        return _bad("telegram", str(exc))
    if update.user_id is None:
        log.info("bots: telegram update %s (%s) stored but not answered: not a private chat message", update.external_id, update.kind)
    store(  # inbound_store cleans the payload and texts (NUL, lone surrogates) once
        "telegram", update.external_id, data, user_id=update.user_id, text=update.text, kind=update.kind,
        display_name=update.display_name, converse=update.kind in ("message", "callback_query"),
    )
    return HttpResponse("", content_type=JSON)


def _viber_welcome(subscribed: bool, context: str):
    def welcome(conversation) -> list[str]:
        """Viber shows this when the user opens the chat; it is part of the webhook answer."""
        conversation_start_at(conversation, context)  # a centre's deep link: viber://pa?chatURI=...&context=NDG
        # Not yet subscribed: Viber refuses our messages until the user writes (or subscribes).
        if not conversation.inbound.filter(kind__in=("message", "subscribed")).exists():
            conversation.subscribed = subscribed
        return _welcome_replies(conversation)

    return welcome


def _welcome_replies(conversation) -> list[str]:
    lang = conversation.state.get("lang", "")
    conversation.state = {**conversation.state, "step": "menu" if lang else "lang", "data": {}}
    if lang:
        return [m.render(m.WELCOME, lang) + "\n\n" + m.render(m.MENU, lang)]
    return [m.render(m.WELCOME, None) + "\n\n" + m.CHOOSE_LANGUAGE]


@csrf_exempt
@require_POST
def viber_webhook(request):
    if not viber.verify(request):
        return _forbidden("viber", request)
    data = _json(request)
    try:
        event = viber.parse(data)
    except ValueError as exc:
        return _bad("viber", str(exc))
    if event.event == "webhook":
        return HttpResponse("", content_type=JSON)  # Viber checks the URL answers 200 when set_webhook is called
    if event.event in viber.STATUS_EVENTS:
        outbound_mark(channel="viber", external_id=clean_payload(str(data["message_token"])), status=event.event,
                      error=clean_payload(event.description), user_id=clean_payload(event.user_id or ""))
        return HttpResponse("", content_type=JSON)
    data = clean_payload(data)
    if event.event != "conversation_started":
        store(
            "viber", event.external_id, data, user_id=event.user_id, kind=event.event, display_name=clean_payload(event.display_name),
            text=clean_payload(event.text) if event.event == "message" else "", converse=event.event == "message",
        )
        return HttpResponse("", content_type=JSON)
    # Synchronous on purpose: Viber shows the welcome only if it is the body of this answer
    # (a message sent later through the API is refused until the user writes).
    context = data.get("context") if isinstance(data.get("context"), str) else ""
    body = _receive("viber", event.external_id, data, lambda: services.inbound_receive(
        channel="viber", external_id=event.external_id, user_id=event.user_id, payload=data, kind=event.event,
        display_name=clean_payload(event.display_name), handle=_viber_welcome(data.get("subscribed") is True, context),
        answer=lambda replies: viber.welcome_body(replies[0]) if replies else "",
    ))
    return HttpResponse(body, content_type=JSON)


def _twilio_form(request, *required: str) -> dict | None:
    data = clean_payload({key: request.POST.get(key, "") for key in request.POST})
    if any(not data.get(field) for field in required):
        return None
    return data


@csrf_exempt
@require_POST
def twilio_sms_webhook(request):
    # Synchronous on purpose: the reply is the TwiML of this answer (Twilio sends it as the SMS),
    # which costs no Messages API call and keeps the reply in the same request as the message.
    if not twilio.verify(request):
        return _forbidden("twilio", request)
    data = _twilio_form(request, "MessageSid", "From")
    if data is None:
        return _bad("twilio", "SMS without MessageSid or From")
    body = _receive("sms", data["MessageSid"], data, lambda: services.inbound_receive(
        channel="sms", external_id=data["MessageSid"], user_id=data["From"], payload=data,
        text=data.get("Body", ""), answer=twilio.messaging_twiml, attachments=twilio.attachments(data),
    ), fallback=twilio.messaging_twiml([m.render(m.BOT_ERROR, None)]))
    return HttpResponse(body, content_type="text/xml")


@stateless
@csrf_exempt
@require_POST
def twilio_status_webhook(request):
    """Twilio's status callback for an SMS we sent: delivered, undelivered/failed or read (by MessageSid).

    Other statuses (queued, sending, sent, ...) change nothing; ``outbound_mark`` never moves a
    status backwards, so a retried or late callback changes nothing twice.
    """
    if not twilio.verify(request):
        return _forbidden("twilio", request)
    data = _twilio_form(request, "MessageSid", "MessageStatus")
    if data is None:
        return _bad("twilio", "status callback without MessageSid or MessageStatus")
    status = twilio.STATUS_MAP.get(data["MessageStatus"].strip().lower())
    if status:
        error = f"Twilio error {data.get('ErrorCode') or '?'}" if status == "failed" else ""
        for channel in ("sms", "voice"):  # callers of the voice line are answered by SMS too
            outbound_mark(channel=channel, external_id=data["MessageSid"], status=status, error=error)
    return HttpResponse("")


@csrf_exempt
@require_POST
def twilio_voice_webhook(request):
    # Synchronous by nature: the caller is on the line, waiting for the TwiML that says what to play next.
    if not twilio.verify(request):
        return _forbidden("twilio", request)
    data = _twilio_form(request, "CallSid")  # From is empty when some networks withhold the number
    if data is None:
        return _bad("twilio", "call without CallSid")
    data.setdefault("From", "")
    digits = data.get("Digits", "")
    external_id = f"{data['CallSid']}:{digits}" if digits else data["CallSid"]
    caller = voice_caller_id(caller=data["From"], call_sid=data["CallSid"])
    body = _receive("voice", external_id, data, lambda: services.inbound_receive(
        channel="voice", external_id=external_id, user_id=caller, payload=data, kind="call",
        text=digits, handle=voice_handler(digits), answer=voice_answer(digits, request.path),
    ), fallback=voice_answer("", request.path)([]))
    return HttpResponse(body, content_type="text/xml")


@stateless
@csrf_exempt
@require_http_methods(["GET", "POST"])
def messenger_webhook(request):
    """Meta checks the URL with a GET (verify token, challenge), then POSTs signed batches of events."""
    if request.method == "GET":
        challenge = messenger.verify_subscription(request.GET)
        if challenge is None:
            log.warning("bots: messenger webhook check refused: wrong hub.verify_token or hub.mode from %s", request.META.get("REMOTE_ADDR"))
            return HttpResponseForbidden("bad verify token")
        return HttpResponse(challenge, content_type="text/plain")
    if not messenger.verify(request):
        return _forbidden("messenger", request)
    try:
        events = messenger.parse(_json(request))
    except ValueError as exc:
        return _bad("messenger", str(exc))
    for event in events:
        _messenger_event(event)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")  # Meta resends the whole batch unless it gets a 200


def _messenger_event(event: messenger.MessengerEvent) -> None:
    """Store each message or postback once by its mid; receipts update our replies; echoes are our own sends."""
    if event.kind in ("delivery", "read"):
        status = "delivered" if event.kind == "delivery" else "seen"
        for mid in event.delivered:
            outbound_mark(channel="messenger", external_id=clean_payload(mid), status=status)
        if event.user_id and (until := messenger.watermark_time(event.watermark)):
            outbound_mark_until(channel="messenger", user_id=clean_payload(event.user_id), status=status, until=until)
        return
    if event.kind not in messenger.USER_KINDS:
        log.info("bots: messenger %s event not stored", event.kind)
        return
    payload = clean_payload(event.payload)
    # Stored only: the worker re-reads the attachments from this payload (one messaging event).
    store("messenger", event.external_id, payload, user_id=event.user_id, text=clean_payload(event.text), kind=event.kind)
