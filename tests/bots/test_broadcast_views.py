"""Broadcast pages: managers write, preview who it reaches, send, see the reach in counts, record it as an activity."""
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bots.broadcasts.models import Broadcast
from bots.models import Conversation, InboundMessage
from helpdesk.models import Activity
from tests.conftest import SecondFactorClient
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "bot_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


def browser(user) -> SecondFactorClient:
    client = SecondFactorClient()
    client.force_login(user)
    return client


@pytest.fixture
def manager(centre):
    return browser(member("manager", centre, username="mgr"))


def form(centre, **extra) -> dict:
    return {"title": "Licence check", "text_en": "Check the licence before you pay.", "text_my": "ငွေမပေးမီ လိုင်စင် စစ်ပါ။",
            "channels": ["telegram", "messenger"], "centres": [centre.pk], **extra}


def test_a_manager_writes_previews_sends_and_records_a_broadcast(manager, centre, fake_api, django_capture_on_commit_callbacks):
    Conversation.objects.create(channel="telegram", external_user_id="11", centre=centre, language="my")
    Conversation.objects.create(channel="telegram", external_user_id="12", centre=centre, language="en", broadcasts_stopped_at=timezone.now())
    old = Conversation.objects.create(channel="messenger", external_user_id="13", centre=centre, language="en")
    InboundMessage.objects.create(channel="messenger", external_id="m1", conversation=old, received_at=timezone.now() - timedelta(days=3))
    response = manager.post(reverse("bots:broadcast_create"), form(centre))
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bots:broadcast_detail", args=[broadcast.pk])
    page = manager.get(response["Location"]).content.decode()
    assert "ငွေမပေးမီ လိုင်စင် စစ်ပါ။" in page and "reply STOP" in page
    audience = re.sub(r"\s+", " ", page[page.index('id="audience"'):page.index("</table>", page.index('id="audience"'))])
    assert "Telegram</td><td>1</td>" in audience and "Replied STOP to broadcasts: 1" in audience
    assert "Messenger</td><td>0</td>" in audience and "Outside the messaging window: 1" in audience
    assert fake_api.requests == []  # nothing goes before Send
    manager.post(reverse("bots:broadcast_send", args=[broadcast.pk]), {})  # not confirmed
    assert fake_api.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("bots:broadcast_send", args=[broadcast.pk]), {"confirm": "yes"})
    assert len(fake_api.requests) == 1 and fake_api.texts()[0].startswith("ငွေမပေးမီ")
    page = manager.get(reverse("bots:broadcast_detail", args=[broadcast.pk])).content.decode()
    reach = re.sub(r"\s+", " ", page[page.index('id="reach"'):])
    assert "Telegram</td><td>1</td>" in reach and "not reported" in reach and "11" not in reach  # counts, never chat ids
    assert 'id="stop-sending"' not in page  # finished: nothing to stop
    manager.post(reverse("bots:broadcast_activity", args=[broadcast.pk]))
    activity = Activity.objects.get()
    assert (activity.kind, activity.undisclosed_count, activity.centre) == ("mobilisation", 1, centre)
    manager.post(reverse("bots:broadcast_activity", args=[broadcast.pk]))  # once only
    assert Activity.objects.count() == 1


def test_staff_and_officers_are_refused_and_other_centres_see_nothing(centre):
    other = CentreFactory(code="OTH")
    broadcast_pk = _draft(centre)
    for role in ("staff", "officer"):
        user = browser(member(role, centre))
        assert user.get(reverse("bots:broadcast_list")).status_code == 403
        assert user.get(reverse("bots:broadcast_detail", args=[broadcast_pk])).status_code == 403
    stranger = browser(member("manager", other))
    assert stranger.get(reverse("bots:broadcast_detail", args=[broadcast_pk])).status_code == 404
    assert "Licence check" not in stranger.get(reverse("bots:broadcast_list")).content.decode()


def test_a_manager_chooses_only_centres_they_manage(manager, centre):
    other = CentreFactory(code="OTH")
    response = manager.post(reverse("bots:broadcast_create"), form(centre, centres=[other.pk]))
    assert response.status_code == 200 and not Broadcast.objects.exists()


def _draft(centre) -> int:
    user = browser(member("manager", centre))
    user.post(reverse("bots:broadcast_create"), form(centre))
    return Broadcast.objects.get().pk


def test_the_photo_is_kept_privately_and_fetched_by_the_channels_through_a_signed_link(manager, centre, settings, fake_api,
                                                                                       django_capture_on_commit_callbacks):
    settings.BOT_PUBLIC_URL = "https://helpdesk.example.org"
    Conversation.objects.create(channel="telegram", external_user_id="11", centre=centre, language="en")
    photo = SimpleUploadedFile("poster.png", PNG, content_type="image/png")
    manager.post(reverse("bots:broadcast_create"), form(centre, photo=photo))
    broadcast = Broadcast.objects.get()
    assert broadcast.photo.name.startswith("broadcasts/")
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("bots:broadcast_send", args=[broadcast.pk]), {"confirm": "yes"})
    [request] = fake_api.requests
    assert request["path"].endswith("/sendPhoto") and request["body"]["caption"].startswith("Check the licence")
    url = request["body"]["photo"].removeprefix("https://helpdesk.example.org")
    anonymous = SecondFactorClient()
    response = anonymous.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert anonymous.get(url[:-3] + "xyz/").status_code == 404


