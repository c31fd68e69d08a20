"""Broadcasts in a real browser: a manager writes, previews who it reaches, sends, sees the reach in counts and records
it once; staff get neither the menu entry nor the pages; the create page fits a phone."""
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bots.broadcasts.models import Broadcast
from bots.broadcasts.services import broadcast_create, broadcast_start
from bots.models import Conversation, InboundMessage
from helpdesk.models import Activity
from tests.bots.conftest import FakeChannelAPI
from tests.browser.test_staff_phone import MEASURE, MIN
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

QUEUES = ["default", "replies", "imports"]
NAMES = ("Ko Zaw Htet", "Ma Hnin Wai", "U Aung Myint")
CHAT_IDS = ("5550001111", "5550002222", "7312345678900001")


@pytest.fixture
def channel_api(settings):
    """Telegram, Viber and Messenger go to the bots tests' fake API on 127.0.0.1: no network."""
    api = FakeChannelAPI()
    api.thread.start()
    settings.TELEGRAM_BOT_TOKEN = "7012345678:AAE-browser-test-token"
    settings.VIBER_AUTH_TOKEN = "4a9e3b2c1d0e9f8a-7b6c5d4e3f2a1b0c-browser"
    settings.MESSENGER_PAGE_ACCESS_TOKEN = "EAAGm0PX4ZCpsBAbrowsertoken"
    settings.TELEGRAM_API_BASE = settings.VIBER_API_BASE = settings.TWILIO_API_BASE = api.url
    settings.MESSENGER_API_BASE = f"{api.url}/v25.0"
    settings.BOT_DEFAULT_CENTRE = "NDG"
    settings.BOT_PUBLIC_URL = ""
    yield api
    api.server.shutdown()
    api.server.server_close()


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def run_worker() -> None:
    """What `manage.py db_worker --queue-name replies` does in production: run the queued batches, then stop."""
    call_command("db_worker", "--queue-name", "replies", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_manager_writes_previews_sends_and_records_a_broadcast(live_server, login, channel_api, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    CentreFactory(code="HPA", name="Hpa-an Centre")  # not theirs: not offered
    member("manager", centre, username="daw-khin")
    Conversation.objects.create(channel="telegram", external_user_id=CHAT_IDS[0], display_name=NAMES[0], centre=centre, language="my")
    Conversation.objects.create(channel="telegram", external_user_id=CHAT_IDS[1], display_name=NAMES[1], centre=centre, language="en",
                                broadcasts_stopped_at=timezone.now())
    old = Conversation.objects.create(channel="messenger", external_user_id=CHAT_IDS[2], display_name=NAMES[2], centre=centre, language="en")
    InboundMessage.objects.create(channel="messenger", external_id="m-old", conversation=old, received_at=timezone.now() - timedelta(days=3))

    page = login("daw-khin")
    page.click("nav >> text=Broadcasts")
    page.wait_for_url("**/bots/broadcasts/")
    page.click("text=Write a broadcast")
    page.fill("#id_title", "Licence check")
    page.fill("#id_text_en", "Check the licence before you pay.")
    page.fill("#id_text_my", "ငွေမပေးမီ လိုင်စင် စစ်ပါ။")
    page.check("#broadcast-form label:has-text('Telegram') input")
    page.check("#broadcast-form label:has-text('Messenger') input")
    assert page.locator("#broadcast-form label:has-text('Hpa-an Centre')").count() == 0
    page.check("#broadcast-form label:has-text('CTUM North Dagon') input")
    page.click("text=Save and preview")
    page.wait_for_selector("#audience")

    broadcast = Broadcast.objects.get()
    assert broadcast.status == "draft" and channel_api.requests == []  # nothing goes before Send
    list_tab = page.context.new_page()
    list_tab.goto(f"{live_server.url}/bots/broadcasts/")
    assert flat(list_tab.locator("#broadcasts tbody tr").inner_text()).startswith("Licence check Telegram, Messenger NDG Draft")
    list_tab.close()
    samples = page.inner_text("#samples")
    assert "ငွေမပေးမီ လိုင်စင် စစ်ပါ။" in samples and "Check the licence before you pay." in samples and "reply STOP" in samples
    audience = {flat(row.inner_text()).strip() for row in page.locator("#audience tbody tr").all()}
    assert audience == {"Telegram 1 Replied STOP to broadcasts: 1", "Messenger 0 Outside the messaging window: 1"}, audience

    page.check("input[name=confirm]")
    page.click("#audience ~ form button:has-text('Send')")
    page.wait_for_selector("#reach")
    assert "Sending to 1 subscribers" in page.inner_text("main")
    assert page.locator("#stop-sending").count() == 1  # queued for the worker, not sent yet
    assert channel_api.requests == []

    run_worker()
    assert [r["body"]["chat_id"] for r in channel_api.requests] == [CHAT_IDS[0]]
    assert channel_api.texts()[0].startswith("ငွေမပေးမီ လိုင်စင် စစ်ပါ။")  # she chose Burmese
    page.reload()
    reach = {flat(row.inner_text()).strip() for row in page.locator("#reach tbody tr").all()}
    assert reach == {
        "Telegram 1 not reported not reported 0 0 Replied STOP to broadcasts: 1",
        "Messenger 0 0 0 0 0 Outside the messaging window: 1",
    }, reach
    assert page.locator("#stop-sending").count() == 0  # finished
    html = page.content()
    for secret in NAMES + CHAT_IDS:  # counts only: never who received it or was skipped
        assert secret not in html

    # A second tab still shows the button; the first records, the second is refused.
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    page.click("button:has-text('Record as community mobilisation')")
    page.wait_for_selector("text=Recorded as community mobilisation: 1 reached")
    assert page.locator("button:has-text('Record as community mobilisation')").count() == 0
    assert "NDG: 1" in page.inner_text("main")
    other_tab.click("button:has-text('Record as community mobilisation')")
    other_tab.wait_for_selector("text=This broadcast is already recorded as an activity.")
    activity = Activity.objects.get()
    assert (activity.kind, activity.undisclosed_count, activity.centre) == ("mobilisation", 1, centre)


def test_staff_get_no_broadcasts_and_the_pages_fit_a_phone(live_server, login, channel_api, settings):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    manager = member("manager", centre, username="daw-khin")
    for n, channel in enumerate(("telegram", "viber", "messenger")):
        chat = Conversation.objects.create(channel=channel, external_user_id=f"{n}{CHAT_IDS[0]}", centre=centre, language="my")
        InboundMessage.objects.create(channel=channel, external_id=f"m{n}", conversation=chat, received_at=timezone.now())
    # A link people pass on (a Facebook post) is one long word: it must wrap, not widen the page.
    link = "https://www.facebook.com/ctum.myanmar/posts/pfbid02kXq7Yt9GwLh3vRcM1nZs8PdUo4EaTfBj6KyHx5iQpWmN2lVgC"
    draft, sent, sending = (
        broadcast_create(title=f"Licence check {n}", text_en=f"Check the licence before you pay: {link}",
                         text_my=f"ငွေမပေးမီ အေဂျင်စီ၏ လိုင်စင်ကို စစ်ပါ။ {link} " * 3, channels=channels, centres=[centre],
                         created_by=manager)
        for n, channels in ((1, ["telegram", "viber", "messenger", "sms"]), (2, ["telegram", "viber"]), (3, ["messenger"]))
    )
    broadcast_start(broadcast=sent, user=manager)  # tests run tasks at once: sent through the fake API
    assert len(channel_api.requests) == 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    broadcast_start(broadcast=sending, user=manager)  # queued, no worker runs: its page offers Stop sending

    page = login("moe")
    assert page.locator("nav >> text=Bot inbox").count() == 1
    assert page.locator("nav >> text=Broadcasts").count() == 0
    for path in ("/bots/broadcasts/", "/bots/broadcasts/new/", f"/bots/broadcasts/{sent.pk}/"):
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    for path, data in ((f"/bots/broadcasts/{sending.pk}/stop/", {"confirm": "yes"}), ("/bots/broadcasts/new/", {"title": "x"})):
        response = page.request.post(live_server.url + path, form=data, headers={"X-CSRFToken": token, "Referer": live_server.url + "/"})
        assert response.status == 403 and "CSRF" not in response.text(), path  # refused by role, not for a missing token
    assert Broadcast.objects.get(pk=sending.pk).status == "sending" and Broadcast.objects.count() == 3

    page.set_viewport_size({"width": 375, "height": 812})
    page.context.clear_cookies()
    page = login("daw-khin")
    walk = ["/bots/broadcasts/", "/bots/broadcasts/new/", f"/bots/broadcasts/{draft.pk}/", f"/bots/broadcasts/{sent.pk}/",
            f"/bots/broadcasts/{sending.pk}/"]
    failures = {}
    for language in ("en", "my"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for path in walk:
            page.goto(live_server.url + path)
            fits(page, failures, f"{language} {path}")
        page.goto(live_server.url + "/bots/broadcasts/new/")
        page.locator("#broadcast-form button").click()  # nothing filled in: the page comes back with its errors
        page.wait_for_load_state()
        fits(page, failures, f"{language} /bots/broadcasts/new/ with errors")
        assert ("Write a broadcast" in page.inner_text("h1")) == (language == "en")
    assert failures == {}
    page.goto(f"{live_server.url}/bots/broadcasts/{sending.pk}/")
    assert page.locator("#stop-sending").count() == 1


def fits(page, failures: dict, name: str) -> None:
    """No sideways scroll at 375 px, and every control a tap target (the staff-phone walk's measure)."""
    width, view = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width > view:
        failures[name] = f"{width} px wide on a {view} px screen"
    elif bad := page.evaluate(MEASURE, MIN):
        failures[name] = bad
