"""Photos, documents, voice notes, locations and stickers on every channel: recorded payloads, a fake file API.

The webhook records the attachment, the worker (the immediate task backend here) fetches it from the
channel's file API within the size and type limits, the bot acknowledges it in the conversation's language.
"""
import base64
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from bots.channels import telegram, twilio, viber
from bots.models import Attachment, ComplaintEvidence, Conversation, InboundMessage
from complaints.models import Complaint
from helpdesk.models import AccessLog
from tests.bots.conftest import TELEGRAM_TOKEN, TWILIO_SID, TWILIO_TOKEN, load, post_telegram, post_twilio, post_viber
from tests.factories import CentreFactory, ComplaintFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 2000
PDF = b"%PDF-1.4\n" + b"0" * 1000
OGG = b"OggS" + b"\x00" * 500


class FakeFileAPI:
    """Telegram (getFile, sendMessage, /file/bot<token>/...), Viber (/pa/send_message, media URLs), Twilio media."""

    def __init__(self):
        self.requests: list[dict] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # path -> (content type, body)
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, content_type: str, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                api.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers)})
                if self.path not in api.files:
                    return self._answer(404, "text/plain", b"not found")
                content_type, body = api.files[self.path]
                self._answer(200, content_type, body)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw) if "json" in (self.headers.get("Content-Type") or "") else raw.decode()
                api.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body})
                if self.path.endswith("/getFile"):
                    answer = {"ok": True, "result": {"file_id": body["file_id"], "file_path": f"files/{body['file_id']}"}}
                elif self.path.startswith("/pa/"):
                    answer = {"status": 0, "status_message": "ok", "message_token": 5098034272017999999}
                else:
                    answer = {"ok": True, "result": {"message_id": 1, "date": 1764054000, "chat": {"id": 1, "type": "private"}}}
                self._answer(200, "application/json", json.dumps(answer).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def telegram_file(self, file_id: str, content_type: str, body: bytes):
        self.files[f"/file/bot{TELEGRAM_TOKEN}/files/{file_id}"] = (content_type, body)

    def texts(self) -> list[str]:
        return [r["body"]["text"] for r in self.requests if isinstance(r.get("body"), dict) and "text" in r["body"]]

    def gets(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "GET"]


@pytest.fixture
def files_api(settings, tmp_path):
    api = FakeFileAPI()
    settings.TELEGRAM_API_BASE = settings.VIBER_API_BASE = settings.TWILIO_API_BASE = api.url
    settings.STORAGES = {**settings.STORAGES, "bot_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "attachments")},
    }}
    yield api
    api.server.shutdown()
    api.server.server_close()


@pytest.fixture
def english_chat(centre):
    """A Telegram migrant who chose English and is at the menu."""
    return Conversation.objects.create(
        channel="telegram", external_user_id="5187654321", centre=centre, language="en",
        state={"lang": "en", "zawgyi": False, "step": "menu", "data": {}},
    )


def media(payload: dict, api: FakeFileAPI) -> dict:
    return json.loads(json.dumps(payload).replace("MEDIA/", f"{api.url}/"))


def send(client, capture, payload, poster=post_telegram):
    with capture(execute=True):
        response = poster(client, payload)
    assert response.status_code == 200
    return response


# Adapters: what each channel describes ---------------------------------------------------------

def test_telegram_adapter_describes_each_kind():
    [photo] = telegram.parse(load("telegram_photo")).attachments
    assert (photo.kind, photo.file_ref, photo.size) == ("photo", "AgACAgUAAxkBAAIBZmdPhoto1280", 142880)  # the largest size
    [doc] = telegram.parse(load("telegram_document")).attachments
    assert (doc.kind, doc.mime, doc.name, doc.size) == ("document", "application/pdf", "contract-agency.pdf", 48213)
    assert telegram.parse(load("telegram_document")).text == "my contract"  # the caption is the text
    [voice] = telegram.parse(load("telegram_voice")).attachments
    assert (voice.kind, voice.mime) == ("voice", "audio/ogg")
    [place] = telegram.parse(load("telegram_location")).attachments
    assert (place.kind, place.latitude, place.longitude, place.file_ref) == ("location", 16.716873, 98.574219, "")
    [sticker] = telegram.parse(load("telegram_sticker")).attachments
    assert sticker.kind == "sticker"
    assert telegram.parse(load("telegram_message")).attachments == ()