def test_a_file_that_is_not_a_photo_is_refused(manager, centre):
    fake = SimpleUploadedFile("poster.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = manager.post(reverse("bots:broadcast_create"), form(centre, photo=fake))
    assert response.status_code == 200 and not Broadcast.objects.exists()


def test_the_pages_read_in_burmese(manager, centre):
    manager.post(reverse("set_language"), {"language": "my"})
    page = manager.get(reverse("bots:broadcast_create")).content.decode()
    assert "Write a broadcast" not in page


def test_viber_gets_the_photo_with_the_text_or_before_a_long_one(manager, centre, settings, fake_api,
                                                                 django_capture_on_commit_callbacks):
    settings.BOT_PUBLIC_URL = "https://helpdesk.example.org"
    Conversation.objects.create(channel="viber", external_user_id="v1", centre=centre, language="en")
    Conversation.objects.create(channel="viber", external_user_id="v2", centre=centre, language="my")
    long_burmese = "လိုင်စင် စစ်ပါ။ " * 55  # over Viber's 768 characters for a picture's description
    photo = SimpleUploadedFile("poster.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg")
    manager.post(reverse("bots:broadcast_create"), form(centre, photo=photo, channels=["viber"], text_my=long_burmese))
    broadcast = Broadcast.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("bots:broadcast_send", args=[broadcast.pk]), {"confirm": "yes"})
    calls = [(r["body"]["type"], r["body"]["broadcast_list"], r["body"]["text"][:5]) for r in fake_api.requests]
    assert sorted(calls) == sorted([
        ("picture", ["v1"], "Check"),  # the English fits as the picture's description
        ("picture", ["v2"], ""), ("text", ["v2"], "လိုင်"),  # the long Burmese follows its picture
    ])
    assert statuses_of(broadcast) == {"sent": 2}


def statuses_of(broadcast) -> dict:
    found: dict[str, int] = {}
    for status in broadcast.recipients.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def test_the_conversation_page_says_when_broadcasts_were_stopped(manager, centre):
    chat = Conversation.objects.create(channel="telegram", external_user_id="11", centre=centre, broadcasts_stopped_at=timezone.now())
    page = manager.get(reverse("bots:conversation", args=[chat.pk])).content.decode()
    assert "stopped broadcasts on" in page


def test_stop_sending_from_the_page(manager, centre, django_capture_on_commit_callbacks):
    Conversation.objects.create(channel="telegram", external_user_id="11", centre=centre)
    manager.post(reverse("bots:broadcast_create"), form(centre, channels=["telegram"]))
    broadcast = Broadcast.objects.get()
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not reached it yet
        manager.post(reverse("bots:broadcast_send", args=[broadcast.pk]), {"confirm": "yes"})
    assert 'id="stop-sending"' in manager.get(reverse("bots:broadcast_detail", args=[broadcast.pk])).content.decode()
    manager.post(reverse("bots:broadcast_cancel", args=[broadcast.pk]), {})  # not confirmed
    assert statuses_of(broadcast) == {"queued": 1}
    manager.post(reverse("bots:broadcast_cancel", args=[broadcast.pk]), {"confirm": "yes"})
    assert statuses_of(broadcast) == {"skipped": 1}


def test_a_long_link_in_the_preview_wraps_on_a_phone(manager, centre):
    """The preview's samples wrap anywhere (a Facebook post link made the page 800 px wide on a 375 px phone)."""
    from django.contrib.staticfiles import finders

    link = "https://www.facebook.com/ctum.myanmar/posts/pfbid02kXq7Yt9GwLh3vRcM1nZs8PdUo4EaTfBj6KyHx5iQpWmN2lVgC"
    manager.post(reverse("bots:broadcast_create"), form(centre, text_en=f"Read {link}"))
    page = manager.get(reverse("bots:broadcast_detail", args=[Broadcast.objects.get().pk])).content.decode()
    assert 'class="broadcast-sample"' in page and "bots/bots.css" in page and 'style="white-space' not in page
    css = re.sub(r"\s+", "", open(finders.find("bots/bots.css")).read())
    assert "pre.broadcast-sample{white-space:pre-wrap;overflow-wrap:anywhere;}" in css


def test_the_list_names_the_channels_in_the_users_language(manager, centre):
    manager.post(reverse("bots:broadcast_create"), form(centre))
    assert "<td>Telegram, Messenger</td>" in manager.get(reverse("bots:broadcast_list")).content.decode()
    manager.post(reverse("set_language"), {"language": "my"})
    page = manager.get(reverse("bots:broadcast_list")).content.decode()
    assert "telegram, messenger" not in page
