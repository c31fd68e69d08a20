"""Case updates to migrants: stage moves, payments and staff requests reach their bot channel in their language,
never for a sensitive case without a manager's tick; every one is on the timeline. And the "my case" menu item."""
from decimal import Decimal

import pytest
from django.urls import reverse

from bots.conversation import respond
from bots.models import Conversation, OutboundMessage
from bots.services.effects import DatabaseEffects
from bots.services.notifications import REQUEST_SENSITIVE, case_request_send
from complaints.models import TimelineEntry
from complaints.services import reimbursement_record
from complaints.workflow import complaint_move
from tests.bots.conftest import load, post_telegram
from tests.factories import ComplaintFactory, PersonFactory, ReimbursementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(centre):
    return PersonFactory(centre=centre, name="Aye Chan")


def chat(centre, person=None, lang="en", user_id="5187654321", **fields):
    return Conversation.objects.create(
        channel="telegram", external_user_id=user_id, centre=centre, person=person, language=lang,
        state={"lang": lang, "zawgyi": False, "step": "menu", "data": {}}, **fields,
    )


def messages_to(conversation) -> list[str]:
    return list(OutboundMessage.objects.filter(conversation=conversation).values_list("text", flat=True))


def timeline_messages(case) -> list[str]:
    return list(TimelineEntry.objects.filter(complaint=case, kind="message").values_list("text", flat=True))


def test_a_stage_move_of_a_bot_intake_case_tells_the_migrant_in_burmese_and_goes_on_the_timeline(centre, staff, person):
    conversation = chat(centre, lang="my")
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    conversation.complaints.add(case)  # opened from this conversation
    complaint_move(complaint=case, to_stage="assessment", by=staff, reason="Documents checked")
    [text] = messages_to(conversation)
    assert case.reference in text and "စိစစ်" in text and "News about" not in text
    [entry] = timeline_messages(case)
    assert entry == f"Telegram: {text}"
    assert OutboundMessage.objects.get().sent_by == staff


def test_a_payment_tells_the_amount_and_the_total_received(centre, staff, person):
    conversation = chat(centre, person=person)  # the complainant's own conversation (not the intake one)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    ReimbursementFactory(complaint=case, amount_mmk=Decimal("250000"))
    reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Golden Land", amount_mmk=Decimal("500000"))
    [text] = messages_to(conversation)
    assert text == f"A payment of 500,000 kyats was recorded for your case {case.reference}. Received so far: 750,000 kyats."
    assert len(timeline_messages(case)) == 1


def test_the_message_is_sent_through_the_channel_after_commit(client, centre, staff, person, fake_api, django_capture_on_commit_callbacks):
    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_move(complaint=case, to_stage="assessment", by=staff, reason="ok")
    [request] = fake_api.requests
    assert request["body"]["chat_id"] == conversation.external_user_id and "Assessment" in request["body"]["text"]


def test_a_refused_move_tells_nobody(centre, staff, person):
    from django.core.exceptions import ValidationError

    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    with pytest.raises(ValidationError):
        complaint_move(complaint=case, to_stage="resolved", by=staff, reason="?")
    assert messages_to(conversation) == [] and timeline_messages(case) == []


def test_a_sensitive_case_is_never_messaged_without_a_managers_tick(centre, staff, manager, person):
    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff, sensitive=True)
    complaint_move(complaint=case, to_stage="assessment", by=staff, reason="seen", message_sensitive=True)  # staff cannot tick
    complaint_move(complaint=case, to_stage="negotiation", by=manager, reason="talks")  # a manager who did not tick
    reimbursement_record(complaint=case, recorded_by=manager, kind="compensation", payer="Employer", amount_mmk=Decimal("100000"))
    assert messages_to(conversation) == [] and timeline_messages(case) == []
    reimbursement_record(
        complaint=case, recorded_by=manager, kind="compensation", payer="Employer", amount_mmk=Decimal("100000"), message_sensitive=True,
    )
    assert len(messages_to(conversation)) == 1 and len(timeline_messages(case)) == 1  # that one message only


def test_unsubscribed_or_other_peoples_conversations_get_nothing(centre, staff, person):
    chat(centre, person=person, subscribed=False)
    stranger = chat(centre, person=PersonFactory(centre=centre), user_id="999")
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    complaint_move(complaint=case, to_stage="assessment", by=staff, reason="ok")
    assert OutboundMessage.objects.count() == 0 and messages_to(stranger) == []


def test_staff_ask_for_a_photo_of_the_contract_from_the_case_page(client, centre, staff, person):
    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    client.force_login(staff)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Ask the migrant for something" in page and "Also tell the migrant" not in page
    response = client.post(reverse("bots:case_request", args=[case.pk]), {"ask-text": "Please send a photo of your contract."})
    assert response.status_code == 302
    [text] = messages_to(conversation)
    assert text == f"About your case {case.reference}, the staff ask: Please send a photo of your contract."
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Message to the migrant" in page and "Please send a photo of your contract." in page