def test_viber_adapter_describes_each_kind():
    [picture] = viber.parse(load("viber_picture")).attachments
    assert (picture.kind, picture.file_ref, picture.size, picture.name) == ("photo", "MEDIA/viber/picture.jpg", 5120, "IMG_20261130_101502.jpg")
    [file] = viber.parse(load("viber_file")).attachments
    assert (file.kind, file.name, file.size) == ("document", "receipt.pdf", 3000)
    [place] = viber.parse(load("viber_location")).attachments
    assert (place.kind, place.latitude, place.longitude) == ("location", 6.7532, 101.6)
    [sticker] = viber.parse(load("viber_sticker")).attachments
    assert sticker.kind == "sticker"
    assert viber.parse(load("viber_message")).attachments == ()


def test_twilio_adapter_reads_num_media_and_each_media_url():
    form = load("twilio_mms")
    form.update(NumMedia="2", MediaUrl1="https://api.twilio.com/x/Media/ME2", MediaContentType1="audio/amr")
    photo, voice = twilio.attachments(form)
    assert (photo.kind, photo.mime, photo.file_ref.endswith("/Media/ME0f1e2d3c4b5a69788796a5b4c3d2e1f0")) == ("photo", "image/jpeg", True)
    assert (voice.kind, voice.mime) == ("voice", "audio/amr")
    assert twilio.attachments(load("twilio_sms")) == () and twilio.attachments({"NumMedia": "x"}) == ()


# Telegram through the webhook --------------------------------------------------------------------

def test_telegram_photo_is_fetched_stored_and_acknowledged(client, files_api, english_chat, django_capture_on_commit_callbacks, caplog):
    files_api.telegram_file("AgACAgUAAxkBAAIBZmdPhoto1280", "application/octet-stream", JPEG)
    caplog.set_level(logging.DEBUG)
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.status, attachment.mime, attachment.size) == ("photo", "stored", "image/jpeg", len(JPEG))
    assert attachment.file.read() == JPEG and attachment.conversation == english_chat
    get_file = next(r for r in files_api.requests if r["path"].endswith("/getFile"))
    assert get_file["body"] == {"file_id": "AgACAgUAAxkBAAIBZmdPhoto1280"}
    [reply] = files_api.texts()
    assert "We received your photo. Staff will look at it." in reply and "did not understand" not in reply
    assert "Type a number" in reply  # the menu again
    assert TELEGRAM_TOKEN not in caplog.text


def test_telegram_document_voice_location_and_sticker(client, files_api, english_chat, django_capture_on_commit_callbacks):
    files_api.telegram_file("BQACAgUAAxkBAAIBZ2dDocContract", "application/octet-stream", PDF)
    files_api.telegram_file("AwACAgUAAxkBAAIBaGdVoiceNote", "application/octet-stream", OGG)
    for name in ("telegram_document", "telegram_voice", "telegram_location", "telegram_sticker"):
        send(client, django_capture_on_commit_callbacks, load(name))
    doc, voice, place, sticker = Attachment.objects.order_by("id")
    assert (doc.status, doc.mime, doc.name, doc.file.read()) == ("stored", "application/pdf", "contract-agency.pdf", PDF)
    assert (voice.status, voice.mime) == ("stored", "audio/ogg")
    assert (place.status, place.latitude, place.longitude, bool(place.file)) == ("stored", 16.716873, 98.574219, False)
    assert (sticker.status, sticker.refused_reason) == ("refused", "stickers are not kept")
    assert len(files_api.gets()) == 2  # the location and the sticker are never downloaded
    texts = files_api.texts()
    assert "We received your document" in texts[0]
    assert "We received your voice message. Staff will listen to it." in texts[1]
    assert "We received your location" in texts[2]
    assert "did not understand" not in "".join(texts) and "Type a number" in texts[3]  # a sticker: just the menu again


def test_acknowledgement_is_in_burmese_for_a_burmese_conversation(client, files_api, english_chat, django_capture_on_commit_callbacks):
    english_chat.state = {**english_chat.state, "lang": "my"}
    english_chat.save()
    files_api.telegram_file("AgACAgUAAxkBAAIBZmdPhoto1280", "image/jpeg", JPEG)
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))
    [reply] = files_api.texts()
    assert "သင့်ဓာတ်ပုံကို လက်ခံရရှိပါပြီ" in reply and "We received" not in reply


