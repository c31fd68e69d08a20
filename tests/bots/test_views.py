"""The staff inbox: who sees what (matrix), order, replies through the channel, hand-back, query counts."""
import pytest
from django.urls import reverse
from django.utils import timezone

from bots.models import Attention, CallbackRequest, Conversation, InboundMessage, OutboundMessage
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db


def conversation(centre, user_id, **fields):
    return Conversation.objects.create(channel="telegram", external_user_id=user_id, centre=centre, **fields)


@pytest.fixture
def chat(centre):
    c = conversation(centre, "5187654321", display_name="Aye Chan", last_message_text="passport taken")
    InboundMessage.objects.create(channel="telegram", external_id="1", conversation=c, text="My passport was taken")
    return c


def urls(c, outbound=None):
    found = [
        ("GET", reverse("bots:inbox")),
        ("GET", reverse("bots:conversation", args=[c.pk])),
        ("POST", reverse("bots:reply", args=[c.pk])),
        ("POST", reverse("bots:resolve", args=[c.pk])),
    ]
    if outbound:
        found.append(("POST", reverse("bots:retry", args=[c.pk, outbound.pk])))
    return found


def call(client, method, url):
    return client.post(url, {"text": "Hello from the centre"}) if method == "POST" else client.get(url)


def test_anonymous_is_sent_to_login(client, chat):
    for method, url in urls(chat):
        response = call(client, method, url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_officer_gets_403_everywhere(client, centre, chat):
    client.force_login(member("officer", centre))
    for method, url in urls(chat):
        response = call(client, method, url)
        assert response.status_code == 403, url
        assert "Aye Chan" not in response.content.decode()


def test_other_centre_staff_get_404_and_an_empty_inbox(client, chat, other_centre):
    client.force_login(member("staff", other_centre))
    for method, url in urls(chat)[1:]:
        assert call(client, method, url).status_code == 404, url
    response = client.get(reverse("bots:inbox"))
    assert response.status_code == 200 and "Aye Chan" not in response.content.decode()
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("role", ["staff", "manager", "admin"])
def test_own_centre_roles_see_the_transcript(client, centre, chat, role):
    client.force_login(member(role, centre))
    assert "Aye Chan" in client.get(reverse("bots:inbox")).content.decode()
    page = client.get(reverse("bots:conversation", args=[chat.pk])).content.decode()
    assert "My passport was taken" in page


def test_unassigned_conversations_are_for_admins_only(client, centre):
    orphan = conversation(None, "77", display_name="No Centre Yet")
    client.force_login(member("staff", centre))
    assert client.get(reverse("bots:conversation", args=[orphan.pk])).status_code == 404
    client.force_login(member("admin", centre))
    assert client.get(reverse("bots:conversation", args=[orphan.pk])).status_code == 200


def test_handover_and_callback_requests_are_on_top(staff_client, centre):
    now = timezone.now()
    conversation(centre, "1", display_name="Recent chatter", last_message_at=now)
    conversation(centre, "2", display_name="Wants a person", attention=Attention.HANDOVER,
                 attention_since=now - timezone.timedelta(hours=2), last_message_at=now - timezone.timedelta(hours=2))
    conversation(centre, "3", display_name="Wants a call", attention=Attention.CALLBACK,
                 attention_since=now - timezone.timedelta(hours=1), last_message_at=now - timezone.timedelta(hours=1))
    page = staff_client.get(reverse("bots:inbox")).content.decode()
    assert page.index("Wants a person") < page.index("Wants a call") < page.index("Recent chatter")


def test_inbox_query_count_does_not_grow_with_conversations(staff_client, centre, django_assert_max_num_queries):
    for i in range(3):
        conversation(centre, f"a{i}", person=PersonFactory(centre=centre))
    with django_assert_max_num_queries(20) as small:
        staff_client.get(reverse("bots:inbox"))
    for i in range(30):
        conversation(centre, f"b{i}", person=PersonFactory(centre=centre), attention=Attention.HANDOVER, attention_since=timezone.now())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff_client.get(reverse("bots:inbox"))
    assert response.content.decode().count("/bots/inbox/") >= 33


def test_conversation_page_query_count_is_bounded(staff_client, centre, chat, django_assert_max_num_queries, staff):
    for i in range(20):
        InboundMessage.objects.create(channel="telegram", external_id=f"x{i}", conversation=chat, text=f"message {i}")
        OutboundMessage.objects.create(conversation=chat, text=f"reply {i}", sent_by=staff)
    with django_assert_max_num_queries(20):
        page = staff_client.get(reverse("bots:conversation", args=[chat.pk])).content.decode()
    assert "message 19" in page and "reply 19" in page


def test_staff_reply_is_sent_through_the_same_channel(staff_client, chat, fake_api, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("bots:reply", args=[chat.pk]), {"text": "ေနေကာင္းလား"})  # Zawgyi typed by staff
    assert response.status_code == 302
    notice, outbound = OutboundMessage.objects.order_by("id")
    assert notice.sent_by is None and "A staff member is now answering you" in notice.text  # the bot says who answers now
    assert outbound.sent_by == staff and outbound.status == "sent" and outbound.text == "နေကောင်းလား"
    assert fake_api.requests[1]["body"] == {"chat_id": "5187654321", "text": "နေကောင်းလား"}
    chat.refresh_from_db()
    assert chat.state["step"] == "handover"  # the migrant's answer goes to staff, not to a bot question


def test_empty_reply_is_refused_with_a_message(staff_client, chat):
    response = staff_client.post(reverse("bots:reply", args=[chat.pk]), {"text": "   "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_reply_to_an_unsubscribed_viber_user_is_refused(staff_client, centre):
    gone = Conversation.objects.create(channel="viber", external_user_id="01234567890A=", centre=centre, subscribed=False)
    response = staff_client.post(reverse("bots:reply", args=[gone.pk]), {"text": "hello"})
    assert "unsubscribed" in response.content.decode() and not OutboundMessage.objects.exists()


def test_mark_handled_closes_handover_and_callbacks(staff_client, centre, staff):
    c = conversation(centre, "9", attention=Attention.CALLBACK, attention_since=timezone.now(), state={"lang": "en", "step": "handover", "data": {}})
    callback = CallbackRequest.objects.create(conversation=c, centre=centre, phone="+959767889802")
    staff_client.post(reverse("bots:resolve", args=[c.pk]))
    c.refresh_from_db()
    callback.refresh_from_db()
    assert c.attention == "" and c.state["step"] == "menu"
    assert callback.done_at and callback.done_by == staff and callback.history.count() == 2


def test_failed_reply_can_be_retried(staff_client, chat, fake_api, django_capture_on_commit_callbacks):
    failed = OutboundMessage.objects.create(conversation=chat, text="hello", status="failed", attempts=8, last_error="HTTP 502")
    assert "Retry" in staff_client.get(reverse("bots:conversation", args=[chat.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("bots:retry", args=[chat.pk, failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "sent"


def test_retry_of_another_conversations_message_is_404(staff_client, centre, chat):
    other = conversation(CentreFactory(code="MWD"), "55")
    foreign = OutboundMessage.objects.create(conversation=other, text="x", status="failed")
    assert staff_client.post(reverse("bots:retry", args=[chat.pk, foreign.pk])).status_code == 404


def test_menu_shows_the_inbox_to_staff_only(client, centre):
    client.force_login(member("staff", centre))
    assert reverse("bots:inbox") in client.get("/").content.decode()
    client.force_login(member("officer", centre))
    assert reverse("bots:inbox") not in client.get("/").content.decode()


def test_person_page_lists_their_bot_conversations(staff_client, centre):
    person = PersonFactory(centre=centre, name="Ma Thida")
    c = conversation(centre, "31", person=person)
    page = staff_client.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    assert "Bot conversations" in page and reverse("bots:conversation", args=[c.pk]) in page
    other = PersonFactory(centre=centre, name="No Bot")
    assert "Bot conversations" not in staff_client.get(reverse("helpdesk:person_detail", args=[other.pk])).content.decode()


def test_staff_of_two_centres_can_filter_the_inbox(client, centre, other_centre):
    user = member("staff", centre)
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, centre=other_centre, role="staff")
    conversation(centre, "1", display_name="At North Dagon")
    conversation(other_centre, "2", display_name="At Tachileik")
    client.force_login(user)
    both = client.get(reverse("bots:inbox")).content.decode()
    assert "At North Dagon" in both and "At Tachileik" in both and 'id="centre-filter"' in both
    only = client.get(reverse("bots:inbox") + "?centre=TCL").content.decode()
    assert "At Tachileik" in only and "At North Dagon" not in only


def test_sensitive_conversation_is_for_managers_and_the_assigned_staff(client, centre):
    from tests.factories import ComplaintFactory

    person = PersonFactory(centre=centre, name="Ma Hidden")
    secret = conversation(centre, "66", person=person, sensitive=True, display_name="Ma Hidden")
    client.force_login(member("staff", centre))
    assert client.get(reverse("bots:conversation", args=[secret.pk])).status_code == 404
    assert "Ma Hidden" not in client.get(reverse("bots:inbox")).content.decode()
    client.force_login(member("manager", centre))
    assert client.get(reverse("bots:conversation", args=[secret.pk])).status_code == 200
    assigned = member("staff", centre)
    secret.complaints.add(ComplaintFactory(centre=centre, complainant=person, assigned_to=assigned, sensitive=True))
    client.force_login(assigned)
    assert client.get(reverse("bots:conversation", args=[secret.pk])).status_code == 200


def test_sms_conversations_show_the_phone_number(staff_client, centre):
    Conversation.objects.create(channel="sms", external_user_id="+959767889802", centre=centre)
    assert "+959767889802" in staff_client.get(reverse("bots:inbox")).content.decode()