def test_request_to_a_migrant_without_a_bot_conversation_is_refused_clearly(client, centre, staff, person):
    from django.core.exceptions import ValidationError

    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    with pytest.raises(ValidationError, match="no bot conversation"):
        case_request_send(complaint=case, by=staff, text="Please call us")
    client.force_login(staff)
    assert "updates are not sent" in client.get(reverse("complaints:detail", args=[case.pk])).content.decode()


def test_on_a_sensitive_case_only_managers_see_the_tick_and_only_a_ticked_request_is_sent(client, centre, staff, manager, person):
    from django.core.exceptions import ValidationError

    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff, sensitive=True)
    client.force_login(staff)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Also tell the migrant" not in page and "only a manager can message the migrant" in page
    client.post(reverse("bots:case_request", args=[case.pk]), {"ask-text": "Send the receipt", "ask-message_sensitive": "on"})
    with pytest.raises(ValidationError) as refused:
        case_request_send(complaint=case, by=staff, text="Send the receipt", send_if_sensitive=True)
    assert refused.value.message_dict["text"] == [str(REQUEST_SENSITIVE)]
    client.force_login(manager)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert page.count("Also tell the migrant on their bot channel") == 2  # the move and the payment forms
    client.post(reverse("bots:case_request", args=[case.pk]), {"ask-text": "Send the receipt"})
    assert messages_to(conversation) == []
    client.post(reverse("bots:case_request", args=[case.pk]), {"ask-text": "Send the receipt", "ask-message_sensitive": "on"})
    assert len(messages_to(conversation)) == 1
    client.post(reverse("complaints:move", args=[case.pk]), {"move-to_stage": "assessment", "move-reason": "ok", "move-message_sensitive": "on"})
    assert len(messages_to(conversation)) == 2


# "My case" ---------------------------------------------------------------------------------------

def my_case(conversation) -> str:
    turn = respond(conversation.state, "6", DatabaseEffects(conversation))
    return "\n\n".join(turn.replies)


def test_my_case_answers_stage_and_money_for_the_persons_cases_only(centre, staff, person):
    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, stage="negotiation")
    ReimbursementFactory(complaint=case, amount_mmk=Decimal("300000"))
    ReimbursementFactory(complaint=case, amount_mmk=Decimal("200000"))
    other = ComplaintFactory(centre=centre)  # someone else's case
    reply = my_case(conversation)
    assert f"Case {case.reference}: Negotiation. Received so far: 500,000 kyats." in reply
    assert other.reference not in reply


def test_my_case_in_burmese_and_for_a_sensitive_case_says_to_ask_staff(centre, person):
    conversation = chat(centre, person=person, lang="my")
    case = ComplaintFactory(centre=centre, complainant=person, stage="assessment")
    hidden = ComplaintFactory(centre=centre, complainant=person, sensitive=True, stage="negotiation")
    reply = my_case(conversation)
    assert "စိစစ်" in reply and "ကျပ်" in reply and case.reference in reply
    hidden_line = next(line for line in reply.splitlines() if hidden.reference in line)
    assert "ညှိနှိုင်း" not in hidden_line and "ကျပ်" not in hidden_line


def test_my_case_without_a_person_says_no_case_found(centre):
    reply = my_case(chat(centre))
    assert "We found no case for you. Type 4 to talk to a person at the centre." in reply


def test_my_case_over_telegram(client, centre, person, fake_api, django_capture_on_commit_callbacks):
    chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person)
    payload = load("telegram_message")
    payload["message"].update(text="6")
    payload["message"].pop("entities")
    with django_capture_on_commit_callbacks(execute=True):
        post_telegram(client, payload)
    assert f"Case {case.reference}: Intake. Received so far: 0 kyats." in fake_api.texts()[0]


def test_my_case_tells_a_group_member_their_own_part(centre, staff, person):
    from complaints.group import complaint_member_add

    lead = PersonFactory(centre=centre, name="Ko Lead")
    case = ComplaintFactory(centre=centre, complainant=lead, stage="negotiation", amount_claimed=None)
    member = complaint_member_add(complaint=case, person=person, by=staff)
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="Agency", amount_mmk=Decimal("100000"))
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="Agency", amount_mmk=Decimal("1000"), member=member)
    reply = my_case(chat(centre, person=person))
    assert f"Case {case.reference}: Negotiation. Received so far: 51,000 kyats." in reply  # half the lump sum and their own


def test_on_a_group_case_the_lead_is_told_their_own_part_and_not_of_another_members_payment(centre, staff, person):
    from complaints.group import complaint_member_add

    conversation = chat(centre, person=person)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff, amount_claimed=None)
    other = complaint_member_add(complaint=case, person=PersonFactory(centre=centre), by=staff)
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("5000"), member=other)
    assert messages_to(conversation) == []
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("100000"))
    [text] = messages_to(conversation)
    assert text == f"A payment of 100,000 kyats was recorded for your case {case.reference}. Received so far: 50,000 kyats."