def test_too_large_and_unwanted_types_are_refused_with_the_reason(client, files_api, english_chat, settings, django_capture_on_commit_callbacks):
    settings.BOT_ATTACHMENT_MAX_BYTES = 40000
    doc = load("telegram_document")  # 48,213 bytes as Telegram describes it: never fetched
    send(client, django_capture_on_commit_callbacks, doc)
    exe = load("telegram_document")
    exe["update_id"] += 1
    exe["message"]["document"].update(mime_type="application/x-msdownload", file_name="setup.exe", file_size=100)
    send(client, django_capture_on_commit_callbacks, exe)
    large, program = Attachment.objects.order_by("id")
    assert (large.status, large.refused_reason) == ("refused", "larger than the limit of 40000 bytes")
    assert (program.status, program.refused_reason) == ("refused", "type application/x-msdownload is not kept")
    assert files_api.gets() == [] and not large.file and not program.file


def test_a_file_larger_than_its_description_is_refused_while_downloading(client, files_api, english_chat, settings, django_capture_on_commit_callbacks):
    settings.BOT_ATTACHMENT_MAX_BYTES = 1000
    payload = load("telegram_voice")
    payload["message"]["voice"]["file_size"] = 300  # the description lies
    files_api.telegram_file("AwACAgUAAxkBAAIBaGdVoiceNote", "audio/ogg", OGG * 4)
    send(client, django_capture_on_commit_callbacks, payload)
    attachment = Attachment.objects.get()
    assert attachment.status == "refused" and "larger than the limit" in attachment.refused_reason and not attachment.file


def test_a_failed_download_is_recorded_without_the_token(client, files_api, english_chat, django_capture_on_commit_callbacks):
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))  # the fake file API has no such file: 404
    attachment = Attachment.objects.get()
    assert attachment.status == "failed" and attachment.refused_reason == "HTTP 404" and TELEGRAM_TOKEN not in attachment.refused_reason


def test_a_replayed_update_does_not_store_the_attachment_twice(client, files_api, english_chat, django_capture_on_commit_callbacks):
    files_api.telegram_file("AgACAgUAAxkBAAIBZmdPhoto1280", "image/jpeg", JPEG)
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))
    assert Attachment.objects.count() == 1 and len(files_api.gets()) == 1


# Viber and Twilio ----------------------------------------------------------------------------------

def test_viber_picture_file_location_and_sticker(client, files_api, centre, django_capture_on_commit_callbacks):
    Conversation.objects.create(channel="viber", external_user_id="01234567890A=", centre=centre, language="en",
                                state={"lang": "en", "zawgyi": False, "step": "menu", "data": {}})
    files_api.files["/viber/picture.jpg"] = ("image/jpeg", JPEG)
    files_api.files["/viber/receipt.pdf"] = ("application/pdf", PDF[:3000])
    for name in ("viber_picture", "viber_file", "viber_location", "viber_sticker"):
        send(client, django_capture_on_commit_callbacks, media(load(name), files_api), poster=post_viber)
    picture, file, place, sticker = Attachment.objects.order_by("id")
    assert (picture.kind, picture.status, picture.file.read()) == ("photo", "stored", JPEG)
    assert (file.kind, file.status, file.mime, file.name) == ("document", "stored", "application/pdf", "receipt.pdf")
    assert (place.kind, place.latitude, place.longitude) == ("location", 6.7532, 101.6)
    assert sticker.status == "refused"
    texts = files_api.texts()
    assert "We received your photo" in texts[0] and "We received your document" in texts[1] and "We received your location" in texts[2]
    assert all("did not understand" not in t for t in texts)


def test_twilio_mms_is_fetched_with_the_account_credentials_and_acknowledged_in_the_twiml(client, files_api, django_capture_on_commit_callbacks):
    form = media(load("twilio_mms"), files_api)
    path = form["MediaUrl0"].removeprefix(files_api.url)
    files_api.files[path] = ("image/jpeg", JPEG)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_twilio(client, "twilio_sms", form)
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.status, attachment.file.read()) == ("photo", "stored", JPEG)
    [get] = files_api.gets()
    expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert get["headers"]["Authorization"] == expected
    [message] = ElementTree.fromstring(response.content).iter("Message")
    assert "We received your photo" in message.text and "did not understand" not in message.text


# The complaint flow, the hand-over ------------------------------------------------------------------

