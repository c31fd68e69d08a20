"""apply_retention on the bots' data: recorded webhooks in, aged, blanked per kind; figures and dedup keys survive."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bots.models import Attention, CallbackRequest, Conversation, InboundMessage, OutboundMessage
from helpdesk.extensions import RETENTION_KINDS
from helpdesk.models import Contact
from helpdesk.reports.table import BY_YEAR, ReportFilter, beneficiary_table
from tests.bots.conftest import load, post_telegram, post_twilio
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

PHONE = "+959767889802"
STORY = "ကျွန်မ ဒေါ်ခင်မြင့်ပါ။ Golden Star agency took 1,500,000 kyat"
NAME_FRAGMENT = "ခင်မြင့်"
HistoricalConversation = Conversation.history.model
BOT_TABLES = (InboundMessage, OutboundMessage, Conversation, HistoricalConversation)


def sms(client, sid: str, body: str, phone: str = PHONE):
    form = {**load("twilio_sms"), "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "Body": body, "From": phone}
    return post_twilio(client, "twilio_sms", form)


def sms_conversation(client, phone: str = PHONE, prefix: str = "SM") -> Conversation:
    """A migrant texts the bot three times (the last one tells their story); the bot answers each inline."""
    for n, body in enumerate(["hi", "2", STORY]):
        assert sms(client, f"{prefix}{phone[-6:]}{n:026d}", body, phone).status_code == 200
    return Conversation.objects.get(channel="sms", external_user_id=phone)


def age(conversation: Conversation, days: int) -> None:
    """Move everything the conversation holds ``days`` days into the past (after the bot's own writes)."""
    then = timezone.now() - dt.timedelta(days=days)
    InboundMessage.objects.filter(conversation=conversation).update(received_at=then)
    OutboundMessage.objects.filter(conversation=conversation).update(created_at=then)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=then)


def snapshot() -> dict:
    return {model.__name__: sorted(map(repr, model.objects.order_by().values())) for model in BOT_TABLES}


def rows_mentioning(*needles: str) -> list[str]:
    """Scan every row of the bot tables the command names (history included) for any needle."""
    found = []
    for model in BOT_TABLES:
        for row in model.objects.order_by().values():
            text = repr(row)
            found += [f"{model.__name__}#{row.get('history_id', row['id'])}" for needle in needles if needle in text]
    return found


def figures():
    year = timezone.localdate().year
    report = ReportFilter(start=dt.date(year - 2, 1, 1), end=dt.date(year, 12, 31), by=BY_YEAR)
    contacts = sorted(Contact.objects.values_list("date", "centre_id", "service", "channel", "gender", "person_id"))
    return contacts, beneficiary_table(report)


