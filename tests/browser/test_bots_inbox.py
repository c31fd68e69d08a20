"""Staff open a bot conversation that asked for a person and reply; the reply goes out through Telegram."""
import pytest

from bots.services import inbound_receive
from tests.bots.conftest import FakeChannelAPI
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def telegram_api(settings):
    api = FakeChannelAPI()
    api.thread.start()
    settings.TELEGRAM_BOT_TOKEN = "7012345678:AAE-browser-test-token"
    settings.TELEGRAM_API_BASE = api.url
    settings.BOT_DEFAULT_CENTRE = "NDG"
    yield api
    api.server.shutdown()
    api.server.server_close()


def chat(user_id: str, name: str, *texts: str) -> None:
    for i, text in enumerate(texts):
        inbound_receive(channel="telegram", external_id=f"{user_id}-{i}", user_id=user_id, payload={}, text=text, display_name=name)


def test_staff_opens_a_handover_and_replies(live_server, login, telegram_api):
    CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", CentreFactory(code="NDG"), username="moe")
    chat("111", "Ko Zaw", "hi", "2", "1")  # only browsing the menu
    chat("222", "Ma Hnin", "hi", "1", "၄", "ပတ်စပို့ကို ပွဲစားက သိမ်းထားတယ်")  # Burmese, then "talk to a person"
    telegram_api.requests.clear()

    page = login("moe")
    page.click("nav >> text=Bot inbox")
    rows = page.locator("#inbox tbody tr")
    assert "Ma Hnin" in rows.nth(0).inner_text() and "Wants to talk to a person" in rows.nth(0).inner_text()
    assert "Ko Zaw" in rows.nth(1).inner_text()

    page.click("#inbox >> text=Ma Hnin")
    page.wait_for_selector("#transcript >> text=ပတ်စပို့ကို ပွဲစားက သိမ်းထားတယ်")
    page.fill("textarea[name=text]", "မနက်ဖြန် စင်တာကို လာခဲ့ပါ။")
    page.click("text=Send reply")
    page.wait_for_selector("text=Reply queued")
    assert page.locator("#transcript .msg.out").last.inner_text().count("မနက်ဖြန် စင်တာကို လာခဲ့ပါ။") == 1
    assert "Sent" in page.locator("#transcript .msg.out").last.inner_text()
    assert telegram_api.texts() == ["မနက်ဖြန် စင်တာကို လာခဲ့ပါ။"]
    assert telegram_api.requests[0]["body"]["chat_id"] == "222"

    page.click("text=Mark as handled")
    page.wait_for_selector("text=Marked as handled")
    assert "Wants to talk to a person" not in page.locator("#inbox").inner_text()
