"""Staff see a photo a migrant sent, add it to the case as evidence, and ask the migrant for something more."""
import struct
import zlib

import pytest
from django.core.files.base import ContentFile

from bots.models import Attachment, Conversation, InboundMessage
from tests.bots.conftest import FakeChannelAPI
from tests.factories import CentreFactory, ComplaintFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def png(width: int = 40, height: int = 30) -> bytes:
    """A real (grey) PNG, so the browser decodes the thumbnail."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def telegram_api(settings, tmp_path):
    api = FakeChannelAPI()
    api.thread.start()
    settings.TELEGRAM_BOT_TOKEN = "7012345678:AAE-browser-test-token"
    settings.TELEGRAM_API_BASE = api.url
    settings.STORAGES = {**settings.STORAGES, "bot_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}
    yield api
    api.server.shutdown()
    api.server.server_close()


def test_photo_thumbnail_evidence_and_a_request_to_the_migrant(live_server, login, telegram_api):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    staff = member("staff", centre, username="moe")
    person = PersonFactory(centre=centre, name="Ma Hnin")
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    conversation = Conversation.objects.create(
        channel="telegram", external_user_id="222", centre=centre, person=person, language="en",
        state={"lang": "en", "zawgyi": False, "step": "menu", "data": {}},
    )
    inbound = InboundMessage.objects.create(channel="telegram", external_id="p1", conversation=conversation, text="my contract")
    photo = Attachment(inbound=inbound, conversation=conversation, kind="photo", mime="image/png", status="stored")
    photo.file.save("contract.png", ContentFile(png()), save=False)
    photo.save()

    page = login("moe")
    page.goto(f"{live_server.url}/bots/inbox/{conversation.pk}/")
    thumb = page.locator("#transcript img.thumb")
    thumb.wait_for()
    page.wait_for_function("document.querySelector('#transcript img.thumb').naturalWidth > 0")  # served and allowed by the CSP
    page.select_option("#transcript select", str(case.pk))
    page.click("text=Add to case as evidence")
    page.wait_for_selector(f"text=Added to case {case.reference} as evidence.")

    page.goto(f"{live_server.url}/complaints/{case.pk}/")
    page.wait_for_function("document.querySelector('[data-testid=bots-case-panel] img.thumb').naturalWidth > 0")
    page.click("text=Ask the migrant for something")
    page.fill("textarea[name=ask-text]", "Please send a photo of the receipt too.")
    page.click("[data-testid=bots-case-panel] button[type=submit]")
    page.wait_for_selector("text=Message queued for the migrant")
    assert "Please send a photo of the receipt too." in page.locator("[data-testid=timeline]").inner_text()
    assert telegram_api.texts() == [f"About your case {case.reference}, the staff ask: Please send a photo of the receipt too."]