def retention(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_after_every_period_no_story_phone_or_name_remains_and_the_figures_are_unchanged(client, centre):
    conversation = sms_conversation(client)
    Conversation.objects.filter(pk=conversation.pk).update(display_name="Daw Khin Myint")
    conversation.refresh_from_db()
    conversation.sensitive = False
    conversation.save()  # a history row holding the phone and the name
    assert rows_mentioning(PHONE, NAME_FRAGMENT, "Khin Myint")  # the scan finds them before
    age(conversation, 400)
    before = figures()

    out = retention()

    assert rows_mentioning(PHONE, NAME_FRAGMENT, "Khin Myint", "1,500,000") == []
    assert figures() == before
    conversation.refresh_from_db()
    assert conversation.external_user_id == f"erased:{conversation.pk}" and not conversation.subscribed
    assert conversation.state == {} and conversation.last_message_text == ""
    assert set(InboundMessage.objects.values_list("text", flat=True)) == {""}
    assert all(m.payload == {} for m in InboundMessage.objects.all())
    assert set(OutboundMessage.objects.values_list("text", flat=True)) == {""}
    assert OutboundMessage.objects.count() == 3 and InboundMessage.objects.count() == 3  # rows stay: they are counted
    assert set(HistoricalConversation.objects.values_list("external_user_id", flat=True)) == {f"erased:{conversation.pk}"}
    assert "bot payloads: 3 blanked" in out and "bot transcripts: 3 blanked" in out
    assert "bot outbound texts: 3 blanked" in out and "bot channel ids: 1 blanked" in out


def test_dry_run_counts_per_kind_and_changes_nothing(client, centre):
    age(sms_conversation(client), 400)
    sms_conversation(client, phone="+959250001122")  # today's: nothing of it is due
    before = snapshot()

    out = retention("--dry-run")

    assert snapshot() == before
    assert "bot payloads: 3 would be blanked" in out and "bot transcripts: 3 would be blanked" in out
    assert "bot outbound texts: 3 would be blanked" in out and "bot channel ids: 1 would be blanked" in out
    assert "nothing was changed" in out
    retention()
    assert retention("--dry-run").count(": 0 would be blanked") == len(RETENTION_KINDS)  # the dry run agreed with the real run (every kind)


def yangon(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_default_timezone())


@pytest.mark.parametrize("setting, days", [("RETENTION_PAYLOAD_DAYS", 90), ("RETENTION_PAYLOAD_DAYS", 1)])
def test_a_period_ends_at_yangon_midnight_not_utc(settings, setting, days):
    """Data is kept through its Yangon day plus the period: 00:10 and 23:50 Yangon are the same UTC date here."""
    setattr(settings, setting, days)
    today = timezone.localdate()
    first_kept_day = today - dt.timedelta(days=days)
    kept = InboundMessage.objects.create(channel="telegram", external_id="1", payload={"update_id": 1},
                                         received_at=yangon(first_kept_day, 0, 10))
    gone = InboundMessage.objects.create(channel="telegram", external_id="2", payload={"update_id": 2},
                                         received_at=yangon(first_kept_day - dt.timedelta(days=1), 23, 50))
    assert kept.received_at.astimezone(dt.UTC).date() == gone.received_at.astimezone(dt.UTC).date()

    retention()

    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.payload == {"update_id": 1} and gone.payload == {}


def test_transcript_and_outbound_periods_are_separate_settings(client, centre, settings):
    settings.RETENTION_TRANSCRIPT_DAYS, settings.RETENTION_OUTBOUND_DAYS = 30, 300
    settings.RETENTION_PAYLOAD_DAYS = settings.RETENTION_CHANNEL_ID_DAYS = 1000
    conversation = sms_conversation(client)
    age(conversation, 100)

    retention()

    assert set(InboundMessage.objects.values_list("text", flat=True)) == {""}
    assert "" not in set(OutboundMessage.objects.values_list("text", flat=True))
    assert all(m.payload for m in InboundMessage.objects.all())
    conversation.refresh_from_db()
    assert conversation.external_user_id == PHONE


def test_an_open_case_keeps_the_conversation_until_it_closes_and_the_channel_id_for_good(client, centre):
    conversation = sms_conversation(client)
    case = ComplaintFactory(centre=centre, stage="negotiation")
    conversation.complaints.add(case)
    age(conversation, 400)

    retention()

    assert STORY in InboundMessage.objects.values_list("text", flat=True)
    assert "" not in set(OutboundMessage.objects.values_list("text", flat=True))
    assert all(m.payload == {} for m in InboundMessage.objects.all())  # staff read the transcript, not the payload
    case.stage = "withdrawn"  # the migrant withdrew: the case is closed
    case.save()

    retention()

    assert set(InboundMessage.objects.values_list("text", flat=True)) == {""}
    assert set(OutboundMessage.objects.values_list("text", flat=True)) == {""}
    conversation.refresh_from_db()
    assert conversation.external_user_id == PHONE  # a case was opened here: the case file needs to reach the migrant


def test_a_waiting_hand_over_keeps_everything_staff_will_read(client, centre):
    conversation = sms_conversation(client)
    Conversation.objects.filter(pk=conversation.pk).update(attention=Attention.HANDOVER, attention_since=timezone.now())
    age(conversation, 400)

    retention()

    conversation.refresh_from_db()
    assert STORY in InboundMessage.objects.values_list("text", flat=True)
    assert conversation.external_user_id == PHONE and conversation.last_message_text


def test_a_sensitive_conversation_is_kept_for_the_sensitive_period(client, centre, settings):
    settings.RETENTION_TRANSCRIPT_DAYS = settings.RETENTION_OUTBOUND_DAYS = settings.RETENTION_CHANNEL_ID_DAYS = 180
    settings.RETENTION_SENSITIVE_DAYS = 365
    sensitive = sms_conversation(client)
    ordinary = sms_conversation(client, phone="+959250001122")
    Conversation.objects.filter(pk=sensitive.pk).update(sensitive=True)
    age(sensitive, 200)
    age(ordinary, 200)

    retention()

    assert STORY in sensitive.inbound.values_list("text", flat=True)
    assert set(ordinary.inbound.values_list("text", flat=True)) == {""}
    assert set(ordinary.outbound.values_list("text", flat=True)) == {""}
    assert "" not in set(sensitive.outbound.values_list("text", flat=True))
    age(sensitive, 366)

    retention()

    sensitive.refresh_from_db()
    assert set(sensitive.inbound.values_list("text", flat=True)) == {""}
    assert sensitive.external_user_id.startswith("erased:") and sensitive.sensitive  # the flag still guards the row


def test_a_reply_still_waiting_to_be_sent_keeps_its_text(centre):
    conversation = Conversation.objects.create(channel="telegram", external_user_id="5187654321", centre=centre)
    old = timezone.now() - dt.timedelta(days=400)
    waiting = OutboundMessage.objects.create(conversation=conversation, text="Call us on 09 767 889 802", created_at=old)
    sent = OutboundMessage.objects.create(conversation=conversation, text="Hello Aye", status="sent", created_at=old)

    retention()

    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert waiting.text == "Call us on 09 767 889 802" and sent.text == ""


def test_a_replayed_sms_after_blanking_is_answered_and_not_processed_again(client, centre):
    conversation = sms_conversation(client)
    age(conversation, 400)
    retention()
    counts = InboundMessage.objects.count(), OutboundMessage.objects.count(), Contact.objects.count(), Conversation.objects.count()

    response = sms(client, f"SM{PHONE[-6:]}{2:026d}", STORY)  # Twilio retries the last message

    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert b"<Response" in response.content and b"<Message" not in response.content
    assert (InboundMessage.objects.count(), OutboundMessage.objects.count(), Contact.objects.count(),
            Conversation.objects.count()) == counts
    assert STORY not in InboundMessage.objects.values_list("text", flat=True)


def test_a_replayed_telegram_update_after_blanking_is_not_processed_again(client, centre, fake_api, django_capture_on_commit_callbacks):
    payload = load("telegram_message")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_telegram(client, payload).status_code == 200
    conversation = Conversation.objects.get(channel="telegram")
    assert conversation.display_name
    age(conversation, 400)
    retention()
    counts = InboundMessage.objects.count(), OutboundMessage.objects.count(), Conversation.objects.count()
    sent = len(fake_api.requests)

    with django_capture_on_commit_callbacks(execute=True):
        assert post_telegram(client, payload).status_code == 200

    assert (InboundMessage.objects.count(), OutboundMessage.objects.count(), Conversation.objects.count()) == counts
    assert len(fake_api.requests) == sent
    assert rows_mentioning("5187654321", "ayechan95", "Aye") == []


def test_the_migrant_who_writes_again_after_blanking_is_answered(client, centre, settings):
    settings.RETENTION_CHANNEL_ID_DAYS = 1000
    conversation = sms_conversation(client)
    age(conversation, 200)
    retention()

    response = sms(client, "SM" + "9" * 32, "hi")

    assert response.status_code == 200 and b"<Message" in response.content
    assert Conversation.objects.get(pk=conversation.pk).inbound.count() == 4  # the same conversation goes on


def test_the_number_of_queries_does_not_grow_with_the_rows(client, centre, django_assert_max_num_queries):
    """Bulk updates: ten conversations cost what one costs (no loop over rows)."""
    age(sms_conversation(client), 400)
    with CaptureQueriesContext(connection) as one:
        retention()
    queries_for_one = len(one)  # now: the requests below clear Django's query log
    for n in range(10):
        age(sms_conversation(client, phone=f"+95925000{n:04d}", prefix=f"S{n}"), 400)
    with django_assert_max_num_queries(queries_for_one):
        retention()
    assert set(InboundMessage.objects.values_list("text", flat=True)) == {""}


def callback(conversation: Conversation, *, done_days_ago: int | None, name: str = "Ma Aye Aye") -> CallbackRequest:
    done = timezone.now() - dt.timedelta(days=done_days_ago) if done_days_ago is not None else None
    request = CallbackRequest.objects.create(conversation=conversation, centre=conversation.centre, name=name, phone=PHONE,
                                             created_at=timezone.now() - dt.timedelta(days=400))
    request.done_at = done
    request.save()  # a history version holding the name and phone
    return request


def test_call_back_requests_lose_name_and_phone_once_called_back_and_the_period_passed(centre, settings):
    settings.RETENTION_CALLBACK_DAYS = 90
    conversation = Conversation.objects.create(channel="telegram", external_user_id="5187654321", centre=centre)
    old_done = callback(conversation, done_days_ago=120)
    recent_done = callback(conversation, done_days_ago=10, name="Ko Zaw")
    never_done = callback(conversation, done_days_ago=None, name="Daw Mya")  # staff still have to call: kept whatever its age

    assert "bot call-back requests: 1 would be blanked" in retention("--dry-run")
    out = retention()

    assert "bot call-back requests: 1 blanked" in out
    for request, kept in ((old_done, False), (recent_done, True), (never_done, True)):
        request.refresh_from_db()
        assert (request.name != "" and request.phone == PHONE) is kept
    versions = CallbackRequest.history.filter(id=old_done.pk)
    assert versions.count() == 2 and set(versions.values_list("name", "phone")) == {("", "")}
    assert CallbackRequest.history.filter(id=never_done.pk, name="Daw Mya").exists()
    assert CallbackRequest.objects.count() == 3  # the requests still count
    assert retention("--dry-run").count(": 0 would be blanked") == len(RETENTION_KINDS)


def test_the_retention_scans_use_an_index_on_the_message_times():
    indexed = {
        InboundMessage: "received_at", OutboundMessage: "created_at", CallbackRequest: "done_at",
    }
    with connection.cursor() as cursor:
        for model, column in indexed.items():
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert any(c["index"] and c["columns"] == [column] for c in constraints.values()), model.__name__