def story_chat(centre, step="c_story"):
    return Conversation.objects.create(
        channel="telegram", external_user_id="5187654321", centre=centre, language="en",
        state={"lang": "en", "zawgyi": False, "step": step, "data": {
            "consent": True, "name": "Aye Chan", "gender": "woman", "phone": "+959767889802", "party": "", "country": "TH", "grievance": "overcharged_fees",
        }},
    )


def test_a_photo_at_the_story_step_is_the_story_and_becomes_evidence_of_the_case(client, files_api, centre, django_capture_on_commit_callbacks):
    conversation = story_chat(centre)
    files_api.telegram_file("AgACAgUAAxkBAAIBZmdPhoto1280", "image/jpeg", JPEG)
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))
    conversation.refresh_from_db()
    assert conversation.state["step"] == "c_amount"
    assert "How much money did you lose" in files_api.texts()[0] and "We received your photo" in files_api.texts()[0]
    for update_id, text in ((724514500, "0"), (724514501, "1")):
        payload = load("telegram_message")
        payload["update_id"] = update_id
        payload["message"].update(text=text)
        payload["message"].pop("entities")
        send(client, django_capture_on_commit_callbacks, payload)
    complaint = Complaint.objects.get()
    assert complaint.description == "(see the photo or file sent with the complaint)"
    evidence = ComplaintEvidence.objects.get()
    assert evidence.complaint == complaint and evidence.attachment == Attachment.objects.get()


def test_a_captioned_document_at_the_story_step_keeps_the_caption_as_the_story(client, files_api, centre, django_capture_on_commit_callbacks):
    conversation = story_chat(centre)
    files_api.telegram_file("BQACAgUAAxkBAAIBZ2dDocContract", "application/pdf", PDF)
    send(client, django_capture_on_commit_callbacks, load("telegram_document"))
    conversation.refresh_from_db()
    assert conversation.state["data"]["story"] == "my contract" and conversation.state["step"] == "c_amount"
    assert conversation.state["data"]["evidence"] == [Attachment.objects.get().pk]


def test_during_a_hand_over_the_bot_stays_quiet_and_staff_see_the_photo(client, files_api, centre, staff, django_capture_on_commit_callbacks):
    conversation = story_chat(centre, step="handover")
    files_api.telegram_file("AgACAgUAAxkBAAIBZmdPhoto1280", "image/jpeg", JPEG)
    send(client, django_capture_on_commit_callbacks, load("telegram_photo"))
    assert files_api.texts() == []
    attachment = Attachment.objects.get()
    client.force_login(staff)
    page = client.get(reverse("bots:conversation", args=[conversation.pk])).content.decode()
    assert f'src="{reverse("bots:attachment", args=[attachment.pk])}"' in page and 'class="thumb"' in page


# Staff: the transcript, the file view, evidence --------------------------------------------------------

def stored(conversation, kind="photo", mime="image/jpeg", body=JPEG, **fields):
    from django.core.files.base import ContentFile

    inbound = InboundMessage.objects.create(channel=conversation.channel, external_id=f"a{Attachment.objects.count()}", conversation=conversation)
    attachment = Attachment(inbound=inbound, conversation=conversation, kind=kind, mime=mime, status="stored", size=len(body), **fields)
    if kind != "location":
        attachment.file.save(f"x.{mime.rsplit('/', 1)[-1]}", ContentFile(body), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "bot_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "attachments")},
    }}


def test_transcript_shows_thumbnail_document_link_audio_player_and_map_link(client, centre, staff, english_chat, private_storage):
    photo = stored(english_chat)
    doc = stored(english_chat, "document", "application/pdf", PDF, name="contract.pdf")
    voice = stored(english_chat, "voice", "audio/ogg", OGG)
    stored(english_chat, "location", "", b"", latitude=16.716873, longitude=98.574219)
    client.force_login(staff)
    page = client.get(reverse("bots:conversation", args=[english_chat.pk])).content.decode()
    assert f'<img class="thumb" src="/bots/attachments/{photo.pk}/"' in page
    assert f'<a href="/bots/attachments/{doc.pk}/">contract.pdf</a>' in page
    assert f'<audio controls preload="none" src="/bots/attachments/{voice.pk}/">' in page
    assert "openstreetmap.org/?mlat=16.716873&amp;mlon=98.574219" in page and "16.71687, 98.57422" in page


