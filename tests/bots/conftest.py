"""Bot test kit: channel secrets, signed posts of recorded payloads, a fake channel API on 127.0.0.1."""
import copy
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

FIXTURES = Path(__file__).parent / "fixtures"
TELEGRAM_TOKEN = "7012345678:AAE-test-token-for-the-fake-api_xyz"
TELEGRAM_SECRET = "tg-secret-4f9a1c"
VIBER_TOKEN = "4a9e3b2c1d0e9f8a-7b6c5d4e3f2a1b0c-viber-test"
TWILIO_TOKEN = "twilio-auth-token-for-tests-0123456789"
TWILIO_SID = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
MESSENGER_TOKEN = "EAAGm0PX4ZCpsBAtestpagetoken0123456789"
MESSENGER_SECRET = "messenger-app-secret-0a1b2c3d4e5f"
MESSENGER_VERIFY = "messenger-verify-token-77"


def load(name: str) -> dict:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


@pytest.fixture(autouse=True)
def bot_settings(settings):
    settings.TELEGRAM_BOT_TOKEN = TELEGRAM_TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = TELEGRAM_SECRET
    settings.VIBER_AUTH_TOKEN = VIBER_TOKEN
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_FROM_NUMBER = "+959450001234"
    settings.BOT_DEFAULT_CENTRE = "NDG"
    settings.BOT_PUBLIC_URL = ""
    # Nothing listens on port 9: a test that forgets the fake API fails to send instead of reaching the internet.
    settings.TELEGRAM_API_BASE = settings.VIBER_API_BASE = settings.TWILIO_API_BASE = "http://127.0.0.1:9"
    settings.MESSENGER_PAGE_ACCESS_TOKEN = MESSENGER_TOKEN
    settings.MESSENGER_APP_SECRET = MESSENGER_SECRET
    settings.MESSENGER_VERIFY_TOKEN = MESSENGER_VERIFY
    settings.MESSENGER_API_BASE = "http://127.0.0.1:9/v25.0"
    settings.MESSENGER_HUMAN_AGENT = False
    return settings


def post_telegram(client, payload, secret=TELEGRAM_SECRET):
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    return client.post(reverse("bots:telegram"), body, content_type="application/json", **headers)


def viber_signature(body: bytes, token: str = VIBER_TOKEN) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def post_viber(client, payload, signature=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    signature = viber_signature(body) if signature is None else signature
    return client.post(reverse("bots:viber"), body, content_type="application/json", HTTP_X_VIBER_CONTENT_SIGNATURE=signature)


def post_twilio(client, name: str, form: dict, token: str = TWILIO_TOKEN):
    url = reverse(f"bots:{name}")
    signature = RequestValidator(token).compute_signature(f"http://testserver{url}", form)
    return client.post(url, form, HTTP_X_TWILIO_SIGNATURE=signature)


def messenger_signature(body: bytes, secret: str = MESSENGER_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_messenger(client, payload, signature=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    signature = messenger_signature(body) if signature is None else signature
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature != "" else {}
    return client.post(reverse("bots:messenger"), body, content_type="application/json", **headers)


class FakeChannelAPI:
    """Telegram, Viber and Twilio on 127.0.0.1: records requests, answers from a script of failures."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures: list[tuple[int, dict]] = []  # answered (status, body) first, in order
        self.next_id = 1000
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw and "json" in (self.headers.get("Content-Type") or "") else raw.decode()
                except ValueError:
                    body = raw.decode(errors="replace")
                api.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, answer = api.failures.pop(0) if api.failures else (200, api.success(self.path))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def success(self, path: str) -> dict:
        self.next_id += 1
        if path.startswith("/pa/"):
            return {"status": 0, "status_message": "ok", "message_token": 5098034272017990000 + self.next_id, "chat_hostname": "SN-CHAT-07_"}
        if "/me/messages" in path:
            return {"recipient_id": "7312345678901234", "message_id": f"m_sent-by-us-{self.next_id:04d}"}
        if "/me/subscribed_apps" in path:
            return {"success": True}
        if "/me/messenger_profile" in path:
            return {"result": "success"}
        if "/Messages.json" in path:
            return {"sid": f"SM{self.next_id:032d}", "status": "queued"}
        return {"ok": True, "result": {"message_id": self.next_id, "date": 1764054000, "chat": {"id": 1, "type": "private"}}}

    def fail_next(self, times: int = 1, status: int = 502, body: dict | None = None):
        self.failures += [(status, body or {"ok": False, "error_code": status, "description": "Bad Gateway"})] * times

    def texts(self) -> list[str]:
        found = []
        for request in self.requests:
            body = request["body"]
            if isinstance(body, dict) and "text" in body:
                found.append(body["text"])
            elif isinstance(body, dict) and isinstance(body.get("message"), dict):
                found.append(body["message"].get("text"))
            elif isinstance(body, str) and "Body=" in body:
                from urllib.parse import parse_qs

                found.append(parse_qs(body)["Body"][0])
        return found


@pytest.fixture
def fake_api(settings):
    api = FakeChannelAPI()
    api.thread.start()
    settings.TELEGRAM_API_BASE = settings.VIBER_API_BASE = settings.TWILIO_API_BASE = api.url
    settings.MESSENGER_API_BASE = f"{api.url}/v25.0"
    yield api
    api.server.shutdown()
    api.server.server_close()
