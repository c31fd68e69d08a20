"""set_webhooks against the fake Telegram/Viber API; bots_send_pending after an outage."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bots.models import Conversation, OutboundMessage
from bots.services import outbound_queue
from tests.bots.conftest import MESSENGER_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN, VIBER_TOKEN

pytestmark = pytest.mark.django_db


def test_set_webhooks_registers_telegram_with_its_secret_and_viber(fake_api):
    out = StringIO()
    call_command("set_webhooks", "--base-url", "https://helpdesk.example.org/", stdout=out)
    telegram, viber, messenger, profile = fake_api.requests
    assert telegram["path"] == f"/bot{TELEGRAM_TOKEN}/setWebhook"
    assert telegram["body"]["url"] == "https://helpdesk.example.org/bots/telegram/"
    assert telegram["body"]["secret_token"] == TELEGRAM_SECRET
    assert set(telegram["body"]["allowed_updates"]) == {"message", "edited_message", "callback_query"}
    assert viber["path"] == "/pa/set_webhook" and viber["headers"]["X-Viber-Auth-Token"] == VIBER_TOKEN
    assert viber["body"]["url"] == "https://helpdesk.example.org/bots/viber/"
    assert "conversation_started" in viber["body"]["event_types"]
    assert messenger["path"] == f"/v25.0/me/subscribed_apps?access_token={MESSENGER_TOKEN}"
    fields = "messages,messaging_postbacks,messaging_referrals,message_deliveries,message_reads"
    assert messenger["body"]["subscribed_fields"] == fields
    assert profile["path"].startswith("/v25.0/me/messenger_profile?") and profile["body"] == {"get_started": {"payload": "/start"}}
    text = out.getvalue()
    assert "Callback URL: https://helpdesk.example.org/bots/messenger/" in text and "Page subscribed" in text
    assert "https://helpdesk.example.org/bots/twilio/sms/" in text and "https://helpdesk.example.org/bots/twilio/voice/" in text
    assert "https://helpdesk.example.org/bots/twilio/status/" in text


def test_set_webhooks_reports_a_refusal_without_leaking_the_token(fake_api):
    fake_api.fail_next(1, status=401, body={"ok": False, "error_code": 401, "description": "Unauthorized"})
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("set_webhooks", "--base-url", "https://helpdesk.example.org", "--channel", "telegram", stderr=err)
    assert "Unauthorized" in err.getvalue() and TELEGRAM_TOKEN not in err.getvalue()


def test_set_webhooks_skips_unconfigured_channels(fake_api, settings):
    settings.VIBER_AUTH_TOKEN = settings.MESSENGER_VERIFY_TOKEN = ""
    err, out = StringIO(), StringIO()
    call_command("set_webhooks", "--base-url", "https://h.example.org", stderr=err, stdout=out)
    assert [r["path"].rsplit("/", 1)[-1] for r in fake_api.requests] == ["setWebhook"]
    assert "Viber: skipped" in err.getvalue() and "Messenger: Page not subscribed" in err.getvalue()
    assert "Callback URL: https://h.example.org/bots/messenger/" in out.getvalue()  # the dashboard steps are printed anyway


def test_set_webhooks_reports_a_messenger_refusal_without_leaking_the_token(fake_api):
    fake_api.fail_next(1, status=400, body={"error": {"message": "(#200) Permissions error", "type": "OAuthException", "code": 200}})
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("set_webhooks", "--base-url", "https://h.example.org", "--channel", "messenger", stderr=err, stdout=StringIO())
    assert "Permissions error" in err.getvalue() and MESSENGER_TOKEN not in err.getvalue()


def test_bots_send_pending_sends_what_an_outage_left(centre, fake_api, django_capture_on_commit_callbacks):
    conversation = Conversation.objects.create(channel="telegram", external_user_id="1", centre=centre)
    fake_api.fail_next(1)
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=conversation, text="hello")
    OutboundMessage.objects.filter(pk=outbound.pk).update(next_attempt_at=None)  # as if the retry came due
    out = StringIO()
    call_command("bots_send_pending", stdout=out)
    outbound.refresh_from_db()
    assert outbound.status == "sent" and "1 pending reply enqueued" in out.getvalue()