def test_the_file_is_served_only_to_staff_who_see_the_conversation_and_each_read_is_logged(client, centre, staff, english_chat, private_storage):
    photo = stored(english_chat)
    url = reverse("bots:attachment", args=[photo.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(member(centre=CentreFactory(code="TCL")))
    assert client.get(url).status_code == 404  # another centre's staff
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get(username=staff.username)
    assert (log.kind, log.object_id, log.detail) == ("conversation", english_chat.pk, f"attachment {photo.pk}")
    english_chat.sensitive = True
    english_chat.save()
    assert client.get(url).status_code == 404  # a sensitive conversation: not for staff who carry no case of it


def test_a_document_downloads_instead_of_opening_in_the_browser(client, staff, english_chat, private_storage):
    doc = stored(english_chat, "document", "application/pdf", PDF)
    client.force_login(staff)
    response = client.get(reverse("bots:attachment", args=[doc.pk]))
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"


def test_staff_add_a_photo_to_the_persons_case_and_it_shows_on_the_case_page(client, centre, staff, english_chat, private_storage):
    person = PersonFactory(centre=centre)
    english_chat.person = person
    english_chat.save()
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    someone_else = ComplaintFactory(centre=centre, assigned_to=staff)
    photo = stored(english_chat)
    client.force_login(staff)
    page = client.get(reverse("bots:conversation", args=[english_chat.pk])).content.decode()
    assert case.reference in page and someone_else.reference not in page  # only the person's own cases are offered
    url = reverse("bots:attachment_evidence", args=[photo.pk])
    assert client.post(url, {"evidence-complaint": someone_else.pk}).status_code == 302
    assert not ComplaintEvidence.objects.exists()
    client.post(url, {"evidence-complaint": case.pk})
    assert ComplaintEvidence.objects.get().complaint == case
    case_page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Evidence sent by the migrant" in case_page and f"/bots/attachments/{photo.pk}/" in case_page


# Retention --------------------------------------------------------------------------------------------

def test_retention_deletes_old_files_of_handled_conversations_but_keeps_case_evidence(centre, english_chat, private_storage):
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    old_photo, evidence_photo, place = stored(english_chat), stored(english_chat), stored(english_chat, "location", "", b"", latitude=16.7, longitude=98.5)
    waiting_chat = Conversation.objects.create(channel="viber", external_user_id="w1", centre=centre, attention="handover")
    waiting_photo = stored(waiting_chat)
    new_photo = stored(english_chat)
    ComplaintEvidence.objects.create(complaint=ComplaintFactory(centre=centre), attachment=evidence_photo)
    Attachment.objects.exclude(pk=new_photo.pk).update(received_at=timezone.now() - dt.timedelta(days=400))
    storage = Attachment._meta.get_field("file").storage
    old_name = old_photo.file.name

    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "bot attachment files: 2 would be blanked" in out.getvalue() and storage.exists(old_name)
    call_command("apply_retention", stdout=StringIO())

    old_photo.refresh_from_db()
    place.refresh_from_db()
    assert (old_photo.status, old_photo.file.name) == ("deleted", "") and not storage.exists(old_name)
    assert (place.status, place.latitude, place.longitude) == ("deleted", None, None)
    for kept in (evidence_photo, waiting_photo, new_photo):
        kept.refresh_from_db()
        assert kept.status == "stored" and storage.exists(kept.file.name)


def test_svg_images_are_never_kept_whatever_the_settings_say(settings):
    from bots.services.attachments import type_allowed

    settings.BOT_ATTACHMENT_TYPES = ["image/*"]
    assert type_allowed("image/png") and type_allowed("IMAGE/JPEG; charset=binary")
    assert not type_allowed("image/svg+xml") and not type_allowed("text/html") and not type_allowed("")


def test_erasing_a_persons_conversations_deletes_their_files_and_evidence(centre, english_chat, private_storage, django_capture_on_commit_callbacks):
    from bots.services.attachments import attachments_erase

    photo = stored(english_chat, name="passport.jpg")
    other = stored(Conversation.objects.create(channel="viber", external_user_id="v9", centre=centre))
    ComplaintEvidence.objects.create(complaint=ComplaintFactory(centre=centre), attachment=photo)
    storage = Attachment._meta.get_field("file").storage
    name = photo.file.name
    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure is committed
        assert attachments_erase(conversations=Conversation.objects.filter(pk=english_chat.pk)) == 1
        assert storage.exists(name)
    photo.refresh_from_db()
    assert (photo.status, photo.file.name, photo.name) == ("deleted", "", "") and not storage.exists(name)
    assert not ComplaintEvidence.objects.exists() and storage.exists(other.file.name)
