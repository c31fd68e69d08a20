"""Point Telegram, Viber and Messenger at this server: ``manage.py set_webhooks --base-url https://helpdesk.example.org``."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from bots.channels import SendError, messenger, telegram, viber


class Command(BaseCommand):
    help = (
        "Register the Telegram and Viber webhooks and subscribe the Facebook Page to the Messenger fields "
        "(Twilio's and Messenger's callback URLs are set in their consoles: they are printed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="Public HTTPS address of this server, e.g. https://helpdesk.example.org")
        parser.add_argument("--channel", choices=["telegram", "viber", "messenger", "all"], default="all")

    def handle(self, *args, base_url: str, channel: str, **options):
        base_url = base_url.rstrip("/")
        if not base_url.startswith("https://") and not settings.DEBUG:
            raise CommandError("Telegram, Viber and Messenger only call HTTPS webhooks: --base-url must start with https://")
        failed = False
        if channel in ("telegram", "all"):
            failed |= self._set("Telegram", telegram.set_webhook, base_url + reverse("bots:telegram"), settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_WEBHOOK_SECRET)
        if channel in ("viber", "all"):
            failed |= self._set("Viber", viber.set_webhook, base_url + reverse("bots:viber"), settings.VIBER_AUTH_TOKEN)
        if channel in ("messenger", "all"):
            failed |= self._messenger(base_url + reverse("bots:messenger"))
        self.stdout.write("Twilio (set in the console, phone number > Configure, HTTP POST):")
        self.stdout.write(f"  A message comes in: {base_url}{reverse('bots:twilio_sms')}")
        self.stdout.write(f"  A call comes in:    {base_url}{reverse('bots:twilio_voice')}")
        self.stdout.write(f"  Delivery status:    {base_url}{reverse('bots:twilio_status')} (sent with each SMS when BOT_PUBLIC_URL is set)")
        if failed:
            raise CommandError("Some webhooks were not set (see above).")

    def _messenger(self, url: str) -> bool:
        """Meta takes the callback URL only in the app dashboard (it checks it with a GET); the Page's fields can be set here."""
        self.stdout.write("Messenger (Meta app dashboard > Messenger > Settings > Webhooks, or Webhooks > Page):")
        self.stdout.write(f"  Callback URL: {url}")
        self.stdout.write("  Verify token: the value of MESSENGER_VERIFY_TOKEN")
        self.stdout.write(f"  Page fields:  {', '.join(messenger.SUBSCRIBED_FIELDS)}")
        if not (settings.MESSENGER_PAGE_ACCESS_TOKEN and settings.MESSENGER_APP_SECRET and settings.MESSENGER_VERIFY_TOKEN):
            self.stderr.write("Messenger: Page not subscribed, MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN must all be set.")
            return False
        try:
            messenger.subscribe_page()
        except SendError as exc:
            self.stderr.write(f"Messenger: subscribing the Page failed: {exc}")
            return True
        self.stdout.write(self.style.SUCCESS(f"Messenger: Page subscribed to {', '.join(messenger.SUBSCRIBED_FIELDS)}"))
        return False

    def _set(self, name: str, set_webhook, url: str, configured) -> bool:
        if not configured:
            self.stderr.write(f"{name}: skipped, its token/secret settings are not set.")
            return False
        try:
            set_webhook(url)
        except SendError as exc:
            self.stderr.write(f"{name}: failed: {exc}")
            return True
        self.stdout.write(self.style.SUCCESS(f"{name}: webhook set to {url}"))
        return False
